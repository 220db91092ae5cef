"""The first cue on time (issue 15): a new session's clock starts when its first cue can sound.

The audio service needs a moment to start (a worker process, the device, the first sound
scaled), and the screen needs its first frame. The session's clock, and so the due moment of
its start cue, waits for both (bounded), so the start cue sounds at its moment, not 0.6 s late.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from sessiontimer.audio.base import CueOutcome
from sessiontimer.audio.starting import StartingAudio
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal
from sessiontimer.ui import service_glue
from tests.ui.conftest import build_app


class Service:
    """A ready service that notes the engine's state at the moment each cue reaches it."""

    backend_name = "simpleaudio"
    silent_reason = None

    def __init__(self, app: Any) -> None:
        self.app = app
        self.played: list[tuple[str, bool]] = []

    def play(self, cue: Any, volume: float, muted: bool, on_result: Any) -> None:
        session = self.app.session
        self.played.append((cue.sound, session is not None and session.engine.started))
        on_result(CueOutcome("played", "simpleaudio", 0.0))

    def set_master_volume(self, level: float) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def patient_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock's wait for the first sound is bounded in real time (``START_WAIT``, 2 s); a
    loaded machine can spend that on the app's start alone, so tests of what happens while
    it waits wait longer (the bound itself has its own test, at 0.05 s)."""
    monkeypatch.setattr(service_glue, "START_WAIT", 600.0)


def events(app: Any) -> list[dict[str, Any]]:
    session = app.session
    assert session is not None and session.recorder.writer.flush(5)
    return read_journal(session.path).events


async def test_the_clock_waits_for_the_sound_then_the_start_cue_goes_at_once(
    clock: ManualClock,
) -> None:
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None
        assert not session.engine.started  # the device is not ready: the clock waits
        clock.advance(0.8)  # the worker and the device take their time
        service = Service(app)
        audio.ready(service)
        audio.prepared()
        for _ in range(50):
            await pilot.pause(0.01)
            if service.played:
                break
        assert session.engine.started
        start_cue = app.settings.preset("Demo").phases[0].cues.start
        assert start_cue is not None
        assert service.played == [(start_cue.sound, True)]  # the start cue, at the clock's start
        snap = session.engine.snapshot()
        assert snap.phase_elapsed == 0.0  # the 0.8 s of waiting is not session time
        lines = events(app)
    assert lines[0]["type"] == "session_started"
    cue = next(e for e in lines if e["type"] == "cue")
    assert cue["kind"] == "phase_start" and cue["late"] < 0.1


async def test_a_sound_that_never_comes_does_not_hold_the_session(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_glue, "START_WAIT", 0.05)
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        session = app.session
        assert session is not None
        for _ in range(100):
            await pilot.pause(0.01)
            if session.engine.started:
                break
        assert session.engine.started  # bounded: the session goes on, its cue waits
        audio.failed("no sound device")
        await pilot.pause()
        kinds = [(e["type"], e.get("outcome")) for e in events(app)]
    assert ("cue", "visual") in kinds


async def test_a_key_typed_while_the_sound_starts_starts_the_session_and_counts(
    clock: ManualClock,
) -> None:
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None and not session.engine.started
        await pilot.press("r")  # a note: the practitioner is there, the session is on
        await pilot.pause()
        assert session.engine.started
        lines = events(app)
    types = [e["type"] for e in lines]
    assert types[0] == "session_started" and "note" in types, types


async def test_quit_before_the_sound_is_ready_leaves_a_whole_journal(clock: ManualClock) -> None:
    """Every way out goes through the session: one that never started is started, then left."""
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None and not session.engine.started
        session.suspend("signal TERM")
        assert session.wait(5)
    types = [e["type"] for e in read_journal(session.path).events]
    assert types[0] == "session_started" and types[-1] == "suspended", types


class AheadService(Service):
    """A ready service that takes cues ahead of their moment (``at``), as the real one does,
    and notes, for each cue, when it was handed over and the moment it is to sound at."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.handed: list[tuple[float, float | None, Any]] = []  # (when, at, on_result)

    def play(  # type: ignore[override]
        self, cue: Any, volume: float, muted: bool, on_result: Any, at: float | None = None
    ) -> object:
        self.handed.append((time.monotonic(), at, on_result))
        if at is None:
            on_result(CueOutcome("played", "simpleaudio", time.monotonic()))
        return object()

    def cancel(self, ticket: object) -> bool:
        return True


async def test_the_start_cue_goes_ahead_of_its_moment_like_the_others(
    clock: ManualClock,
) -> None:
    """The first cue used to be handed over at the very moment it was due, so the device's
    start (8-150 ms) made it late; it now goes ahead with its moment, as planned cues do, and
    the session's clock starts at that moment; its line says how late it really began."""
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    app.auto_tick = True
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None and not session.engine.started
        service = AheadService(app)
        audio.ready(service)
        audio.prepared()
        for _ in range(100):
            await pilot.pause(0.01)
            if service.handed:
                break
        ((handed, at, on_result),) = service.handed
        assert at is not None, "the start cue was not sent ahead of its moment"
        assert at - handed >= 0.1  # time for the device to start
        assert not session.engine.started  # the clock starts at the cue's moment
        clock.advance(at - handed)
        for _ in range(100):
            await pilot.pause(0.01)
            if session.engine.started:
                break
        assert session.engine.started
        assert session.engine.snapshot().phase_elapsed == 0.0
        on_result(CueOutcome("played", "simpleaudio", at + 0.012))  # it began 12 ms late
        await pilot.pause()
        app.auto_tick = False
        lines = events(app)
        assert len(service.handed) == 1  # not sent again at its moment
    assert [e["type"] for e in lines][:2] == ["session_started", "phase_started"]
    cue = next(e for e in lines if e["type"] == "cue")
    assert cue["kind"] == "phase_start" and cue["outcome"] == "played"
    assert 0.011 <= cue["late"] <= 0.013, cue


class HoldingService(AheadService):
    """Its device already holds each cue sent ahead (under ``LATE_CANCEL`` to its moment):
    one taken back now would sound a moment and fade all the same."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.cancelled: list[object] = []

    def play(  # type: ignore[override]
        self, cue: Any, volume: float, muted: bool, on_result: Any, at: float | None = None
    ) -> object:
        super().play(cue, volume, muted, on_result, at)
        return SimpleNamespace(imminent=at is not None, may_sound=at is not None)

    def cancel(self, ticket: object) -> bool:
        self.cancelled.append(ticket)
        return True


async def test_a_key_as_the_start_cue_begins_does_not_sound_it_twice(clock: ManualClock) -> None:
    """A key in the last moment before the start cue (its device holds it already) started
    the clock at once and played the cue again: it sounded a moment, faded, then rang anew.
    It is kept, at its moment (under 60 ms away), and the clock starts with the key."""
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    app.auto_tick = True
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None and not session.engine.started
        service = HoldingService(app)
        audio.ready(service)
        audio.prepared()
        for _ in range(100):
            await pilot.pause(0.01)
            if service.handed:
                break
        assert service.handed and not session.engine.started
        await pilot.press("r")  # a note as the cue begins: the session is on
        for _ in range(20):
            await pilot.pause(0.01)
        assert session.engine.started
        app.auto_tick = False
        assert service.cancelled == []  # not taken back, so not faded either
        assert len(service.handed) == 1  # and not sent again
