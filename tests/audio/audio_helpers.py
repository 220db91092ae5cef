"""Helpers shared by the audio tests (a plain module: conftest files cannot be imported)."""

from __future__ import annotations

import os
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sessiontimer.audio.base import BackendChange, CueOutcome, Done, PlayJob
from sessiontimer.audio.sound import ScaledSound

WAIT = 5.0  # the longest any test waits for a confirmation
HERE = Path(__file__).resolve().parent
SHARED_TEMPLATE = HERE.parents[1].parent / "shared" / "audio-capture" / "asoundrc.capture"
LOCAL_TEMPLATE = HERE / "asoundrc.capture"


def capture_template() -> Path:
    """The shared capture recipe, or the copy kept here when the shared folder is absent."""
    return SHARED_TEMPLATE if SHARED_TEMPLATE.is_file() else LOCAL_TEMPLATE


def require(tool: str, present: bool) -> None:
    """Skip when ``tool`` is missing, except under CI=true, where a skip would hide a gap."""
    if present:
        return
    message = f"{tool} is not installed"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true requires the real audio path to be tested")
    pytest.skip(message)


def ends_in_a_fade(samples: list[int], rate: int) -> bool:
    """The last 150 ms fall steadily to silence (no sound stopped mid-wave)."""
    n = int(0.15 * rate)
    tail = samples[-n:]
    quarters = [max(abs(v) for v in tail[i * n // 4 : (i + 1) * n // 4]) for i in range(4)]
    before = max(abs(v) for v in samples[-2 * n : -n])
    return (
        before > 500 and quarters == sorted(quarters, reverse=True) and quarters[-1] < 0.2 * before
    )


@dataclass
class Capture:
    """Where the captured plays land."""

    base: Path

    def files(self) -> list[Path]:
        """One file per PCM open, in order."""
        return sorted(self.base.parent.glob(self.base.name + "*"))

    def samples(self, index: int = 0) -> array:
        data = array("h")
        data.frombytes(self.files()[index].read_bytes())
        return data


@dataclass
class Recorder:
    """Collects outcomes and backend changes from audio threads, with waits that time out."""

    outcomes: list[CueOutcome] = field(default_factory=list)
    changes: list[BackendChange] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def result(self, outcome: CueOutcome) -> None:
        with self._cond:
            self.outcomes.append(outcome)
            self._cond.notify_all()

    def changed(self, change: BackendChange) -> None:
        with self._cond:
            self.changes.append(change)
            self._cond.notify_all()

    def wait_outcomes(self, n: int, timeout: float = WAIT) -> list[CueOutcome]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.outcomes) >= n, timeout), self.outcomes
            return list(self.outcomes)

    def wait_firsts(self, n: int, timeout: float = WAIT) -> list[CueOutcome]:
        """The first ``n`` outcomes of cues, not counting later words (``update``) on them."""
        with self._cond:
            firsts = lambda: [o for o in self.outcomes if not o.update]  # noqa: E731
            assert self._cond.wait_for(lambda: len(firsts()) >= n, timeout), self.outcomes
            return firsts()

    def wait_changes(self, n: int) -> list[BackendChange]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.changes) >= n, WAIT), self.changes
            return list(self.changes)


@dataclass
class PacedSink:
    """The paced sink's output folder: one .raw and one .idx per open of the device."""

    folder: Path

    def plays(self) -> list[Path]:
        """The .idx files, oldest first."""
        return sorted(self.folder.glob("*.idx"))

    def finished(self, idx: Path, timeout: float = WAIT) -> bool:
        """Wait until the pacer has written this play's last chunk (its "# end" line): it
        plays at real time, so it finishes after the player has let go of the device."""
        import time

        deadline = time.monotonic() + timeout
        while "# end" not in idx.read_text():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def played_seconds(self, idx: Path) -> float:
        """How much sound reached the "speaker" before the stream ended."""
        rate = ch = bits = 0
        total = 0
        for line in idx.read_text().splitlines():
            if line.startswith("# t0"):
                parts = line.split()
                rate, ch, bits = int(parts[4]), int(parts[6]), int(parts[8])
            elif line and not line.startswith("#"):
                total += int(line.split()[1])
        return total / (rate * ch * bits / 8) if rate else 0.0

    def samples(self, idx: Path) -> array:
        data = array("h")
        data.frombytes(idx.with_suffix(".raw").read_bytes())
        return data

    def onset_ns(self, idx: Path, threshold: int = 64) -> int | None:
        """Wall-clock ns when the first sample above ``threshold`` reached the speaker."""
        rate = ch = bits = 0
        offset = 0
        data = self.samples(idx)
        for line in idx.read_text().splitlines():
            if line.startswith("# t0"):
                parts = line.split()
                rate, ch, bits = int(parts[4]), int(parts[6]), int(parts[8])
                continue
            if not line or line.startswith("#"):
                continue
            when, size = (int(v) for v in line.split())
            frames = size // (ch * bits // 8)
            chunk = data[offset * ch : (offset + frames) * ch]
            for i, v in enumerate(chunk):
                if abs(v) > threshold:
                    return when + int((i // ch) * 1e9 / rate)
            offset += frames
        return None


class Keeper:
    """A backend that keeps each job (and, if ``schedules``, its moment) until answered."""

    def __init__(self, schedules: bool, name: str = "keeper") -> None:
        self.name = name
        self.schedules = schedules
        self.jobs: list[tuple[PlayJob, Done, float]] = []
        self.cancelled: list[int] = []
        self.got = threading.Event()

    def unavailable(self) -> str | None:
        return None

    def start(self) -> str | None:
        return None

    def preload(self, sound: ScaledSound) -> None:
        pass

    def play(self, job: PlayJob, done: Done) -> None:
        self.jobs.append((job, done, time.monotonic()))
        self.got.set()

    def cancel(self, play_id: int) -> None:
        self.cancelled.append(play_id)

    def wait_idle(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        pass
