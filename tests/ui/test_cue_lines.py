"""Every cue accounted for (issue 15): merged cues, lines at onset with the truth, the close."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from sessiontimer.audio.base import CueOutcome
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal
from sessiontimer.ui import session_flow
from sessiontimer.ui.app import SessionTimerApp
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app


class SlowAudio:
    """Answers each cue from another thread after ``delay`` s, its onset ``onset`` s after the
    call (a device that needs a moment), like the real service."""

    def __init__(self, delay: float = 0.0, onset: float = 0.0) -> None:
        self.delay, self.onset = delay, onset
        self.backend_name = "simpleaudio"
        self.silent_reason = None
        self.played: list[Any] = []

    def play(self, cue: Any, volume: float, muted: bool, on_result: Any) -> None:
        self.played.append(cue)
        start = time.monotonic() + self.onset

        def answer() -> None:
            time.sleep(self.delay)
            on_result(CueOutcome("played", "simpleaudio", start))

        threading.Thread(target=answer, daemon=True).start()

    def set_master_volume(self, level: float) -> None:
        pass

    def close(self) -> None:
        pass


def cue_lines(path: Any) -> list[dict]:
    return [e for e in read_journal(path).events if e["type"] == "cue"]


async def advance(app: SessionTimerApp, pilot: Any, clock: ManualClock, seconds: float) -> None:
    clock.advance(seconds)
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    screen.tick()
    await pilot.pause()


async def test_cues_due_together_play_one_and_journal_the_other_as_merged(
    clock: ManualClock,
) -> None:
    """Demo's first phase: the warning (10 s before 20 s) and an interval (every 5 s) at 10 s."""
    audio = SlowAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await advance(app, pilot, clock, 10.0)
        recorder = app.screen.recorder  # type: ignore[attr-defined]
        for _ in range(50):
            await pilot.pause(0.02)
            if len(cue_lines_now(recorder)) >= 4:
                break
        lines = cue_lines_now(recorder)
    at_ten = [e for e in lines if e["t"] == pytest.approx(10.0)]
    assert sorted((e["kind"], e["outcome"]) for e in at_ten) == [
        ("interval", "merged"),
        ("warning", "played"),
    ]
    merged = next(e for e in at_ten if e["outcome"] == "merged")
    assert merged["into"] == "warning" and merged["backend"] == "simpleaudio"
    assert {e["backend"] for e in lines} == {"simpleaudio"}  # one name in every line


def cue_lines_now(recorder: Any) -> list[dict]:
    assert recorder.writer.flush(5)
    return cue_lines(recorder.writer.path)


class HeldAudio(SlowAudio):
    """Keeps each answer until ``release()``: a device that needs a moment to start."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: list[Any] = []

    def play(self, cue: Any, volume: float, muted: bool, on_result: Any) -> None:
        self.waiting.append(on_result)

    def release(self) -> None:
        for on_result in self.waiting:
            on_result(CueOutcome("played", "simpleaudio", time.monotonic()))  # sounding now
        self.waiting.clear()


async def test_a_cue_line_says_when_it_really_began(clock: ManualClock) -> None:
    """The first cue sounded 150 ms after its moment: `late` says so, not 0.0."""
    audio = HeldAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    t0 = time.monotonic()  # before the cue was sent
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        recorder = app.screen.recorder  # type: ignore[attr-defined]
        assert audio.waiting and cue_lines_now(recorder) == []  # not journaled before onset
        await pilot.pause(0.15)  # the device takes 150 ms (real time: the audio's clock)
        most = time.monotonic() - t0  # under load the pause may take longer: at most this
        audio.release()
        for _ in range(50):
            await pilot.pause(0.02)
            if cue_lines_now(recorder):
                break
        (first,) = cue_lines_now(recorder)
    assert first["kind"] == "phase_start" and first["t"] == 0.0
    assert 0.15 <= first["late"] <= most + 0.01 and first["began"] == first["late"]


async def test_the_close_waits_for_the_closing_bell(clock: ManualClock) -> None:
    """End, and close at once: the bell's outcome, 0.4 s on its way, still gets its line."""
    audio = SlowAudio(delay=0.4)
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        session_flow.close(app, session, None)  # what the End screen's close does, at once
        assert session.wait(5)
    kinds = [e["kind"] for e in cue_lines(session.path)]
    assert "session_end" in kinds, kinds


async def test_quitting_closes_the_audio_service(clock: ManualClock) -> None:
    """Every way out goes through leave(): the service is closed (players stopped, fades)."""
    audio = SlowAudio()
    closed: list[bool] = []
    audio.close = lambda: closed.append(True)  # type: ignore[method-assign]
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not app.is_running or closed
    assert closed  # at least once (closing twice is safe: leave() and the app's unmount)


class CutShortAudio(SlowAudio):
    """Plays each cue, then says it was cut short (the worker died mid-sound)."""

    def play(self, cue: Any, volume: float, muted: bool, on_result: Any) -> None:
        self.played.append(cue)
        on_result(CueOutcome("played", "simpleaudio", time.monotonic()))
        why = "cut short: the audio worker stopped (killed by SIGSEGV)"
        on_result(CueOutcome("failed", "simpleaudio", time.monotonic(), why, True))


async def test_a_cue_cut_short_by_a_crash_is_told_as_cut_short_not_as_unplayed(
    clock: ManualClock,
) -> None:
    """It did sound (its line says played at onset): the notice says what was heard."""
    app = build_app(clock, preset="Demo", audio=CutShortAudio())
    app.notice_hold = 0.0  # no start-up quiet: the notice is shown when it comes
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(500):  # up to 5 s of loop turns; it comes within a few
            await pilot.pause(0.01)
            if app.session is not None and any(
                "cut short" in str(n.message) for n in app._notifications
            ):
                break
        texts = [str(n.message) for n in app._notifications]
        session = app.session
        assert session is not None and session.recorder.writer.flush(5)
        lines = read_journal(session.path).events
    assert any(t.startswith("A cue was cut short: the audio worker stopped") for t in texts), texts
    assert not any("could not play" in t for t in texts), texts
    assert [e["type"] for e in lines if e["type"].startswith("cue")][:2] == ["cue", "cue_updated"]


async def test_a_fallback_is_journaled_before_the_cue_line_naming_it(
    clock: ManualClock,
) -> None:
    """The audio thread tells a fallback, then the outcome of a cue on the new backend, in
    that order (``AudioService``): the journal keeps that order, so no cue line names a
    backend before the line that says the cues moved to it (the change used to go through
    the app's message queue, the outcome straight to the loop: the cue line came first)."""
    from sessiontimer.audio.base import BackendChange
    from sessiontimer.ui import service_glue

    audio = HeldAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None and audio.waiting
        (on_result,) = audio.waiting

        def audio_thread() -> None:
            change = BackendChange("simpleaudio", "aplay", "no sound device: it went away")
            service_glue.backend_changed(app, change)
            on_result(CueOutcome("played", "aplay", time.monotonic()))

        told = threading.Thread(target=audio_thread)
        told.start()
        told.join()
        kinds: list[str] = []
        for _ in range(50):
            await pilot.pause(0.02)
            assert session.writer.flush(5)
            kinds = [e["type"] for e in read_journal(session.path).events]
            if "cue" in kinds and "audio_backend_changed" in kinds:
                break
    assert "audio_backend_changed" in kinds and "cue" in kinds, kinds
    assert kinds.index("audio_backend_changed") < kinds.index("cue"), kinds
    assert kinds.count("audio_backend_changed") == 1, kinds  # journaled once, not twice
