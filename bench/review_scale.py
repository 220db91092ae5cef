"""Review at scale: logs list cold and warm, index build, filter, Sessions screen first rows.

Usage: python bench/review_scale.py [--runs R] [N ...]   (default: 1000 20000, R = 5)

For each N, journals are generated once under $TMPDIR/sessiontimer-bench/N (reused on later
runs) and every figure is printed in milliseconds. "Cold" means no index (deleted first);
the journals themselves may be in the OS page cache, as after any recent use. `logs list`
is run R times cold and R times warm: the best is printed, then the median and the worst,
since on a shared machine one run says little.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_journals import generate  # noqa: E402

from sessiontimer.review import index, query  # noqa: E402

FILTERS = ["anna", "client:anna tag:release", "region:sacrum", "since:2026-10-01", "text:headache"]


def data_for(n: int) -> Path:
    base = Path(tempfile.gettempdir()) / "sessiontimer-bench" / str(n)
    if not (base / "data" / "sessions").is_dir():
        began = time.perf_counter()
        generate(base / "data", n)
        print(f"  generated {n} journals in {time.perf_counter() - began:.1f} s")
    return base


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def logs_list(base: Path) -> float:
    env = dict(
        os.environ,
        SESSIONTIMER_DATA_DIR=str(base / "data"),
        SESSIONTIMER_STATE_DIR=str(base / "state"),
        SESSIONTIMER_CONFIG=str(base / "none.toml"),
    )
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sessiontimer", "logs", "list"],
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


async def screen_times(base: Path) -> tuple[float, float]:
    """Time to first rows of the Sessions screen (warm index), and to a filter keystroke."""
    from dataclasses import replace

    from textual.widgets import DataTable

    from sessiontimer import paths
    from sessiontimer.core.clock import ManualClock
    from sessiontimer.core.config import builtin_settings
    from sessiontimer.core.model import AudioSettings
    from sessiontimer.ui.app import make_app
    from sessiontimer.ui.screens.sessions import SessionsScreen

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
            await asyncio.sleep(0.002)
        painted = asyncio.Event()
        screen.call_after_refresh(painted.set)  # the frame holding the rows was rendered
        await painted.wait()
        first = time.perf_counter() - began
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = screen.shown
        began = time.perf_counter()
        await pilot.press("a")
        while screen.shown is before:
            await asyncio.sleep(0.002)
        painted = asyncio.Event()
        screen.call_after_refresh(painted.set)
        await painted.wait()
        keystroke = time.perf_counter() - began
    return first, keystroke


def run(n: int, runs: int) -> None:
    print(f"\n== {n} journals")
    base = data_for(n)
    sessions, state = base / "data" / "sessions", base / "state"
    cold = []
    for _ in range(runs):
        index.forget(state)
        cold.append(logs_list(base))
    print(f"  logs list, cold (no index)      {spread(cold)}")
    print(f"  logs list, warm                 {spread([logs_list(base) for _ in range(runs)])}")

    def build(processes: bool) -> float:
        index.forget(state)
        began = time.perf_counter()
        index.refresh(sessions, state, processes=processes)
        return time.perf_counter() - began

    print(f"  index build, one process        {ms(best(lambda: build(False), 1))}")
    print(f"  index build, all cores          {ms(best(lambda: build(True), 1))}")
    began = time.perf_counter()
    idx = index.refresh(sessions, state)
    print(f"  index refresh, nothing changed  {ms(time.perf_counter() - began)}")
    for line in FILTERS:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            found, _ = query.select(idx.summaries, line)
            times.append(time.perf_counter() - began)
        print(f"  filter {line!r:<28} {ms(statistics.median(times))}  ({len(found)} found)")
    first, keystroke = asyncio.run(screen_times(base))
    print(f"  Sessions screen first rows, warm{ms(first)}")
    print(f"  Sessions screen filter keystroke{ms(keystroke)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="journal counts (1000 20000)")
    parser.add_argument("--runs", type=int, default=5, help="cold and warm runs each (5)")
    args = parser.parse_args()
    for n in args.sizes or [1000, 20000]:
        run(n, args.runs)


if __name__ == "__main__":
    main()
