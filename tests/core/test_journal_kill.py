"""Kill -9 at random moments: every acknowledged note survives, the file parses, and recovery
lands in the right phase with the time known to within the checkpoint interval."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal, resume_state
from sessiontimer.core.recorder import CHECKPOINT_EVERY
from sessiontimer.core.recovery import resume_after_crash

CHILD = Path(__file__).with_name("journal_child.py")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(CHILD.parent))
from journal_child import SETTINGS, TARGETS  # noqa: E402

TRIALS = 36
AT_ONCE = 3
STARTS = [sum(TARGETS[:i]) for i in range(len(TARGETS) + 1)]  # session time each phase starts


@dataclass
class Trial:
    path: Path
    proc: subprocess.Popen[bytes]
    kill_after: float


def spawn(path: Path, seed: int, rng: random.Random) -> Trial:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(path), str(seed)], stdout=subprocess.PIPE, env=env
    )
    return Trial(path, proc, rng.uniform(0.0, 0.15))


def wait_ready(trial: Trial) -> None:
    """Block until the child has started its session, then set its moment of death."""
    assert trial.proc.stdout is not None
    first = trial.proc.stdout.readline()
    assert first == b"ready\n", first
    trial.kill_after += time.monotonic()


def kill_and_collect(trial: Trial) -> list[str]:
    assert trial.proc.stdout is not None
    time.sleep(max(0.0, trial.kill_after - time.monotonic()))  # a random moment, not time logic
    trial.proc.send_signal(signal.SIGKILL)
    out = trial.proc.stdout.read()  # through the reader: readline may have buffered lines
    trial.proc.stdout.close()
    assert trial.proc.wait(10) == -signal.SIGKILL
    return out.decode().splitlines()


def phase_at(t: float) -> int:
    return max(i for i, start in enumerate(STARTS) if start <= t)


def check(path: Path, lines: list[str]) -> tuple[int, int]:
    """All the assertions for one killed child; its last phase and saved notes (coverage)."""
    read = read_journal(path)
    assert read.problems == [], read.problems  # only the last line may be half-written
    texts = {e.get("text") for e in read.events if e.get("type") == "note"}
    saved = [line.split()[1] for line in lines if line.startswith("saved ")]
    missing = [s for s in saved if s not in texts]
    assert not missing, f"acknowledged but not in the file: {missing}"
    states = [line.split() for line in lines if line.startswith("state ")]
    last_t = float(states[-1][1]) if states else 0.0
    info = resume_state(read.events)
    assert last_t - CHECKPOINT_EVERY <= info.session_elapsed <= last_t + 1.0, (
        len(lines),
        lines[:3],
        lines[-3:],
    )
    expected = phase_at(info.session_elapsed)
    at_boundary = info.session_elapsed in STARTS and info.phase_index == expected - 1
    assert info.phase_index == expected or at_boundary, (info, expected)
    start = STARTS[info.phase_index]
    assert info.phase_elapsed == pytest.approx(info.session_elapsed - start)
    return info.phase_index, len(saved)


def resume_works(path: Path, phase: int) -> None:
    clock = ManualClock()
    rec = resume_after_crash(path, "pause", clock, SETTINGS)
    assert rec.engine.resume_point().phase_index == phase
    assert rec.close()
    assert read_journal(path).events[-1]["type"] == "resumed_after_crash"


def test_sigkill_at_random_moments_loses_no_acknowledged_note(tmp_path: Path) -> None:
    rng = random.Random(20261124)
    phases_seen: set[int] = set()
    saved = 0
    for batch in range(TRIALS // AT_ONCE):
        trials = [
            spawn(tmp_path / f"s{batch}-{i}.jsonl", batch * AT_ONCE + i, rng)
            for i in range(AT_ONCE)
        ]
        for trial in trials:
            wait_ready(trial)
        for trial in sorted(trials, key=lambda trial: trial.kill_after):
            lines = kill_and_collect(trial)
            phase, n = check(trial.path, lines)
            phases_seen.add(phase)
            saved += n
            if batch % 4 == 0:
                resume_works(trial.path, phase)
    assert len(phases_seen) >= 2, phases_seen  # kills landed in different phases
    assert saved > TRIALS, saved  # and notes were acknowledged to check
