"""Cues asked for while the audio service starts wait for it, in order, and none is lost."""

from __future__ import annotations

import threading
from typing import Any

from sessiontimer.audio.base import CueOutcome
from sessiontimer.audio.starting import StartingAudio


class Recorder:
    """A service that records what it was asked, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.waiting: list[Any] = []

    def play(self, cue: Any, master_volume: float, muted: bool, on_result: Any) -> None:
        self.calls.append(("play", cue))
        self.waiting.append(on_result)

    def answer_all(self) -> None:
        for on_result in self.waiting:
            on_result(CueOutcome("played", "simpleaudio", 0.0))
        self.waiting.clear()

    def set_master_volume(self, master_volume: float) -> None:
        self.calls.append(("volume", master_volume))


def test_waiting_calls_reach_the_service_in_order_then_calls_go_straight() -> None:
    audio, service = StartingAudio(), Recorder()
    audio.play("chime", 0.8, False, print)
    audio.set_master_volume(0.5)
    audio.play("bell", 0.5, False, print)
    assert service.calls == [] and audio.service is None
    audio.ready(service)
    assert service.calls == [("play", "chime"), ("volume", 0.5), ("play", "bell")]
    audio.play("tap", 0.5, False, print)
    assert service.calls[-1] == ("play", "tap") and audio.service is service


def test_no_service_answers_every_cue_as_visual() -> None:
    audio = StartingAudio()
    results: list[CueOutcome] = []
    audio.play("chime", 0.8, False, results.append)
    audio.failed()
    audio.play("bell", 0.8, False, results.append)
    audio.set_master_volume(0.3)  # nothing to do, and no error
    assert [(r.outcome, r.backend) for r in results] == [("visual", "visual")] * 2


def test_calls_racing_the_hand_over_are_neither_lost_nor_reordered() -> None:
    audio, service = StartingAudio(), Recorder()
    sent = [f"cue{i}" for i in range(2000)]
    player = threading.Thread(target=lambda: [audio.play(c, 1.0, False, print) for c in sent])
    player.start()
    audio.ready(service)
    player.join()
    assert [cue for _, cue in service.calls] == sent


def test_silent_reason_and_close_pass_through() -> None:
    from sessiontimer.audio.service import AudioService
    from sessiontimer.core.model import AudioSettings

    deferred = StartingAudio()
    assert deferred.silent_reason is None and deferred.audible  # not known yet: no mark
    service = AudioService(AudioSettings(backend="visual"), [])
    deferred.ready(service)
    assert deferred.silent_reason == 'cues are visual only (audio.backend = "visual")'
    deferred.close()
    deferred.close()
    assert not service._thread.is_alive()
    got: list[object] = []
    deferred.play(object(), 1.0, False, got.append)
    assert [o.outcome for o in got] == ["visual"]  # type: ignore[attr-defined]


def test_a_service_arriving_after_close_is_closed_and_failure_is_said() -> None:
    from sessiontimer.audio.service import AudioService
    from sessiontimer.core.model import AudioSettings

    deferred = StartingAudio()
    deferred.close()
    service = AudioService(AudioSettings(backend="visual"), [])
    deferred.ready(service)
    assert not service._thread.is_alive()
    other = StartingAudio()
    other.failed("sound could not start: no memory")
    assert other.silent_reason == "sound could not start: no memory"


def test_when_prepared_calls_back_once_ready_or_given_up() -> None:
    calls: list[str] = []
    audio = StartingAudio()
    audio.when_prepared(lambda: calls.append("early"))
    assert calls == []
    audio.prepared()
    assert calls == ["early"]
    audio.when_prepared(lambda: calls.append("late"))  # already prepared: at once
    assert calls == ["early", "late"]
    audio.prepared()  # twice: no second call
    assert calls == ["early", "late"]
    failed = StartingAudio()
    failed.when_prepared(lambda: calls.append("failed"))
    failed.failed("no sound")
    closed = StartingAudio()
    closed.when_prepared(lambda: calls.append("closed"))
    closed.close()
    assert calls[-2:] == ["failed", "closed"]


def test_the_first_answer_is_waited_for_by_condition() -> None:
    audio, service = StartingAudio(), Recorder()
    assert not audio.wait_first_answer(0.01)  # no cue yet
    audio.ready(service)
    results: list[Any] = []
    audio.play("chime", 1.0, False, results.append)
    assert not audio.wait_first_answer(0.01)  # asked, not answered
    threading.Timer(0.05, lambda: service.answer_all()).start()
    assert audio.wait_first_answer(5.0)
    assert len(results) == 1
