"""One backend name in every cue line (issue 15: "system" in one line, "aplay" in the line
before): every outcome names the backend that played it, the one last told; a fallback, or a
system player moving on to another player, is told as a change before the first outcome that
names the new one; a later word on a cue names the backend that played it, not the one in use
by then."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from audio_helpers import Keeper

from sessiontimer.audio.base import BackendChange, CueOutcome, Done, PlayJob, PlayResult
from sessiontimer.audio.service import AudioService
from sessiontimer.audio.sound import ScaledSound
from sessiontimer.audio.system import VisualBackend
from sessiontimer.core.model import AudioSettings, Cue

WAIT = 5.0


class Log:
    """Outcomes and changes in the order the service told them (from its threads)."""

    def __init__(self) -> None:
        self.told: list[CueOutcome | BackendChange] = []
        self._cond = threading.Condition()

    def add(self, item: CueOutcome | BackendChange) -> None:
        with self._cond:
            self.told.append(item)
            self._cond.notify_all()

    def outcomes(self, n: int) -> list[CueOutcome]:
        with self._cond:
            assert self._cond.wait_for(
                lambda: sum(isinstance(t, CueOutcome) for t in self.told) >= n, WAIT
            ), self.told
            return [t for t in self.told if isinstance(t, CueOutcome)]


def named_consistently(told: list[CueOutcome | BackendChange]) -> list[str]:
    """The names the outcomes carry, checked: each is the backend last told (the first one
    sets it), and a change names as previous the one the outcomes carried before it."""
    current: str | None = None
    names = []
    for item in told:
        if isinstance(item, BackendChange):
            assert current is None or item.previous == current, (item, told)
            current = item.current
        else:
            assert current is None or item.backend == current, (item, told)
            current = item.backend
            names.append(item.backend)
    return names


class Scripted:
    """Answers "ok" or an error text per play, in order; keeps each job."""

    def __init__(self, name: str, answers: list[str] | None = None) -> None:
        self._name = name
        self.answers = answers or []
        self.jobs: list[PlayJob] = []

    @property
    def name(self) -> str:
        return self._name

    def unavailable(self) -> str | None:
        return None

    def start(self) -> str | None:
        return None

    def preload(self, sound: ScaledSound) -> None:
        pass

    def play(self, job: PlayJob, done: Done) -> None:
        self.jobs.append(job)
        answer = self.answers.pop(0) if self.answers else "ok"
        done(PlayResult(1.5) if answer == "ok" else PlayResult(None, answer))

    def wait_idle(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        pass


class MovesOn(Scripted):
    """A system player backend whose first player (pw-play) stops working: from its third
    cue it plays through aplay, and its name follows (``SystemPlayerBackend.name``)."""

    def play(self, job: PlayJob, done: Done) -> None:
        if len(self.jobs) == 2:
            self._name = "aplay"
        super().play(job, done)


@pytest.fixture
def made() -> Iterator[list[AudioService]]:
    services: list[AudioService] = []
    yield services
    for service in services:
        service.close()


def service_of(made: list[AudioService], log: Log, *backends: Scripted | Keeper) -> AudioService:
    service = AudioService(AudioSettings(), [], backends=[*backends, VisualBackend()])
    service.on_backend_changed = log.add
    made.append(service)
    return service


def play(service: AudioService, log: Log, n: int) -> None:
    for i in range(n):
        service.play(Cue("wooden-tap"), 1.0, False, log.add)
        log.outcomes(i + 1)


def test_a_fallback_mid_session_is_told_before_the_first_line_that_names_it(made) -> None:  # type: ignore[no-untyped-def]
    log = Log()
    worker = Scripted("simpleaudio", ["ok", "ok", "the device went away", "still away"])
    service = service_of(made, log, worker, Scripted("aplay"))
    play(service, log, 4)
    assert named_consistently(log.told) == ["simpleaudio"] * 2 + ["aplay"] * 2
    (change,) = [t for t in log.told if isinstance(t, BackendChange)]
    assert (change.previous, change.current) == ("simpleaudio", "aplay")


def test_a_system_player_moving_on_to_another_player_is_told_as_a_change(made) -> None:  # type: ignore[no-untyped-def]
    """pw-play then aplay inside the one system backend: the journal must not say pw-play in
    one line and aplay in the next with no word between."""
    log = Log()
    service = service_of(made, log, MovesOn("pw-play"))
    play(service, log, 4)
    assert named_consistently(log.told) == ["pw-play"] * 2 + ["aplay"] * 2
    (change,) = [t for t in log.told if isinstance(t, BackendChange)]
    assert (change.previous, change.current) == ("pw-play", "aplay")


def test_a_later_word_names_the_backend_that_played_the_cue(made) -> None:  # type: ignore[no-untyped-def]
    """A cue played on the worker, then the worker failed and aplay took over; the first
    cue is then cut short (its sound lost): that word is about the worker's sound."""
    log = Log()
    worker = Scripted("simpleaudio", ["ok", "the device went away"])
    service = service_of(made, log, worker, Scripted("aplay"))
    play(service, log, 2)
    first = worker.jobs[0]
    assert first.on_lost is not None
    first.on_lost("cut short: the audio worker stopped (killed by SIGKILL)")
    word = log.outcomes(3)[-1]
    assert word.update and word.backend == "simpleaudio"


def test_a_cue_that_faded_on_a_fallback_is_told_after_the_change_to_it(made) -> None:  # type: ignore[no-untyped-def]
    """The first cue fails on the worker and goes to aplay, which holds it for its moment; a
    pause at that moment takes it back as it begins: its line (faded) names aplay, so the
    change to aplay must be told before it, as for a cue that played whole."""
    log = Log()
    aplay = Keeper(schedules=True, name="aplay")
    service = service_of(made, log, Scripted("simpleaudio", ["the device went away"]), aplay)
    at = time.monotonic() + 0.02  # the pause comes within LATE_CANCEL of the onset
    ticket = service.play(Cue("wooden-tap"), 1.0, False, log.add, at)
    assert aplay.got.wait(WAIT)
    assert service.cancel(ticket) and ticket.may_sound
    done = aplay.jobs[0][1]
    done(PlayResult(at))  # it began at its moment, then faded
    (faded,) = log.outcomes(1)
    assert faded.outcome == "faded"
    assert [(t.previous, t.current) for t in log.told if isinstance(t, BackendChange)] == [
        ("simpleaudio", "aplay")
    ]  # told before the faded line, which names aplay
    service.play(Cue("wooden-tap"), 1.0, False, log.add)  # the worker first again: it plays
    log.outcomes(2)
    assert named_consistently(log.told) == ["aplay", "simpleaudio"]
