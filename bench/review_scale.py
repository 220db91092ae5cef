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


async def screen_times(base: Path) -> tuple[float, float, float]:
    """First rows of the Sessions screen (warm index), a filter keystroke, and scrolling:
    the worst time for one cursor key over 1,000 presses (the window slides 10 times)."""
    from dataclasses import replace

    from textual.widgets import DataTable

    from sessiontimer import paths
    from sessiontimer.core.clock import ManualClock
    from sessiontimer.core.config import builtin_settings
    from sessiontimer.core.model import AudioSettings
    from sessiontimer.ui.app import make_app
    from sessiontimer.ui.screens.review.sessions import SessionsScreen

    os.environ.update(
        SESSIONTIMER_DATA_DIR=str(base / "data"),
        SESSIONTIMER_STATE_DIR=str(base / "state"),
        SESSIONTIMER_CONFIG=str(base / "none.toml"),
    )
    settings = replace(builtin_settings(), audio=AudioSettings(backend="visual"))
    app = make_app(settings, paths.resolve(), clock=ManualClock(), auto_tick=False, audio=object())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = SessionsScreen()
        began = time.perf_counter()
        await app.push_screen(screen)
        table = screen.query_one("#sessions-table", DataTable)
        while table.row_count == 0:
            await asyncio.sleep(0.001)
        painted = asyncio.Event()
        screen.call_after_refresh(painted.set)  # the frame holding the rows was rendered
        await painted.wait()
        first = time.perf_counter() - began
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = screen.rows
        began = time.perf_counter()
        await pilot.press("a")
        while screen.rows is before:
            await asyncio.sleep(0.001)
        painted = asyncio.Event()
        screen.call_after_refresh(painted.set)
        await painted.wait()
        keystroke = time.perf_counter() - began
        await app.workers.wait_for_complete()
        table.focus()
        worst = 0.0
        for _ in range(1000):
            began = time.perf_counter()
            await pilot.press("down")
            worst = max(worst, time.perf_counter() - began)
        await app.workers.wait_for_complete()
    return first, keystroke, worst


def screen_process(base: Path) -> None:
    """``--screen BASE``: the Sessions screen's figures and this process's peak memory."""
    import resource

    first, keystroke, scroll = asyncio.run(screen_times(base))
    print(f"{first} {keystroke} {scroll} {_peak_mb(resource)}")


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
    ).stdout.split()
    first, keystroke, scroll, peak = (float(x) for x in out[-4:])
    print(f"  Sessions screen first rows, warm{ms(first)}")
    print(f"  Sessions screen filter keystroke{ms(keystroke)}")
    print(f"  Sessions screen worst cursor key{ms(scroll)}  (1,000 presses down)")
    print(f"  peak memory, Sessions screen open {peak:5.0f} MB")


def main() -> None:
    global DATA
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="journal counts (1000 20000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (5)")
    parser.add_argument("--data", type=Path, help="where the generated journals live")
    parser.add_argument("--screen", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-builds", action="store_true", help="skip the two extra cold builds (large N)"
    )
    args = parser.parse_args()
    if args.screen:
        screen_process(args.screen)
        return
    if args.data:
        DATA = args.data
    for n in args.sizes or [1000, 20000]:
        run(n, args.runs, not args.no_builds)


if __name__ == "__main__":
    main()
