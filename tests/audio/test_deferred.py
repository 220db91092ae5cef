"""Cues asked for while the audio service starts wait for it, in order, and none is lost."""

from __future__ import annotations

import threading
from typing import Any

from sessiontimer.audio.base import CueOutcome
from sessiontimer.audio.deferred import DeferredAudio


class Recorder:
    """A service that records what it was asked, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def play(self, cue: Any, master_volume: float, muted: bool, on_result: Any) -> None:
        self.calls.append(("play", cue))

    def set_master_volume(self, master_volume: float) -> None:
        self.calls.append(("volume", master_volume))


def test_waiting_calls_reach_the_service_in_order_then_calls_go_straight() -> None:
    audio, service = DeferredAudio(), Recorder()
    audio.play("chime", 0.8, False, print)
    audio.set_master_volume(0.5)
    audio.play("bell", 0.5, False, print)
    assert service.calls == [] and audio.service is None
    audio.ready(service)
    assert service.calls == [("play", "chime"), ("volume", 0.5), ("play", "bell")]
    audio.play("tap", 0.5, False, print)
    assert service.calls[-1] == ("play", "tap") and audio.service is service


def test_no_service_answers_every_cue_as_visual() -> None:
    audio = DeferredAudio()
    results: list[CueOutcome] = []
    audio.play("chime", 0.8, False, results.append)
    audio.failed()
    audio.play("bell", 0.8, False, results.append)
    audio.set_master_volume(0.3)  # nothing to do, and no error
    assert [(r.outcome, r.backend) for r in results] == [("visual", "visual")] * 2


def test_calls_racing_the_hand_over_are_neither_lost_nor_reordered() -> None:
    audio, service = DeferredAudio(), Recorder()
    sent = [f"cue{i}" for i in range(2000)]
    player = threading.Thread(target=lambda: [audio.play(c, 1.0, False, print) for c in sent])
    player.start()
    audio.ready(service)
    player.join()
    assert [cue for _, cue in service.calls] == sent


def test_silent_reason_and_close_pass_through() -> None:
    from sessiontimer.audio.service import AudioService
    from sessiontimer.core.model import AudioSettings

    deferred = DeferredAudio()
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

    deferred = DeferredAudio()
    deferred.close()
    service = AudioService(AudioSettings(backend="visual"), [])
    deferred.ready(service)
    assert not service._thread.is_alive()
    other = DeferredAudio()
    other.failed("sound could not start: no memory")
    assert other.silent_reason == "sound could not start: no memory"
