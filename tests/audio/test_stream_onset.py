"""The onset the worker's ALSA stream tells (the journal's ``late``) is the device's own word
where it has one (issue 15: ``late`` said 0 while the sound was later): a device that holds
more before the sound than the frames fed say (it started late) moves the onset told; a sink
that says nothing (the null plugin: 0) leaves the count by frames. A fake libasound stands in
for the device (its clock is real time: the stream paces itself by it)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from sessiontimer.audio.alsa_stream import AlsaStream


class FakeDevice:
    """libasound's calls the stream makes: a device that starts playing ``starts_late`` s
    after the first write, then plays at the stream's rate (running dry if not fed in time:
    it then plays a write as it comes); ``snd_pcm_delay`` is what it still holds (None: it
    reports 0, as ALSA's null plugin does). ``said`` is when its last answer says a frame
    written then is heard."""

    def __init__(self, rate: int, starts_late: float | None) -> None:
        self.rate, self.starts_late = rate, starts_late
        self.heard_until: float | None = None  # when what was written will have been heard
        self.said: float | None = None
        self.closed = threading.Event()

    def snd_pcm_open(self, ref: Any, name: bytes, mode: int, flags: int) -> int:
        ref._obj.value = 1
        return 0

    def snd_pcm_set_params(self, *args: Any) -> int:
        return 0

    def snd_pcm_writei(self, pcm: Any, piece: bytes, frames: int) -> int:
        now = time.monotonic()
        if self.heard_until is None:
            self.heard_until = now + (self.starts_late or 0.0)
        self.heard_until = max(self.heard_until, now) + frames / self.rate
        return frames

    def snd_pcm_delay(self, pcm: Any, ref: Any) -> int:
        now = time.monotonic()
        if self.starts_late is None or self.heard_until is None:
            ref._obj.value = 0
            return 0
        ref._obj.value = max(0, round((self.heard_until - now) * self.rate))
        self.said = now + ref._obj.value / self.rate
        return 0

    def snd_pcm_drain(self, pcm: Any) -> int:
        return 0

    def snd_pcm_drop(self, pcm: Any) -> int:
        return 0

    def snd_pcm_close(self, pcm: Any) -> int:
        self.closed.set()
        return 0

    def snd_pcm_recover(self, pcm: Any, rc: int, silent: int) -> int:
        return 0

    def snd_strerror(self, rc: int) -> bytes:
        return b"fake"


def told_onset(device: FakeDevice, ahead: float) -> tuple[float, float]:
    """Play 10 ms of sound planned ``ahead`` s from now; (planned moment, onset told)."""
    told: list[float] = []
    at = time.monotonic() + ahead
    AlsaStream(device, bytes(2 * 441), 1, 44100, at, told.append)  # type: ignore[arg-type]
    assert device.closed.wait(5)
    (onset,) = told
    return at, onset


def test_a_device_that_started_late_moves_the_onset_told() -> None:
    device = FakeDevice(44100, starts_late=0.04)
    at, onset = told_onset(device, ahead=0.2)
    assert device.said is not None
    assert onset >= device.said - 0.001  # what the device says, not the plan
    assert onset >= at + 0.035  # 40 ms late (later still if this thread ran it dry)


def test_a_sink_that_says_nothing_leaves_the_count_by_frames() -> None:
    at, onset = told_onset(FakeDevice(44100, starts_late=None), ahead=0.2)
    assert onset == pytest.approx(at, abs=0.002)
