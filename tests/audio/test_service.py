"""The service's rules with scripted backends: fallback, muting, sound substitution, scaling."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from array import array
from pathlib import Path

import pytest
from audio_helpers import Recorder

from sessiontimer.audio.base import Done, PlayJob, PlayResult
from sessiontimer.audio.service import AudioService, build_chain
from sessiontimer.audio.simple import SimpleaudioWorkerBackend
from sessiontimer.audio.sound import (
    DEFAULT_SOUND,
    ScaledSound,
    SoundLibrary,
    load_wav,
    scale,
    validate_sound,
    write_wav,
)
from sessiontimer.audio.system import BellBackend, SystemPlayerBackend, VisualBackend
from sessiontimer.core.model import AudioSettings, Cue
from sessiontimer.paths import bundled_sounds_dir


class Scripted:
    """A backend whose answers are scripted: "ok" or an error text per play."""

    def __init__(self, name: str, answers: list[str], missing: str | None = None) -> None:
        self.name = name
        self.answers = answers
        self.missing = missing
        self.jobs: list[PlayJob] = []
        self.preloaded: list[ScaledSound] = []

    def unavailable(self) -> str | None:
        return self.missing

    def start(self) -> str | None:
        return None

    def preload(self, sound: ScaledSound) -> None:
        self.preloaded.append(sound)

    def play(self, job: PlayJob, done: Done) -> None:
        self.jobs.append(job)
        answer = self.answers.pop(0) if self.answers else "ok"
        done(PlayResult(1.5) if answer == "ok" else PlayResult(None, answer))

    def wait_idle(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        pass


def run(service: AudioService, recorder: Recorder, cue: Cue, master: float = 1.0, muted=False):  # type: ignore[no-untyped-def]
    n = len(recorder.outcomes)
    service.play(cue, master, muted, recorder.result)
    return recorder.wait_outcomes(n + 1)[-1]


@pytest.fixture
def service_with(recorder: Recorder):  # type: ignore[no-untyped-def]
    made: list[AudioService] = []

    def build(*backends: Scripted, settings: AudioSettings | None = None) -> AudioService:
        service = AudioService(
            settings or AudioSettings(), [], backends=[*backends, VisualBackend()]
        )
        service.on_backend_changed = recorder.changed
        made.append(service)
        return service

    yield build
    for service in made:
        service.close()


def test_a_failing_backend_hands_the_same_cue_to_the_next(service_with, recorder: Recorder) -> None:
    first, second = Scripted("first", ["device busy"]), Scripted("second", [])
    service = service_with(first, second)
    assert service.fallback_message is None
    outcome = run(service, recorder, Cue("wooden-tap"))
    assert (outcome.outcome, outcome.backend, outcome.started_at) == ("played", "second", 1.5)
    assert first.jobs[0] is second.jobs[0]  # the same job, not a new cue
    assert [(c.previous, c.current) for c in recorder.changes] == [("first", "second")]
    assert service.backend_name == "second"
    assert "device busy" in (service.fallback_message or "")
    again = run(service, recorder, Cue("wooden-tap"))
    assert len(first.jobs) == 2  # the better backend is tried again before the next cue
    assert (again.outcome, again.backend) == ("played", "first")
    assert [(c.previous, c.current, c.reason) for c in recorder.changes][1:] == [
        ("second", "first", "sound is back")
    ]
    assert service.fallback_message is None


def test_unavailable_backends_are_skipped_and_said_once(service_with) -> None:  # type: ignore[no-untyped-def]
    service = service_with(
        Scripted("simpleaudio", [], missing="not installed"), Scripted("aplay", [])
    )
    assert service.backend_name == "aplay"
    assert service.fallback_message == "Cues play through aplay (simpleaudio: not installed)."


def test_muted_and_zero_volume_play_nothing(service_with, recorder: Recorder) -> None:
    backend = Scripted("one", [])
    service = service_with(backend)
    assert run(service, recorder, Cue("soft-bell"), muted=True).outcome == "muted"
    assert run(service, recorder, Cue("soft-bell", volume=0.0)).outcome == "muted"
    assert backend.jobs == []


def test_all_failing_ends_visual(service_with, recorder: Recorder) -> None:
    service = service_with(Scripted("one", ["no device"]))
    outcome = run(service, recorder, Cue("soft-bell"))
    assert (outcome.outcome, outcome.backend) == ("visual", "visual")


def test_prepare_scales_and_preloads_before_the_session(service_with) -> None:
    backend = Scripted("one", [])
    service = service_with(backend)
    assert service.prepare([Cue("wooden-tap", volume=0.5), None], master_volume=0.5) == []
    (sound,) = backend.preloaded
    assert sound.samples == scale(load_wav(bundled_sounds_dir() / "wooden-tap.wav").samples, 0.25)
    assert stat.S_IMODE(sound.wav.stat().st_mode) == 0o600
    assert stat.S_IMODE(sound.wav.parent.stat().st_mode) == 0o700
    service.close()
    assert sound.wav.exists()  # prepared sounds are kept for the next run (see test_cache.py)


def test_missing_user_sound_names_the_file_and_uses_the_default(
    service_with, recorder: Recorder, tmp_path: Path
) -> None:
    backend = Scripted("one", [])
    service = service_with(backend)
    missing = tmp_path / "my-gong.wav"
    problems = service.prepare([Cue(str(missing))])
    assert len(problems) == 1 and str(missing) in problems[0] and DEFAULT_SOUND in problems[0]
    outcome = run(service, recorder, Cue(str(missing)))
    assert outcome.outcome == "played" and str(missing) in (outcome.message or "")
    assert backend.jobs[0].sound.source == bundled_sounds_dir() / f"{DEFAULT_SOUND}.wav"


def test_repeat_plays_the_sound_that_many_times(tmp_path: Path) -> None:
    path = tmp_path / "s.wav"
    write_wav(path, array("h", [0, 1000, -1000, 0]), 44100, 1)
    library = SoundLibrary([])
    sound, message = library.scaled(Cue(str(path), volume=0.5, repeat=3), 1.0)
    library.close()
    assert message is None
    assert list(sound.samples) == [0, 500, -500, 0] * 3


def test_scale_rounds_and_clips() -> None:
    assert list(scale(array("h", [3, -3, 32767, -32768]), 0.5)) == [2, -2, 16384, -16384]
    assert list(scale(array("h", [30000, -30000]), 1.5)) == [32767, -32768]
    every = array("h", range(-32768, 32768))  # each path agrees with the per-sample formula
    for factor in (0.0, 0.37, 0.5, 1.0, 1.25):
        want = array("h", (max(-32768, min(32767, round(v * factor))) for v in every))
        assert scale(every, factor) == want, factor
        assert scale(every[:1000], factor) == want[:1000], factor


def test_scaling_a_long_sound_lets_other_threads_run() -> None:
    """A whole 20 s bowl scaled in one C-level map held the interpreter ~250 ms: the audio
    thread could not start the first cue meanwhile. In pieces, other threads wake on time."""
    import time

    samples = array("h", range(-32768, 32768)) * 6  # ~400 k samples, a 12 s sound
    worst, stop = 0.0, threading.Event()

    def probe() -> None:
        nonlocal worst
        while not stop.is_set():
            t = time.perf_counter()
            time.sleep(0.001)
            worst = max(worst, time.perf_counter() - t)

    thread = threading.Thread(target=probe)
    thread.start()
    t0 = time.perf_counter()
    for factor in (0.5, 1.25):  # both paths: the plain map and the clipping table
        scale(samples, factor)
    took = time.perf_counter() - t0
    stop.set()
    thread.join()
    assert worst < took / 3, (worst, took)


def test_validate_sound_says_why(tmp_path: Path) -> None:
    assert validate_sound(bundled_sounds_dir() / "soft-bell.wav") is None
    assert "file not found" in (validate_sound(tmp_path / "x.wav") or "")
    (tmp_path / "t.wav").write_text("hello")
    assert "not a WAV file" in (validate_sound(tmp_path / "t.wav") or "")
    import wave

    with wave.open(str(tmp_path / "w24.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(3)
        w.setframerate(44100)
        w.writeframes(bytes(300))
    assert "24-bit" in (validate_sound(tmp_path / "w24.wav") or "")
    write_wav(tmp_path / "empty.wav", array("h"), 44100, 1)
    assert "no sound" in (validate_sound(tmp_path / "empty.wav") or "")


def test_chain_follows_the_settings() -> None:
    def names(settings: AudioSettings) -> list[type]:
        return [type(b) for b in build_chain(settings)]

    auto = [SimpleaudioWorkerBackend, SystemPlayerBackend, VisualBackend]
    assert names(AudioSettings()) == auto
    assert names(AudioSettings(terminal_bell=True)) == [*auto[:2], BellBackend, VisualBackend]
    assert names(AudioSettings(backend="system")) == [SystemPlayerBackend, VisualBackend]
    assert names(AudioSettings(backend="visual")) == [VisualBackend]


def test_on_result_comes_once_per_cue_even_when_callbacks_race(service_with, recorder) -> None:  # type: ignore[no-untyped-def]
    service = service_with(Scripted("one", ["x", "ok"]), Scripted("two", []))
    threads = [
        threading.Thread(target=service.play, args=(Cue("soft-bell"), 1.0, False, recorder.result))
        for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(recorder.wait_outcomes(5)) == 5
    assert service.wait_idle(1.0)
    assert len(recorder.outcomes) == 5


def test_worker_refuses_network_sockets() -> None:
    code = (
        "from sessiontimer.audio.worker import _forbid_network; _forbid_network(); "
        "import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=10
    )
    assert done.returncode != 0 and "opens no network sockets" in done.stderr


def test_a_missing_player_skips_locally_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from audio_helpers import require

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require("aplay", False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require("aplay", False)
    require("aplay", True)  # present: neither


def test_a_new_master_level_is_scaled_before_the_next_cue(service_with, recorder) -> None:  # type: ignore[no-untyped-def]
    backend = Scripted("one", [])
    service = service_with(backend)
    cue = Cue("wooden-tap", volume=0.5)
    service.prepare([cue], 0.6)
    service.set_master_volume(0.9)
    outcome = run(service, recorder, cue, master=0.9)  # queued behind the warm-up
    assert outcome.outcome == "played"
    assert [s.samples for s in backend.preloaded][-1] == backend.jobs[0].sound.samples
    assert backend.preloaded[-1] is backend.jobs[0].sound  # the cached buffer was used


# --- never silent for good (issue 15) --------------------------------------------------


def test_a_device_that_stays_away_is_retried_quietly_each_cue(service_with, recorder) -> None:  # type: ignore[no-untyped-def]
    lost = "Error opening PCM device. -- CODE: -2 -- MSG: No such file or directory"
    first = Scripted("simpleaudio", [lost, lost, lost])
    service = service_with(first)
    for _ in range(3):
        assert run(service, recorder, Cue("soft-bell")).outcome == "visual"
    assert len(first.jobs) == 3  # tried before every cue
    assert len(recorder.changes) == 1  # told once, not once per cue
    words = service.silent_reason
    assert words == "no sound device: none could be opened (No such file or directory)"
    assert "CODE" not in (service.fallback_message or "") and not service.audible
    assert run(service, recorder, Cue("soft-bell")).backend == "simpleaudio"
    assert service.silent_reason is None and service.audible
    assert recorder.changes[-1].reason == "sound is back"


class Flaky(Scripted):
    """Fails until ``back`` is set: a device unplugged and plugged in again."""

    def __init__(self, name: str) -> None:
        super().__init__(name, [])
        self.back = threading.Event()
        self.probes = 0

    def play(self, job: PlayJob, done: Done) -> None:
        self.jobs.append(job)
        if job.sound.source.name.startswith("probe-silence"):
            self.probes += 1
        done(PlayResult(1.5) if self.back.is_set() else PlayResult(None, "audio open error"))


def test_sound_comes_back_without_a_cue_by_a_silent_probe(recorder) -> None:  # type: ignore[no-untyped-def]
    flaky = Flaky("aplay")
    service = AudioService(AudioSettings(), [], backends=[flaky, VisualBackend()], retry_every=0.05)
    service.on_backend_changed = recorder.changed
    try:
        service.play(Cue("soft-bell"), 1.0, False, recorder.result)
        assert recorder.wait_outcomes(1)[0].outcome == "visual"
        assert service.silent_reason and service.silent_reason.startswith("no sound device")
        flaky.back.set()
        changes = recorder.wait_changes(2)
        assert (changes[-1].previous, changes[-1].current) == ("visual", "aplay")
        assert service.audible and flaky.probes >= 1
    finally:
        service.close()


def test_no_probe_while_the_best_backend_works(recorder) -> None:  # type: ignore[no-untyped-def]
    backend = Scripted("one", [])
    service = AudioService(
        AudioSettings(), [], backends=[backend, VisualBackend()], retry_every=0.01
    )
    try:
        assert service._probe_wait() is None  # the audio thread sleeps until a request
    finally:
        service.close()
    assert backend.jobs == []


def test_visual_by_choice_says_so() -> None:
    service = AudioService(AudioSettings(backend="visual"), [])
    try:
        assert service.silent_reason == 'cues are visual only (audio.backend = "visual")'
    finally:
        service.close()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("Error opening PCM device. -- CODE: -2 -- MSG: No such file or directory",
         "no sound device: none could be opened (No such file or directory)"),
        ("aplay: main:831: audio open error: No such file or directory",
         "no sound device: none could be opened (audio open error: No such file or directory)"),
        ("aplay: pcm_write:2127: write error: Input/output error",
         "the sound device stopped working (write error: Input/output error)"),
        ("aplay: TICK_TIME: 0", "the sound device stopped working (TICK_TIME: 0)"),
        ("Connection failure: Connection refused",
         "no sound server is running (Connection failure: Connection refused)"),
        ("error: pw_context_connect() failed: Host is down",
         "no sound server is running (pw_context_connect() failed: Host is down)"),
    ],
)  # fmt: skip
def test_reasons_are_in_words(raw: str, words: str) -> None:
    from sessiontimer.audio.reasons import in_words

    assert in_words(raw) == words


def test_the_service_makes_threads_hand_over_within_a_millisecond() -> None:
    """A cue crosses two threads (the UI's, the audio's): at Python's default 5 ms switch
    interval it waited up to 5 ms behind the UI's rendering (measured: 5.2 and 7.7 ms)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        AudioService(AudioSettings(backend="visual"), [], backends=[VisualBackend()]).close()
        assert sys.getswitchinterval() <= 0.001
    finally:
        sys.setswitchinterval(before)


class Immediate(Scripted):
    """A backend that can take a job without blocking (like the running worker's pipe)."""

    def __init__(self, name: str, take: bool = True) -> None:
        super().__init__(name, [])
        self.take = take
        self.threads: list[tuple[str, int]] = []

    def play_now(self, job: PlayJob, done: Done) -> bool:
        self.threads.append(("now", threading.get_ident()))
        if not self.take:
            return False
        self.play(job, done)
        return True

    def play(self, job: PlayJob, done: Done) -> None:
        self.threads.append(("queued", threading.get_ident()))
        super().play(job, done)


def test_a_prepared_cue_starts_on_the_callers_thread(service_with, recorder: Recorder) -> None:
    """No hop to the audio thread for the common case: under load, waiting for that thread to
    be scheduled made cues up to 73 ms late (bench/cue_timing.py --trace)."""
    backend = Immediate("now")
    service = service_with(backend)
    cue = Cue("wooden-tap")
    service.prepare([cue], 0.5)
    assert run(service, recorder, cue, 0.5).outcome == "played"
    assert backend.threads[0] == ("now", threading.get_ident())
    assert backend.jobs[0].sound.samples == service._library.scaled(cue, 0.5)[0].samples


def test_a_cue_the_backend_cannot_take_now_goes_through_the_queue(
    service_with, recorder: Recorder
) -> None:
    backend = Immediate("busy", take=False)  # e.g. the worker restarting: never wait for it
    service = service_with(backend)
    cue = Cue("wooden-tap")
    service.prepare([cue], 0.5)
    assert run(service, recorder, cue, 0.5).outcome == "played"
    assert [kind for kind, _ in backend.threads] == ["now", "queued"]
    assert backend.threads[1][1] != threading.get_ident()  # the audio thread played it
    assert len(backend.jobs) == 1  # once


def test_an_unprepared_or_muted_cue_never_starts_on_the_callers_thread(
    service_with, recorder: Recorder
) -> None:
    backend = Immediate("now")
    service = service_with(backend)
    assert run(service, recorder, Cue("wooden-tap"), 0.5).outcome == "played"  # not prepared
    service.prepare([Cue("soft-bell")], 0.5)
    assert run(service, recorder, Cue("soft-bell"), 0.5, muted=True).outcome == "muted"
    assert all(kind == "queued" for kind, _ in backend.threads)
    assert all(ident != threading.get_ident() for _, ident in backend.threads)
