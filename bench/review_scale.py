"""Review at scale: logs list cold and warm, index build, filters, the Sessions screen.

Usage: python bench/review_scale.py [--runs R] [--data DIR] [N ...]  (default: 1000 20000, R = 5)

For each N, journals are generated once under DIR/N (default $TMPDIR/sessiontimer-bench; reused
on later runs) and every figure is printed in milliseconds. "Cold" means no index (deleted
first); the journals themselves may be in the OS page cache, as after any recent use. Commands
are run R times: the best is printed, then the median and the worst, since on a shared machine
one run says little. The Sessions screen is measured in a process of its own, so that its peak
memory (ru_maxrss) is the app's with the screen open, not this script's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_journals import generate  # noqa: E402

from sessiontimer.review import index, lookup  # noqa: E402

FILTERS = ["anna", "client:anna tag:release", "region:sacrum", "since:2026-10-01", "text:headache"]


DATA = Path(tempfile.gettempdir()) / "sessiontimer-bench"


def data_for(n: int) -> Path:
    base = DATA / str(n)
    if not (base / "data" / "sessions").is_dir():
        began = time.perf_counter()
        generate(base / "data", n)
        print(f"  generated {n} journals in {time.perf_counter() - began:.1f} s")
    return base


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def logs_list(base: Path, *words: str) -> float:
    env = dict(
        os.environ,
        SESSIONTIMER_DATA_DIR=str(base / "data"),
        SESSIONTIMER_STATE_DIR=str(base / "state"),
        SESSIONTIMER_CONFIG=str(base / "none.toml"),
    )
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sessiontimer", *(words or ("logs", "list"))],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    return time.perf_counter() - began


def best(fn: Any, runs: int = 3) -> float:
    return min(fn() for _ in range(runs))


def spread(times: list[float]) -> str:
    """Best, then (median, worst) of several runs."""
    median, worst = statistics.median(times), max(times)
    return f"{ms(min(times))}  (median {ms(median).strip()}, worst {ms(worst).strip()})"


KEYS = ["a", "n", "backspace", "backspace", "h", "e", "backspace", "backspace"]  # each a filter


async def _painted(screen: Any) -> None:
    """Until the frame holding the screen's latest change has been rendered."""
    painted = asyncio.Event()
    screen.call_after_refresh(painted.set)
    await painted.wait()


async def screen_times(base: Path) -> dict[str, float]:
    """The Sessions screen as the launcher runs it (collection held through start-up, then
    frozen): first rows (warm index), from ctrl+l on the Start screen a moment after it
    shows (after it made review ready) to the frame holding them; filter keystrokes, each
    from the key reaching the app to the frame that shows its rows (Pilot's ``press`` would
    add its own wait for the process to go idle, 40 ms at least, and the counts that follow
    the rows); and scrolling, the worst of 1,000 cursor keys down, each until its frame (and
    a slide's rows) is shown."""
    from dataclasses import replace

    from textual import events
    from textual.widgets import DataTable

    from sessiontimer import gc_hold, paths
    from sessiontimer.core.clock import ManualClock
    from sessiontimer.core.config import builtin_settings
    from sessiontimer.core.model import AudioSettings
    from sessiontimer.ui.app import make_app
    from sessiontimer.ui.screens.session import start as start_screen

    os.environ.update(
        SESSIONTIMER_DATA_DIR=str(base / "data"),
        SESSIONTIMER_STATE_DIR=str(base / "state"),
        SESSIONTIMER_CONFIG=str(base / "none.toml"),
    )
    gc_hold.hold()  # as sessiontimer/cli.py does; the app releases after its first frame
    settings = replace(builtin_settings(), audio=AudioSettings(backend="visual"))
    app = make_app(settings, paths.resolve(), clock=ManualClock(), auto_tick=False, audio=object())
    figures: dict[str, float] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # A practitioner looks at the Start screen a moment before ctrl+l: the screen makes
        # review ready after PREPARE_AFTER (the Sessions screen's code and styles).
        await asyncio.sleep(getattr(start_screen, "PREPARE_AFTER", 1.0) + 0.2)  # older: none
        from sessiontimer.ui.screens.review.sessions import SessionsScreen  # imported by now

        start, driver = app.screen, app._driver
        assert driver is not None
        began, cpu = time.perf_counter(), time.process_time()
        driver.send_message(events.Key("ctrl+l", None))  # as the terminal's key would come
        while app.screen is start:
            await asyncio.sleep(0.0005)
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        while not screen.query("#sessions-table"):  # a new screen composes after its push
            await asyncio.sleep(0.0005)
        table = screen.query_one("#sessions-table", DataTable)
        while table.row_count == 0:
            await asyncio.sleep(0.0005)
        await _painted(screen)  # the frame holding the rows was rendered
        figures["first"] = time.perf_counter() - began
        figures["first_cpu"] = time.process_time() - cpu
        await app.workers.wait_for_complete()
        await pilot.pause()
        driver = app._driver
        assert driver is not None
        keys, cpus = [], []
        for _ in range(2):
            for key in KEYS:
                before = screen.rows
                began, cpu = time.perf_counter(), time.process_time()
                driver.send_message(events.Key(key, key if len(key) == 1 else None))
                while screen.rows is before:
                    await asyncio.sleep(0.0005)
                await _painted(screen)
                keys.append(time.perf_counter() - began)
                cpus.append(time.process_time() - cpu)
                await app.workers.wait_for_complete()  # the counts, before the next key
                await pilot.pause()
        figures["key"], figures["key_worst"] = statistics.median(keys), max(keys)
        figures["key_cpu"] = statistics.median(cpus)
        table.focus()
        await pilot.pause()
        worst = 0.0
        for _ in range(1000):
            at, base_was = table.cursor_row, screen.base
            began = time.perf_counter()
            driver.send_message(events.Key("down", None))
            while table.cursor_row == at and screen.base == base_was:
                await asyncio.sleep(0.0005)
            while screen._sliding:
                await asyncio.sleep(0.0005)
            await _painted(screen)
            worst = max(worst, time.perf_counter() - began)
        figures["scroll"] = worst
        await app.workers.wait_for_complete()
    return figures


async def cold_screen_times(base: Path) -> dict[str, float]:
    """The Sessions screen opened as the app starts with no index (the Start screen's
    reading of client names begins the build): from the screen's push to its first rows
    painted (every session listable), to the rows in view filled in (their notes read), and
    to the end of the build; meanwhile cursor keys (KEY_GAP apart), each until its frame is
    shown."""
    from textual import events
    from textual.widgets import DataTable

    app = _bench_app(base)
    index.forget(base / "state")
    figures: dict[str, float] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        from sessiontimer.ui.screens.review.sessions import SessionsScreen

        await pilot.pause()
        screen = SessionsScreen()
        began = time.perf_counter()
        await app.push_screen(screen)
        table = screen.query_one("#sessions-table", DataTable)
        while table.row_count == 0:
            await asyncio.sleep(0.0005)
        await _painted(screen)
        figures["cold_first"] = time.perf_counter() - began
        table.focus()
        driver = app._driver
        assert driver is not None
        keys: list[float] = []
        down, lost, pressed = True, 0, 0.0
        while not screen.loaded:
            if "filled" not in figures and screen.rows and not any(s.partial for s in screen.rows):
                figures["filled"] = time.perf_counter() - began
            at = table.cursor_row
            down = at < 20 if at in (0, 20) else down  # back and forth over rows 0-20
            await asyncio.sleep(max(0.0, KEY_GAP - (time.perf_counter() - pressed)))
            pressed = time.perf_counter()
            driver.send_message(events.Key("down" if down else "up", None))
            while table.cursor_row == at and time.perf_counter() - pressed < 5:
                await asyncio.sleep(0.0005)
            if table.cursor_row == at:
                lost += 1  # not answered in 5 s (or undone)
                continue
            await _painted(screen)
            keys.append(time.perf_counter() - pressed)
        figures["built"] = time.perf_counter() - began
        figures.setdefault("filled", figures["built"])
        figures["stage_keys"] = len(keys)
        figures["stage_key"] = statistics.median(keys) if keys else 0.0
        figures["stage_key_worst"] = max(keys, default=0.0)
        figures["stage_keys_lost"] = lost
        await app.workers.wait_for_complete()
    return figures


KEY_GAP = 0.05  # a practitioner's fast key repeat: 20 keys a second


def _bench_app(base: Path) -> Any:
    """The app as the launcher makes it, its paths under ``base``."""
    from dataclasses import replace

    from sessiontimer import gc_hold, paths
    from sessiontimer.core.clock import ManualClock
    from sessiontimer.core.config import builtin_settings
    from sessiontimer.core.model import AudioSettings
    from sessiontimer.ui.app import make_app

    os.environ.update(
        SESSIONTIMER_DATA_DIR=str(base / "data"),
        SESSIONTIMER_STATE_DIR=str(base / "state"),
        SESSIONTIMER_CONFIG=str(base / "none.toml"),
    )
    gc_hold.hold()  # as sessiontimer/cli.py does; the app releases after its first frame
    settings = replace(builtin_settings(), audio=AudioSettings(backend="visual"))
    return make_app(settings, paths.resolve(), clock=ManualClock(), auto_tick=False, audio=object())


def screen_process(base: Path) -> None:
    """``--screen BASE``: the Sessions screen's figures and this process's peak memory."""
    import resource

    figures = asyncio.run(screen_times(base))
    figures["peak"] = _peak_mb(resource)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


def _peak_mb(resource: Any) -> float:
    """This process's own peak resident memory. Linux's ru_maxrss is carried over exec from
    the process that started this one (the bench itself, ~140 MB after its builds), so the
    high-water mark of this process's own memory (VmHWM) is read where there is one."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def ended_session(sessions: Path, state: Path) -> float:
    """A session's rows after it ends: a new journal in the newest folder, indexed alone."""
    newest = max(p for p in sessions.iterdir() if p.is_dir())
    source = next(newest.glob("*.jsonl"))
    target = newest / (source.stem[:-6] + "fffffe.jsonl")
    target.write_bytes(source.read_bytes())
    try:
        began = time.perf_counter()
        index.update(sessions, state, [f"{newest.name}/{target.name}"])
        took = time.perf_counter() - began
    finally:
        target.unlink()
        index.update(sessions, state, [f"{newest.name}/{target.name}"])
    return took


def run(n: int, runs: int, builds: bool = True) -> None:
    print(f"\n== {n} journals")
    base = data_for(n)
    sessions, state = base / "data" / "sessions", base / "state"
    version = [logs_list(base, "--version") for _ in range(runs)]
    print(f"  sessiontimer --version          {spread(version)}")
    index.forget(state)
    cold = logs_list(base)
    print(f"  logs list, cold (no index)      {ms(cold)}  (lists every session, all cores)")
    warm = [logs_list(base) for _ in range(runs)]
    print(f"  logs list, warm                 {spread(warm)}  {min(warm) / min(version):.1f}x")
    word = [logs_list(base, "logs", "list", "text:headache") for _ in range(runs)]
    print(f"  logs list text:headache, warm   {spread(word)}  {min(word) / min(version):.1f}x")

    def build(processes: bool) -> str:
        """Time to every session listable, then to notes and text indexed (the two stages)."""
        index.forget(state)
        listed: list[float] = []
        began = time.perf_counter()
        listable = lambda: listed.append(time.perf_counter() - began)  # noqa: E731
        index.refresh(sessions, state, processes=processes, listable=listable)
        return f"{ms(listed[0])} listable, {ms(time.perf_counter() - began).strip()} all text"

    def build_in_a_thread() -> str:
        """As the Sessions screen builds: from a thread, so readers are not forked."""
        took: list[str] = []
        worker = threading.Thread(target=lambda: took.append(build(True)))
        worker.start()
        worker.join()
        return took[0]

    if builds:
        print(f"  index build, one process        {build(False)}")
        print(f"  index build, process pool       {build(True)}")
        print(f"  index build, pool from a thread {build_in_a_thread()}  (the Sessions screen)")
    for full in (False, True):
        began = time.perf_counter()
        index.refresh(sessions, state, full=full)
        what = "every file" if full else "changed folders"
        print(f"  refresh, nothing changed ({what:<15}) {ms(time.perf_counter() - began)}")
    with index.open_index(state) as store:
        for line in FILTERS:
            times = []
            for _ in range(3):
                began = time.perf_counter()
                chosen = lookup.select(store, line)
                found = lookup.page(store, chosen, 0, 200)
                times.append(time.perf_counter() - began)
            began = time.perf_counter()
            total = lookup.count(store, chosen)
            counted = time.perf_counter() - began
            print(
                f"  filter {line!r:<28} {ms(statistics.median(times))}  first {len(found)};"
                f" count {total} in {ms(counted).strip()}"
            )
    ended = min(ended_session(sessions, state) for _ in range(5))
    print(f"  a session's rows after it ends  {ms(ended)}")
    out = subprocess.run(
        [sys.executable, __file__, "--screen", str(base)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-7:]
    got = {k: float(v) for k, v in (pair.split("=") for pair in out)}
    print(
        f"  Sessions screen first rows, warm{ms(got['first'])}"
        f"  (CPU {ms(got['first_cpu']).strip()})"
    )
    print(
        f"  Sessions screen filter keystroke{ms(got['key'])}  median of {2 * len(KEYS)}"
        f" (worst {ms(got['key_worst']).strip()}, CPU {ms(got['key_cpu']).strip()})"
    )
    print(f"  Sessions screen worst cursor key{ms(got['scroll'])}  (1,000 presses down)")
    print(f"  peak memory, Sessions screen open {got['peak']:5.0f} MB")
    print(f"  load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    out = subprocess.run(
        [sys.executable, __file__, "--cold-screen", str(base)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-7:]
    got = {k: float(v) for k, v in (pair.split("=") for pair in out)}
    print(
        f"  Sessions screen first rows, cold{ms(got['cold_first'])}  (no index: listable;"
        f" rows in view read {ms(got['filled']).strip()}, build done {ms(got['built']).strip()})"
    )
    print(
        f"  cursor key during the cold build{ms(got['stage_key'])}  median of"
        f" {got['stage_keys']:.0f} (worst {ms(got['stage_key_worst']).strip()},"
        f" {got['stage_keys_lost']:.0f} not answered in 5 s)"
    )
    print(f"  load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


def main() -> None:
    global DATA
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="journal counts (1000 20000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (5)")
    parser.add_argument("--data", type=Path, help="where the generated journals live")
    parser.add_argument("--screen", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cold-screen", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-builds", action="store_true", help="skip the two extra cold builds (large N)"
    )
    args = parser.parse_args()
    if args.screen:
        screen_process(args.screen)
        return
    if args.cold_screen:
        figures = asyncio.run(cold_screen_times(args.cold_screen))
        print(" ".join(f"{k}={v}" for k, v in figures.items()))
        return
    if args.data:
        DATA = args.data
    for n in args.sizes or [1000, 20000]:
        run(n, args.runs, not args.no_builds)


if __name__ == "__main__":
    main()
