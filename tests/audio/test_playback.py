"""Real playback through ALSA into files: simpleaudio in its worker, and aplay.

The captured bytes are compared with the cue's samples scaled exactly as the service scales
them (round, clip), so any change of level, rate, truncation or a double play shows up.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from audio_helpers import WAIT, Capture, Recorder, ends_in_a_fade

from sessiontimer.audio.base import Backend, PlayJob
from sessiontimer.audio.service import AudioService
from sessiontimer.audio.simple import SimpleaudioWorkerBackend
from sessiontimer.audio.sound import load_wav, scale
from sessiontimer.audio.system import SystemPlayerBackend, VisualBackend
from sessiontimer.core.model import AudioSettings, Cue
from sessiontimer.paths import bundled_sounds_dir


@pytest.fixture
def services() -> Iterator[list[AudioService]]:
    made: list[AudioService] = []
    yield made
    for service in made:
        service.close()


@pytest.fixture
def make(services: list[AudioService], recorder: Recorder):  # type: ignore[no-untyped-def]
    def make(*backends: Backend, settings: AudioSettings | None = None) -> AudioService:
        service = AudioService(
            settings or AudioSettings(), [], backends=list(backends) if backends else None
        )
        service.on_backend_changed = recorder.changed
        services.append(service)
        return service

    return make


def expected(path: Path, factor: float, repeat: int = 1) -> list[int]:
    return list(scale(load_wav(path).samples, factor) * repeat)


def play(service: AudioService, recorder: Recorder, cue: Cue, master: float = 1.0) -> None:
    n = len(recorder.outcomes)
    service.play(cue, master, False, recorder.result)
    recorder.wait_outcomes(n + 1)


def test_worker_capture_equals_scaled_samples(
    need_simpleaudio: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    backend = SimpleaudioWorkerBackend()
    service = make(backend, VisualBackend())
    cue = Cue(str(tone), volume=0.5, repeat=2)
    assert service.prepare([cue], 0.8) == []
    play(service, recorder, cue, 0.8)
    assert service.wait_idle(WAIT)
    outcome = recorder.outcomes[0]
    assert (outcome.outcome, outcome.backend, outcome.message) == ("played", "simpleaudio", None)
    assert len(capture.files()) == 1
    assert list(capture.samples()) == expected(tone, 0.5 * 0.8, repeat=2)


def test_bundled_sound_through_worker(
    need_simpleaudio: None, capture: Capture, make, recorder: Recorder
) -> None:
    service = make(SimpleaudioWorkerBackend(), VisualBackend())
    cue = Cue("wooden-tap", volume=0.3)
    service.prepare([cue], 0.7)
    play(service, recorder, cue, 0.7)
    assert service.wait_idle(WAIT)
    assert list(capture.samples()) == expected(bundled_sounds_dir() / "wooden-tap.wav", 0.3 * 0.7)


def test_aplay_capture_equals_scaled_samples_then_zero_padding(
    need_aplay: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    service = make(SystemPlayerBackend(["aplay"]), VisualBackend())
    cue = Cue(str(tone), volume=0.9)
    service.prepare([cue], 0.5)
    play(service, recorder, cue, 0.5)
    assert recorder.outcomes[0].outcome == "played"
    assert recorder.outcomes[0].backend == "aplay"
    want = expected(tone, 0.9 * 0.5)
    got = list(capture.samples())
    assert got[: len(want)] == want
    assert len(got) >= len(want) and not any(got[len(want) :])  # aplay pads a period with zeros


def test_sigsegv_mid_session_restarts_and_next_cue_plays(
    need_simpleaudio: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    backend = SimpleaudioWorkerBackend()
    service = make(backend, VisualBackend())
    cue = Cue(str(tone), volume=0.6)
    service.prepare([cue])
    play(service, recorder, cue)
    assert service.wait_idle(WAIT)
    old_pid = backend.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGSEGV)
    change = recorder.wait_changes(1)[0]
    assert (change.previous, change.current) == ("simpleaudio", "simpleaudio")
    assert "SIGSEGV" in change.reason and change.restart_seconds is not None
    play(service, recorder, cue)
    assert service.wait_idle(WAIT)
    assert backend.pid not in (None, old_pid)
    assert [o.outcome for o in recorder.outcomes] == ["played", "played"]
    assert service.backend_name == "simpleaudio" and service.fallback_message is None
    assert len(capture.files()) == 2
    assert list(capture.samples(1)) == expected(tone, 0.6)


def test_a_worker_that_stops_answering_is_restarted_and_the_cue_still_plays(
    need_simpleaudio: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    """A hung worker (here: stopped by SIGSTOP) used to leave every later cue unanswered and
    unheard, with no word: a cue not confirmed in time now gets the worker replaced."""
    backend = SimpleaudioWorkerBackend(answer_timeout=1.5)
    service = make(backend, VisualBackend())
    cue = Cue(str(tone), volume=0.6)
    service.prepare([cue])
    hung = backend.pid
    assert hung is not None
    os.kill(hung, signal.SIGSTOP)
    try:
        service.play(cue, 1.0, False, recorder.result)
        recorder.wait_outcomes(1, timeout=3 * WAIT)  # 1.5 s to give up, then a restart
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(hung, signal.SIGKILL)
    assert recorder.outcomes[-1].outcome == "played"
    assert recorder.outcomes[-1].backend == "simpleaudio" and backend.pid != hung
    change = recorder.wait_changes(1)[0]
    assert "did not answer" in change.reason  # said in words, journaled as a restart
    assert service.wait_idle(WAIT)
    assert list(capture.samples(0)) == expected(tone, 0.6)  # once, whole


class Observed(SimpleaudioWorkerBackend):
    """Signals when a play command has been written to the worker's pipe."""

    def __init__(self) -> None:
        super().__init__()
        self.written = threading.Event()

    def _send_play(self, job: PlayJob) -> None:
        super()._send_play(job)
        self.written.set()


def test_cue_never_confirmed_started_is_replayed_once(
    need_simpleaudio: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    backend = Observed()
    service = make(backend, VisualBackend())
    cue = Cue(str(tone))
    service.prepare([cue])
    pid = backend.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # the command waits in the pipe, unread
    service.play(cue, 1.0, False, recorder.result)
    assert backend.written.wait(WAIT)
    os.kill(pid, signal.SIGSEGV)
    os.kill(pid, signal.SIGCONT)  # dies on the pending SIGSEGV before reading anything
    outcome = recorder.wait_outcomes(1)[0]
    assert service.wait_idle(WAIT)
    assert outcome.outcome == "played"
    assert len(backend.sent) == 2 and backend.sent[0] == backend.sent[1]  # sent, then replayed
    assert len(recorder.outcomes) == 1 and len(recorder.changes) == 1
    assert len(capture.files()) == 1  # and it rang exactly once
    assert list(capture.samples()) == expected(tone, 1.0)


def test_crash_after_started_never_rings_twice(
    need_simpleaudio: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    backend = SimpleaudioWorkerBackend()
    service = make(backend, VisualBackend())
    cue = Cue("soft-bell")  # 6 s: still sounding when the worker dies
    service.prepare([cue])
    play(service, recorder, cue)  # returns once the worker confirmed "started"
    pid = backend.pid
    assert pid is not None
    os.kill(pid, signal.SIGSEGV)
    recorder.wait_changes(1)
    assert service.wait_idle(WAIT)
    assert len(backend.sent) == 1
    first, later = recorder.wait_outcomes(2)
    assert first.outcome == "played" and not first.update
    # the journal must not say "played" for a sound cut dead: a later word says so
    assert (later.outcome, later.update) == ("failed", True)
    assert "cut short: the audio worker stopped (killed by SIGSEGV)" in (later.message or "")
    assert len(capture.files()) == 1


def test_three_crashes_hand_over_to_the_next_backend(
    need_simpleaudio: None, need_aplay: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    backend = SimpleaudioWorkerBackend()
    service = make(backend, SystemPlayerBackend(["aplay"]), VisualBackend())
    cue = Cue(str(tone), volume=0.7)
    service.prepare([cue])
    for n in (1, 2, 3):
        pid = backend.pid
        assert pid is not None
        os.kill(pid, signal.SIGSEGV)
        recorder.wait_changes(n)
    last = recorder.changes[-1]
    assert (last.previous, last.current) == ("simpleaudio", "aplay")
    assert service.backend_name == "aplay"
    assert service.fallback_message is not None and "crashed 3 times" in service.fallback_message
    play(service, recorder, cue)
    assert recorder.outcomes[0].backend == "aplay"
    assert list(capture.samples())[: len(expected(tone, 0.7))] == expected(tone, 0.7)


@pytest.mark.parametrize("bell", [True, False])
def test_no_device_falls_through_and_still_reports(
    no_device: None, make, recorder: Recorder, tone: Path, bell: bool
) -> None:
    rings: list[int] = []
    service = AudioService(
        AudioSettings(terminal_bell=bell), [], ring=lambda: rings.append(1)
    )  # the real chain: simpleaudio and aplay if installed, then bell (opted in), visual
    service.on_backend_changed = recorder.changed
    try:
        cue = Cue(str(tone))
        service.prepare([cue])
        service.play(cue, 1.0, False, recorder.result)
        outcome = recorder.wait_outcomes(1)[0]
    finally:
        service.close()
    assert outcome.outcome == ("played" if bell else "visual")
    assert outcome.backend == ("bell" if bell else "visual")
    assert rings == ([1] if bell else [])
    assert service.fallback_message is not None


def test_worker_holds_no_socket_and_sleeps_when_idle(
    need_simpleaudio: None, capture: Capture, make, recorder: Recorder, tone: Path
) -> None:
    backend = SimpleaudioWorkerBackend()
    service = make(backend, VisualBackend())
    service.prepare([Cue(str(tone))])
    play(service, recorder, Cue(str(tone)))
    assert service.wait_idle(WAIT)
    proc = Path(f"/proc/{backend.pid}")
    if not proc.is_dir():
        pytest.skip("needs /proc")
    links = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
    assert not [link for link in links if link.startswith("socket:")], links

    def switches() -> int:  # a polling thread would wake (and switch) several times a second
        total = 0
        for task in (proc / "task").iterdir():
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        return total

    # Measurement windows, not waits for time logic: let the last "done" settle, then count.
    threading.Event().wait(0.1)
    before = switches()
    threading.Event().wait(0.4)
    assert switches() - before == 0


def test_the_kept_template_copy_captures_like_the_shared_one(
    need_aplay: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tone: Path
) -> None:
    conf = tmp_path / "asoundrc"
    shutil.copyfile(Path(__file__).with_name("asoundrc.capture"), conf)
    out = tmp_path / "out.raw"
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(conf))
    monkeypatch.setenv("AUDIO_CAPTURE_FILE", str(out))
    subprocess.run(["aplay", "-q", str(tone)], check=True, timeout=10)
    want = load_wav(tone).samples.tobytes()
    assert out.read_bytes()[: len(want)] == want


@pytest.mark.parametrize("chain", ["simpleaudio", "system"])
def test_a_device_lost_then_back_brings_sound_back(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make,
    recorder: Recorder,
    tone: Path,
    chain: str,
) -> None:
    """ALSA re-reads its config on every open: an empty one is a machine with no device."""
    from audio_helpers import capture_template

    if chain == "simpleaudio":
        pytest.importorskip("simpleaudio")
    elif shutil.which("aplay") is None:
        pytest.skip("aplay is not installed")
    template = capture_template()
    conf = tmp_path / "alsa.conf"
    conf.write_text("# no devices\n")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(conf))
    monkeypatch.setenv("AUDIO_CAPTURE_FILE", str(tmp_path / "cap.raw"))
    service = make(settings=AudioSettings(backend=chain))
    cue = Cue(str(tone))
    service.prepare([cue])
    play(service, recorder, cue)
    assert recorder.outcomes[-1].outcome == "visual"
    assert (service.silent_reason or "").startswith("no sound device: ")
    conf.write_text(template.read_text())  # the device is back
    play(service, recorder, cue)
    assert recorder.outcomes[-1].outcome == "played" and service.audible
    # "played" comes at the onset; the file is whole once the device is closed: wait for that
    # (by condition: under load the capture was still empty at this point).
    assert service.wait_idle(WAIT)
    assert (tmp_path / "cap.raw").stat().st_size >= 2 * 882
    assert recorder.changes[-1].reason == "sound is back"


@pytest.mark.parametrize("chain", ["simpleaudio", "system"])
def test_each_volume_step_is_three_decibels_on_the_device(
    capture: Capture, make, recorder: Recorder, chain: str
) -> None:
    """Captured level per volume step: 3 dB apart, the same numbers on both backends."""
    import math

    from sessiontimer.core import volume

    if chain == "simpleaudio":
        pytest.importorskip("simpleaudio")
    elif shutil.which("aplay") is None:
        pytest.skip("aplay is not installed")
    service = make(settings=AudioSettings(backend=chain))
    cue = Cue("wooden-tap")
    levels = [volume.factor(db) for db in (0.0, -3.0, -6.0, -15.0, -30.0)]
    for level in levels:
        play(service, recorder, cue, master=level)
    assert service.wait_idle(WAIT)
    rms = []
    for i in range(len(levels)):
        data = capture.samples(i)
        rms.append(10 * math.log10(sum(v * v for v in data) / 32000))  # per second of sound
    steps = [round(a - b, 2) for a, b in itertools.pairwise(rms)]
    assert steps == pytest.approx([3.0, 3.0, 9.0, 15.0], abs=0.05)


def test_a_system_player_reports_its_onset_then_is_stopped_by_close(
    need_aplay: None, paced, make, recorder: Recorder
) -> None:
    """The cue's line can be written at onset (not 6 s later), and no sound outlives close."""
    import time

    service = make(settings=AudioSettings(backend="system"))
    cue = Cue("soft-bell")  # 6 s
    service.prepare([cue])
    t0 = time.monotonic()
    play(service, recorder, cue)
    assert recorder.outcomes[-1].outcome == "played"
    assert time.monotonic() - t0 < 3.0  # reported near its onset, not when aplay exits (6 s)
    assert len(_my_players()) == 1  # (the check below can see a player of ours)
    service.close()
    (idx,) = paced.plays()
    assert paced.finished(idx)
    assert paced.played_seconds(idx) < 2.5  # stopped, not played to its end
    assert _my_players() == []  # no player of ours still running


def _my_players() -> list[str]:
    """This process's aplay children (fed through a pipe: no file of ours in its command)."""
    mine = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            name = fields[0].split("(", 1)[1]
            ppid = int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and name == "aplay":
            mine.append(str(stat.parent))
    return mine


@pytest.mark.parametrize("backend", ["simpleaudio", "system"])
@pytest.mark.parametrize("how", ["a newer cue", "quit"])
def test_a_cue_cut_short_fades_out(
    paced, make, recorder: Recorder, how: str, backend: str, request: pytest.FixtureRequest
) -> None:
    """On the paced sink: the cut-short sound ramps down over >= 150 ms, never stops dead,
    on both backends (the worker's ALSA stream, aplay fed through a pipe)."""
    import sys
    import time

    if not sys.platform.startswith("linux"):
        pytest.skip("the fading stream is ALSA's")
    request.getfixturevalue("need_simpleaudio" if backend == "simpleaudio" else "need_aplay")
    service = make(settings=AudioSettings(backend=backend))
    bowl = Cue("singing-bowl")  # 20 s
    service.prepare([bowl, Cue("wooden-tap")])
    play(service, recorder, bowl)
    time.sleep(0.6)  # real time: the paced sink is playing it
    t0 = time.monotonic()
    if how == "quit":
        service.close()
        assert time.monotonic() - t0 < 5.0  # waits for the fade, not the 20 s sound
    else:
        play(service, recorder, Cue("wooden-tap"))
        assert service.wait_idle(WAIT)
    first = paced.plays()[0]
    assert paced.finished(first)
    assert paced.played_seconds(first) < 5.0  # cut short (of 20 s) ...
    assert ends_in_a_fade(list(paced.samples(first)), 32000)  # ... softly
