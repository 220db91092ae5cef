"""A cue handed over ahead of its moment starts exactly then (issue 15: every cue within
20 ms, also on a loaded machine). The service passes the moment to a backend that can keep
it (the worker) and holds the cue for one that cannot; a cancel before the onset means the
sound is never heard. On the paced sink: the worker's stream writes silence up to the moment,
so a worker stopped for a while before it still sounds on time, and says so truthfully.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from audio_helpers import WAIT, Keeper, PacedSink, Recorder

from sessiontimer.audio.base import Done, PlayJob, PlayResult
from sessiontimer.audio.service import AudioService
from sessiontimer.audio.sound import ScaledSound
from sessiontimer.audio.system import VisualBackend
from sessiontimer.core.model import AudioSettings, Cue


@pytest.fixture
def services() -> Iterator[list[AudioService]]:
    made: list[AudioService] = []
    yield made
    for service in made:
        service.close()


def service_with(services: list[AudioService], backend: Keeper) -> AudioService:
    service = AudioService(AudioSettings(), [], backends=[backend, VisualBackend()])
    services.append(service)
    return service


def test_a_backend_that_schedules_gets_the_moment(services, recorder: Recorder) -> None:  # type: ignore[no-untyped-def]
    keeper = Keeper(schedules=True)
    service = service_with(services, keeper)
    at = time.monotonic() + 30.0  # far ahead: it must not wait for it
    service.play(Cue("wooden-tap"), 1.0, False, recorder.result, at)
    assert keeper.got.wait(WAIT)
    job, done, _ = keeper.jobs[0]
    assert job.at == at
    done(PlayResult(at))  # the backend tells the onset it planned
    assert recorder.wait_outcomes(1)[0].started_at == at


def test_a_backend_that_cannot_schedule_gets_the_cue_at_its_moment(
    services, recorder: Recorder
) -> None:  # type: ignore[no-untyped-def]
    keeper = Keeper(schedules=False)
    service = service_with(services, keeper)
    at = time.monotonic() + 0.2
    service.play(Cue("wooden-tap"), 1.0, False, recorder.result, at)
    assert keeper.got.wait(WAIT)
    job, done, when = keeper.jobs[0]
    assert when >= at and job.at is None  # never early, and given no moment it can't keep
    done(PlayResult(when))
    assert recorder.wait_outcomes(1)[0].outcome == "played"


def test_a_cancel_before_the_onset_withdraws_the_cue(services, recorder: Recorder) -> None:  # type: ignore[no-untyped-def]
    keeper = Keeper(schedules=True)
    service = service_with(services, keeper)
    ticket = service.play(Cue("wooden-tap"), 1.0, False, recorder.result, time.monotonic() + 5)
    assert keeper.got.wait(WAIT)
    assert service.cancel(ticket)
    assert not ticket.may_sound  # 5 s ahead: dropped for sure, nothing to wait for
    job, done, _ = keeper.jobs[0]
    assert keeper.cancelled == [job.id]
    done(PlayResult(time.monotonic()))  # an answer that crossed the cancel: dropped
    assert service.wait_idle(WAIT)  # nothing is waited for
    assert recorder.outcomes == []
    assert not service.cancel(ticket)  # once


def test_the_sound_starts_at_its_moment_though_the_worker_was_stopped_before_it(
    need_simpleaudio: None, paced: PacedSink, services, recorder: Recorder
) -> None:  # type: ignore[no-untyped-def]
    if not sys.platform.startswith("linux"):
        pytest.skip("the planned stream is ALSA's")
    service = AudioService(AudioSettings(backend="simpleaudio"), [])
    services.append(service)
    cue = Cue("wooden-tap")
    service.prepare([cue])
    worker = service.backend.pid  # type: ignore[attr-defined]
    assert worker is not None
    at = time.monotonic() + 0.4
    wall_at = time.time() + (at - time.monotonic())
    service.play(cue, 1.0, False, recorder.result, at)
    os.kill(worker, signal.SIGSTOP)  # a worker that does not get a core for 120 ms
    try:
        time.sleep(0.12)  # the stop itself, not a wait for something
    finally:
        os.kill(worker, signal.SIGCONT)
    (outcome,) = recorder.wait_outcomes(1)
    assert outcome.outcome == "played"
    (idx,) = paced.plays()
    assert paced.finished(idx)
    onset = paced.onset_ns(idx)
    assert onset is not None
    error = onset / 1e9 - wall_at
    # Never before its moment, though handed over 400 ms ahead and the worker stopped for
    # 120 ms (played when received, it would be ~280 ms early). How close after it is a
    # real-time figure on a shared machine (this sink's pacer is a process of its own, its
    # start is in it): bench/cue_timing.py measures it (docs/performance.md); this bound
    # only catches a hang.
    assert -0.005 <= error <= 1.0, error


def test_aplay_fed_ahead_sounds_at_the_moment_and_says_so(
    need_aplay: None, paced: PacedSink, services, recorder: Recorder
) -> None:  # type: ignore[no-untyped-def]
    """aplay is started ahead and fed silence from its first read: its own start (a process,
    the device) no longer moves the onset; the onset it reports is the one heard."""
    service = AudioService(AudioSettings(backend="system"), [])
    services.append(service)
    cue = Cue("wooden-tap")
    service.prepare([cue])
    at = time.monotonic() + 0.3
    wall_at = time.time() + (at - time.monotonic())
    service.play(cue, 1.0, False, recorder.result, at)
    (outcome,) = recorder.wait_outcomes(1)
    assert outcome.outcome == "played" and outcome.backend == "aplay"
    (idx,) = paced.plays()
    assert paced.finished(idx)
    onset = paced.onset_ns(idx)
    assert onset is not None
    error = onset / 1e9 - wall_at
    told = onset / 1e9 - (wall_at + (outcome.started_at - at))  # the sink against the report
    # Never before its moment; how close after it is a real-time figure (aplay itself may
    # start late on a loaded machine: then the onset it tells is later too), measured by
    # bench/cue_timing.py. The onset told is the one the sink heard (this sink's pacer is a
    # process of its own: its start is in the difference).
    assert error >= -0.005, error
    assert abs(told) <= 0.15, told


@pytest.mark.parametrize("backend", ["simpleaudio", "system"])
def test_a_cue_cancelled_before_its_onset_is_never_heard(
    paced: PacedSink, services, recorder: Recorder, backend: str, request: pytest.FixtureRequest
) -> None:  # type: ignore[no-untyped-def]
    if not sys.platform.startswith("linux"):
        pytest.skip("the planned stream is ALSA's")
    request.getfixturevalue("need_simpleaudio" if backend == "simpleaudio" else "need_aplay")
    service = AudioService(AudioSettings(backend=backend), [])
    services.append(service)
    cue = Cue("wooden-tap")
    service.prepare([cue])
    ticket = service.play(cue, 1.0, False, recorder.result, time.monotonic() + 3.0)
    deadline = time.monotonic() + WAIT
    while not paced.plays() and time.monotonic() < deadline:  # the device opened ahead
        time.sleep(0.01)
    assert service.cancel(ticket)
    (idx,) = paced.plays()
    assert paced.finished(idx)  # the device let go
    assert paced.onset_ns(idx) is None  # silence only: the sound never reached the speaker
    assert service.wait_idle(WAIT) and recorder.outcomes == []


@pytest.mark.parametrize("backend", ["simpleaudio", "system"])
def test_a_cancel_after_its_first_piece_but_before_its_onset_tells_nothing(
    paced: PacedSink, services, recorder: Recorder, backend: str, request: pytest.FixtureRequest
) -> None:  # type: ignore[no-untyped-def]
    """The worker feeds its device up to 150 ms ahead (aplay 200 ms), so the sound's first
    piece is written before its moment; a pause 80 ms before it still withdraws it: the onset
    is told at the onset (not when written), so no outcome (no journal line) comes, and what
    the device held is dropped, the player stopped (on a real card never heard; this sink's
    pipe may still hold some)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the planned stream is ALSA's")
    request.getfixturevalue("need_simpleaudio" if backend == "simpleaudio" else "need_aplay")
    cue = Cue("singing-bowl")  # 20 s: a stream cut short by the drop shows as a short play
    for _attempt in range(3):  # a loaded machine may wake this thread too late to test it
        service = AudioService(AudioSettings(backend=backend), [])
        services.append(service)
        service.prepare([cue])
        plays = len(paced.plays())
        at = time.monotonic() + 2.0
        ticket = service.play(cue, 1.0, False, recorder.result, at)
        deadline = time.monotonic() + WAIT
        while len(paced.plays()) == plays and time.monotonic() < deadline:  # the device is open
            time.sleep(0.005)
        while time.monotonic() < at - 0.08:
            time.sleep(0.005)
        withdrawn = service.cancel(ticket)
        if at - time.monotonic() >= 0.04:  # the pause came well before the onset, as meant
            break
        service.close()  # too late to be this case: a fresh service tries again
        recorder.outcomes.clear()
    else:
        pytest.fail("three times the test thread woke too late to pause 40 ms before the onset")
    assert withdrawn
    idx = paced.plays()[-1]
    assert paced.finished(idx)
    assert service.wait_idle(WAIT) and recorder.outcomes == []  # never told as heard
    assert paced.played_seconds(idx) < 5.0  # the lead-in's 2 s and what the pipe held: not 20 s


def test_a_cue_taken_back_as_it_begins_still_gets_its_outcome(services, recorder: Recorder) -> None:  # type: ignore[no-untyped-def]
    """A pause under 30 ms before a cue sent ahead comes too late to drop it (the device
    holds it): it sounds a moment and fades. The backend then says it began: that outcome
    is passed on (its journal line), not dropped as for a cue withdrawn in time."""
    keeper = Keeper(schedules=True)
    service = service_with(services, keeper)
    at = time.monotonic() + 0.01  # the pause comes 10 ms (or less) before the onset
    ticket = service.play(Cue("wooden-tap"), 1.0, False, recorder.result, at)
    assert keeper.got.wait(WAIT)
    assert service.cancel(ticket)
    assert ticket.may_sound  # too close to its moment: the session waits for its word
    job, done, _ = keeper.jobs[0]
    assert keeper.cancelled == [job.id]  # it is asked to fade
    done(PlayResult(at))  # it began at its moment, the fade follows
    (outcome,) = recorder.wait_outcomes(1)
    assert outcome.outcome == "faded" and outcome.started_at == at  # not a whole "played"
    assert outcome.message and "cut short" in outcome.message
    assert service.wait_idle(WAIT)


def test_the_worker_backend_tells_the_onset_of_a_cue_cancelled_too_late() -> None:
    """The worker fades a cue whose cancel came within 30 ms of its onset, and says
    "started": the backend passes that on (it used to forget the cue at the cancel)."""
    from sessiontimer.audio.simple import SimpleaudioWorkerBackend

    backend = SimpleaudioWorkerBackend()  # no worker process: lines are fed by hand
    answers: list[PlayResult] = []
    tap = Path("tap.wav")
    job = PlayJob(7, ScaledSound(tap, array("h"), 44100, 1, tap), at=time.monotonic())
    backend._pending[job.id] = simple_pending(job, answers.append)
    backend.cancel(job.id)
    backend._on_line(f"started 7 {job.at:.6f}")
    assert [a.started_at for a in answers] == [pytest.approx(job.at, abs=1e-5)]
    backend._on_line("done 7")
    backend._on_line("started 7 1.0")  # once
    assert len(answers) == 1


def simple_pending(job: PlayJob, done: Done) -> object:
    from sessiontimer.audio.simple import _Pending

    return _Pending(job, done)


def _player_reading_by(service: AudioService, moment: float) -> bool:
    """Whether the system player of the one cue in hand read its first piece by ``moment``
    (``time.monotonic()``)."""
    deadline = time.monotonic() + WAIT
    while not (feeds := list(service.backend._feeds.values())):  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    began = feeds[0].began(max(0.0, moment - time.monotonic()))
    return began is not None and began <= moment


@pytest.mark.parametrize("backend", ["simpleaudio", "system"])
def test_a_cue_taken_back_as_it_sounds_fades_and_says_so(
    paced: PacedSink,
    services,
    backend: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    """A cue taken back when its device already holds its first sound (a pause at its
    moment) sounds a moment and fades: its outcome is ``faded``, not a whole ``played``, on
    the worker and on aplay, and the sink heard it begin and end early.

    The window for that case is 30 ms wide on a real device; to hit it on a loaded machine
    the worker is stopped (SIGSTOP) from just before the cancel until after the moment, so
    its "started" cannot overtake the cancel; aplay's feed runs in this process, so its
    margin is widened instead (DROP_MARGIN 150 ms, the service's LATE_CANCEL with it)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the planned stream is ALSA's")
    request.getfixturevalue("need_simpleaudio" if backend == "simpleaudio" else "need_aplay")
    from sessiontimer.audio import player_feed
    from sessiontimer.audio import service as service_module

    monkeypatch.setattr(player_feed, "DROP_MARGIN", 0.15)
    monkeypatch.setattr(service_module, "LATE_CANCEL", 0.2)
    cue = Cue("soft-bell")  # 6 s, struck: one that fades shows as a short play
    for _attempt in range(3):
        service = AudioService(AudioSettings(backend=backend), [])
        services.append(service)
        service.prepare([cue])
        worker = getattr(service.backend, "pid", None)
        at = time.monotonic() + 0.5
        recorder = Recorder()  # each try its own: a try given up may still answer
        ticket = service.play(cue, 1.0, False, recorder.result, at)
        if worker or _player_reading_by(service, at - 0.12):
            break
        # aplay had not read its first piece (its device not open) when the cancel was due:
        # a cancel then is the case of the test above (never heard). A loaded machine (load
        # 11) started it that late once; try again with a fresh service.
        service.close()
    else:
        pytest.fail("aplay never read its first piece 0.12 s before the moment in 3 tries")
    while time.monotonic() < at - (0.08 if worker else 0.1):  # its first sound is written
        time.sleep(0.002)
    if worker:
        os.kill(worker, signal.SIGSTOP)
    try:
        assert service.cancel(ticket)  # no outcome yet: taken back
        assert ticket.may_sound
        if worker:
            while time.monotonic() < at + 0.1:  # the worker wakes after the moment
                time.sleep(0.005)
    finally:
        if worker:
            os.kill(worker, signal.SIGCONT)
    (outcome,) = recorder.wait_outcomes(1)
    assert outcome.outcome == "faded", outcome
    assert outcome.backend == ("simpleaudio" if worker else "aplay")
    idx = paced.plays()[-1]  # this try's (a try given up opened the device too)
    assert paced.finished(idx)
    assert paced.onset_ns(idx) is not None  # it was heard
    assert paced.played_seconds(idx) < 2.0  # the lead-in, a moment and the fade: not 6.5 s
    assert service.wait_idle(WAIT) and len(recorder.outcomes) == 1


def test_a_cue_is_imminent_only_within_late_cancel_of_its_moment(
    services, recorder: Recorder
) -> None:  # type: ignore[no-untyped-def]
    """What the session asks before taking back a start cue for a key: under LATE_CANCEL to
    its moment the device may hold it already; once it has its outcome, nothing is pending."""
    from sessiontimer.audio.service import LATE_CANCEL

    keeper = Keeper(schedules=True)
    service = service_with(services, keeper)
    far = service.play(Cue("wooden-tap"), 1.0, False, recorder.result, time.monotonic() + 30.0)
    near = service.play(
        Cue("wooden-tap"), 1.0, False, recorder.result, time.monotonic() + LATE_CANCEL / 2
    )
    assert not far.imminent and near.imminent
    deadline = time.monotonic() + WAIT
    while len(keeper.jobs) < 2:  # both handed to the backend (from the audio thread)
        assert time.monotonic() < deadline, keeper.jobs
        time.sleep(0.001)
    keeper.jobs[1][1](PlayResult(time.monotonic()))
    recorder.wait_outcomes(1)
    assert not near.imminent  # it has begun: its outcome is in
