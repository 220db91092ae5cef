"""An 8-hour session on a manual clock: is memory flat, is the per-tick cost flat?

Drives a SessionRecorder with a real JournalWriter (temporary folder), a note every minute,
a tick at every next_due and at every whole second, cues answered as "visual". Prints, per
hour: ticks, median and p99 tick cost, traced memory, and the journal size.
Run: ``.venv/bin/python bench/long_session.py [--hours 8]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import builtin_settings
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.events import CueDue
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.model import OnEnd, Phase, PhaseCues, Preset
from sessiontimer.core.recorder import SessionRecorder

HOUR = 3600.0


def long_preset(hours: float) -> Preset:
    """One short phase, then a 'hold' phase that runs into overtime, cueing every 5 minutes."""
    cues = PhaseCues(interval_every=60.0, overtime_every=300.0)
    return Preset("Long", (Phase("arrive", 60.0, cues=cues),
                           Phase("treatment", hours * HOUR / 2, OnEnd.HOLD, cues)))  # fmt: skip


def run(hours: float, folder: Path) -> None:
    clock = ManualClock(wall_start=datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc))
    writer = JournalWriter(folder / "long.jsonl")
    engine = SessionEngine(long_preset(hours), clock)
    recorder = SessionRecorder(
        engine, writer, clock, settings=builtin_settings(), client="AB", app_version="bench"
    )
    recorder.start()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    print(
        f"{'hour':>4} {'ticks':>6} {'median us':>10} {'p99 us':>8} {'max us':>8} "
        f"{'traced KiB':>11} {'journal KiB':>12}"
    )
    costs: list[float] = []
    hour, next_note = 1, 60.0
    origin = clock.now()
    while clock.now() - origin < hours * HOUR:
        now = clock.now()
        step = (int(now) + 1) - now
        due = recorder.engine.next_due()
        clock.advance(min(step, due - now) if due is not None and due > now else step)
        t0 = time.perf_counter()
        for event in recorder.tick():
            if isinstance(event, CueDue):
                recorder.cue_result(event, "visual", "visual")
        if clock.now() - origin >= next_note:
            recorder.note(tag="release", key="r")
            next_note += 60.0
        costs.append(time.perf_counter() - t0)
        if clock.now() - origin >= hour * HOUR:
            writer.flush(10)
            report(hour, costs, base, writer.path)
            costs, hour = [], hour + 1
    print("where the memory lives (top 3 allocation sites at the end, the bench's own left out):")
    mine = [tracemalloc.Filter(False, __file__), tracemalloc.Filter(False, tracemalloc.__file__)]
    for stat in tracemalloc.take_snapshot().filter_traces(mine).statistics("lineno")[:3]:
        print(f"  {stat.size / 1024:8.0f} KiB  {stat.traceback[0]}")
    recorder.end("key")
    assert recorder.close(10)
    tracemalloc.stop()


def report(hour: int, costs: list[float], base: int, journal: Path) -> None:
    """Print one hour's row; memory is read after the bench's own per-tick lists are gone."""
    us = sorted(c * 1e6 for c in costs)
    row = (len(us), statistics.median(us), us[int(0.99 * (len(us) - 1))], us[-1])
    del us
    costs.clear()
    traced = (tracemalloc.get_traced_memory()[0] - base) / 1024
    size = journal.stat().st_size / 1024
    print(f"{hour:4d} {row[0]:6d} {row[1]:10.1f} {row[2]:8.1f} {row[3]:8.0f} "
          f"{traced:11.0f} {size:12.0f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.hours, Path(tmp))


if __name__ == "__main__":
    main()
