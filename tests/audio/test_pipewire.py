"""Cues through a real PipeWire server: pw-play fed by the system player backend (issue 15).

Each test starts PipeWire and WirePlumber of its own with a null sink (``sound_servers``),
which plays at real time. pw-play 0.3.65 reading a WAV from ``-`` got through 3 s of sound in
1.2 s (libsndfile's pipe reading skips samples), so silence fed ahead was lost and cues were
heard 104-171 ms early; named ``/dev/stdin`` it reads the same pipe at real time. Skipped with
a reason when PipeWire is not installed (``apt-get install pipewire pipewire-bin wireplumber
dbus``); under CI=true that fails.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from audio_helpers import PacedSink, Recorder, ends_in_a_fade, require
from sound_servers import PipeWireServer, local_wall, missed_moments, onsets_near

from sessiontimer.audio import player_feed
from sessiontimer.audio.service import AudioService
from sessiontimer.audio.system import SystemPlayerBackend, VisualBackend
from sessiontimer.core.model import AudioSettings, Cue

SOON = 0.3  # seconds ahead a cue is handed over, as the app does (service.AHEAD)
RATE = 32000


@pytest.fixture
def pipewire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PipeWireServer]:
    require("PipeWire (apt-get install pipewire pipewire-bin wireplumber dbus)",
            PipeWireServer.installed())  # fmt: skip
    server = PipeWireServer(tmp_path / "pw")
    server.start()
    for key in ("XDG_RUNTIME_DIR", "PIPEWIRE_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.setenv(key, server.env[key])
    monkeypatch.delenv("PIPEWIRE_REMOTE", raising=False)
    try:
        yield server
    finally:
        server.stop()


def test_pw_play_fed_by_the_app_plays_its_input_at_real_time(pipewire: PipeWireServer) -> None:
    """Two seconds of samples through the app's command and feed take two seconds to play:
    a player that gets through them faster skips what it was fed (the lead-in's silence)."""
    seconds = 2.0
    frames = bytes(int(seconds * RATE) * 2)
    n = len(frames) // 2
    proc = subprocess.Popen(
        player_feed.command("pw-play", RATE, 1), stdin=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env=os.environ.copy(),
    )  # fmt: skip
    assert proc.stdin is not None
    began = time.monotonic()
    player_feed.PlayerFeed(proc.stdin, frames, 1, RATE, player_feed.header("pw-play", RATE, 1, n))
    assert proc.wait(10) == 0
    took = time.monotonic() - began
    assert took > seconds - 0.05, f"pw-play got through {seconds} s of sound in {took:.2f} s"


def test_a_cue_handed_over_ahead_is_heard_at_its_moment(
    pipewire: PipeWireServer, tmp_path: Path, recorder: Recorder
) -> None:
    """Three taps handed over ahead: each reaches the sink within 30 ms of its moment (the
    goal is 20 ms; the recording's stamps are up to about 10 ms late, and its clock is read
    just after each onset: pw-record drops samples when a stream joins), and the service's
    ``late`` is within that of what was heard. Fed through ``-`` they came 104-171 ms early.

    Under the whole suite's load (CI) one tap was heard 47.9 ms late: pw-play must start
    and connect within the lead (SOON). A round that misses is tried again (three rounds),
    so a change that makes cues early or late, or their line untrue, still fails."""
    service = AudioService(
        AudioSettings(backend="system"), [],
        backends=[SystemPlayerBackend(["pw-play"]), VisualBackend()], retry_every=0.5,
    )  # fmt: skip
    missed: list[str] = []
    try:
        tap = Cue("wooden-tap")
        service.prepare([tap])
        for round_ in range(3):
            missed = _one_round(pipewire, tmp_path / f"rec-{round_}", service, recorder, tap)
            if not missed:
                return
    finally:
        service.close()
    pytest.fail(f"three rounds missed: {missed}")


def _one_round(
    pipewire: PipeWireServer, folder: Path, service: AudioService, recorder: Recorder, tap: Cue
) -> list[str]:
    """Three taps played and heard; what was off, in words (empty: every tap on time)."""
    recording = pipewire.record(folder)
    try:
        assert recording.wait_flowing(), "the null sink's monitor never delivered"
        moments, walls = [], []
        before = len(recorder.outcomes)
        for _ in range(3):
            at = time.monotonic() + SOON
            moments.append(at)
            walls.append(time.time() + SOON)
            service.play(tap, 1.0, False, recorder.result, at=at)
            time.sleep(SOON + 1.2)
        outcomes = recorder.wait_outcomes(before + 3)[before:]
    finally:
        idx = recording.stop()
    assert [(o.outcome, o.backend) for o in outcomes] == [("played", "pw-play")] * 3
    heard = [None if m is None else local_wall(idx, m) for m in onsets_near(idx, walls)]
    return missed_moments(walls, moments, heard, outcomes, 0.03)


def test_quitting_during_a_long_sound_fades_it(
    pipewire: PipeWireServer, tmp_path: Path, recorder: Recorder
) -> None:
    """A bowl cut short by quit fades out over at least 150 ms, never a click."""
    service = AudioService(
        AudioSettings(backend="system"),
        [],
        backends=[SystemPlayerBackend(["pw-play"]), VisualBackend()],
    )
    recording = pipewire.record(tmp_path / "rec")
    try:
        assert recording.wait_flowing(), "the null sink's monitor never delivered"
        bowl = Cue("singing-bowl")  # 20 s
        service.prepare([bowl])
        service.play(bowl, 1.0, False, recorder.result)
        assert recorder.wait_outcomes(1)[0].outcome == "played"
        time.sleep(1.0)
    finally:
        service.close()
        time.sleep(0.3)
        idx = recording.stop()
    data = list(PacedSink(idx.parent).samples(idx))
    end = max(i for i, v in enumerate(data) if abs(v) > 64)
    start = next(i for i, v in enumerate(data) if abs(v) > 64)
    assert 0.9 < (end - start) / RATE < 2.0  # cut short, not played to its 20 s end
    assert ends_in_a_fade(data[: end + 1], RATE)
