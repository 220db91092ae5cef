"""The shown clock against real time: drift, jitter, and whether a second is ever shown late.

Runs the real app (headless Textual, the system clock, its own timers) on a preset whose first
phase is long, and records the moment each new value reaches the big clock. A countdown shows
``ceil(time left)``, so the value ``v`` is due when the phase has run ``target - v`` seconds;
the error of each change is how long after that moment it was shown (measured on the same
monotonic clock the session runs on). A change shown a whole second late, or a value skipped,
is what a practitioner would see as the clock stumbling.

Run: ``.venv/bin/python bench/clock_drift.py [--seconds 120]``. Config, data and state go to a
temporary folder. The figures stop at the widget: the terminal's own redraw is not included.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout


def parse(text: str) -> int:
    """Seconds from ``M:SS`` or ``H:MM:SS``."""
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


async def record(seconds: float) -> tuple[list[tuple[float, int]], list[float], float]:
    """(phase elapsed, value shown) and time.monotonic() at every change; the phase target."""
    from sessiontimer import paths
    from sessiontimer.core.config import builtin_settings
    from sessiontimer.ui.app import make_app
    from sessiontimer.ui.widgets.phase_clock import PhaseClock

    changes: list[tuple[float, int]] = []
    monotonic: list[float] = []
    app = make_app(builtin_settings(), paths.resolve(), preset="Craniosacral 60", keep_awake=False)
    shown = PhaseClock.show

    def show(widget: PhaseClock, text: str) -> None:
        if text != widget.value:
            recorder = app.active_recorder()
            if recorder is not None:
                changes.append((recorder.engine.snapshot().phase_elapsed, parse(text)))
                monotonic.append(time.monotonic())
        shown(widget, text)

    PhaseClock.show = show  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        target = app.active_recorder().engine.snapshot().target
        await asyncio.sleep(seconds)
    return changes, monotonic, float(target)


def report(changes: list[tuple[float, int]], monotonic: list[float], target: float) -> None:
    steady = changes[1:]  # the first value is drawn at the start, not at a boundary
    errors = [1000 * (elapsed - (target - value)) for elapsed, value in steady]
    values = [value for _, value in changes]
    skipped = sum(1 for a, b in itertools.pairwise(values) if a - b != 1)
    late = sum(1 for e in errors if e >= 1000)
    early = sum(1 for e in errors if e < 0)
    n = len(errors)
    half = n // 2
    drift = statistics.median(errors[half:]) - statistics.median(errors[:half])
    ordered = sorted(errors)
    print(f"values shown: {len(changes)} over {changes[-1][0] - changes[0][0]:.0f} s")
    print(f"error after the due moment, ms: p50 {statistics.median(errors):.2f}  "
          f"p99 {ordered[min(n - 1, round(0.99 * (n - 1)))]:.2f}  max {max(errors):.2f}  "
          f"min {min(errors):.2f}")  # fmt: skip
    print(f"drift (median error, second half minus first half): {drift:+.2f} ms (goal within 5)")
    start = monotonic[0] - changes[0][0]  # the phase start, on time.monotonic()
    wall = [
        1000 * (m - (start + target - v)) for m, (_, v) in zip(monotonic[1:], steady, strict=True)
    ]
    wall_drift = statistics.median(wall[half:]) - statistics.median(wall[:half])
    print(
        f"against time.monotonic(): p50 {statistics.median(wall):.2f} ms, "
        f"drift {wall_drift:+.2f} ms"
    )
    print(f"shown early: {early}   a second or more late: {late}   values skipped: {skipped}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to watch (120)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            SESSIONTIMER_DATA_DIR=f"{tmp}/data",
            SESSIONTIMER_STATE_DIR=f"{tmp}/state",
            SESSIONTIMER_CONFIG=f"{tmp}/config.toml",
        )
        (Path(tmp) / "config.toml").write_text('[audio]\nbackend = "visual"\n')
        started = time.monotonic()
        changes, monotonic, target = asyncio.run(record(args.seconds))
        print(f"watched {time.monotonic() - started:.0f} s of real time")
    report(changes, monotonic, target)


if __name__ == "__main__":
    main()
