"""Child process for the kill tests: runs a session fast and reports what is durable.

Usage: journal_child.py JOURNAL SEED. Prints "ready" once started, "saved <text>" from the
writer's on_durable callback (so only after fsync), and "state <t> <phase>" after each
simulated second once everything up to it is durable. The parent kills it at random moments.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.events import CueDue
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.model import OnEnd, Phase, Preset, Settings
from sessiontimer.core.recorder import SessionRecorder

TARGETS = (20.0, 25.0, 30.0)  # then a hold phase that never ends by itself
PRESET = Preset(
    "Kill test",
    (*(Phase(f"p{i}", t) for i, t in enumerate(TARGETS)), Phase("hold", 60.0, OnEnd.HOLD)),
)
SETTINGS = Settings(presets=(PRESET,), note_keys=(), regions=("feet", "sacrum"))


def say(line: str) -> None:
    """One write per line: atomic on a pipe, safe from the writer thread too."""
    os.write(1, (line + "\n").encode())


def main(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    clock = ManualClock(wall_start=datetime.now().astimezone())
    engine = SessionEngine(PRESET, clock)
    rec = SessionRecorder(engine, JournalWriter(path), clock, settings=SETTINGS, client="c",
                          app_version="test")  # fmt: skip
    rec.start()
    rec.writer.flush(5)
    say("ready")
    count = 0
    while True:
        clock.advance(1.0)
        for event in rec.tick():
            if isinstance(event, CueDue):
                rec.cue_result(event, "test", "skipped" if event.stale else "played")
        if rng.random() < 0.5:
            rec.set_region(rng.randint(1, 2))
            for _ in range(rng.randint(1, 4)):  # a burst: these share fsyncs
                count += 1
                text = f"n{count}"
                rec.note(text=text, key="n", on_saved=lambda text=text: say(f"saved {text}"))
        rec.writer.flush(5)
        point = engine.resume_point()
        say(f"state {point.session_elapsed:.3f} {point.phase_index}")
        time.sleep(0.001)  # pacing only: about 1 ms per simulated second, so kills spread out


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
