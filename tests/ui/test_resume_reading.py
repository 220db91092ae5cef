"""Continuing (or closing) an interrupted session reads its journal in a worker.

A planted journal of a million lines took half a minute to replay on the UI loop: the
screen froze on the resume dialog and no key, Escape included, was answered. Now a dialog
says how far the reading is, the app answers keys, and Escape stops it with nothing changed.
The reading is held here on an event (no sleeps): the bounds only turn a hang into a failure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sessiontimer.core import journal_read, recovery, running
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.lock import SessionLock
from sessiontimer.paths import resolve
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app
from tests.ui.test_start_screen import crashed_session


async def _until(pilot: Any, done: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        await pilot.pause(0.02)


def _held_reading(monkeypatch: Any) -> tuple[threading.Event, threading.Event]:
    """The real reading, held (half-way, as it says) until the test lets it go."""
    let_go, reading = threading.Event(), threading.Event()
    real = journal_read.load_for_resume

    def held(path: Path, **how: Any) -> Any:
        progress = how.get("progress")
        if progress is not None:
            progress(50, 100)
        reading.set()
        let_go.wait(30)
        return real(path, **how)

    monkeypatch.setattr(recovery, "load_for_resume", held)
    monkeypatch.setattr(running, "load_for_resume", held, raising=False)
    return let_go, reading


def _notes(app: Any) -> str:
    """The session screen's notes, "" until it is composed."""
    found = app.screen.query("#notes")
    return str(found.first().render()) if found else ""


def _shown(app: Any) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("Static"))


async def test_continuing_reads_in_a_worker_and_escape_stops_it_changing_nothing(
    clock: ManualClock, monkeypatch: Any
) -> None:
    path = Path(crashed_session(clock))
    before = path.read_bytes()
    let_go, reading = _held_reading(monkeypatch)
    app = build_app(clock)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: type(app.screen).__name__ == "ResumeDialog", "the offer")
            await pilot.press("c")
            await _until(pilot, reading.is_set, "the reading")
            await _until(pilot, lambda: "50 %" in _shown(app), "the progress said")
            said = _shown(app)
            assert "Continuing the interrupted session" in said
            assert "escape" in said and "nothing is changed" in said
            await pilot.press("c", "g", "x")  # answered (the loop is free), and not the offer's
            assert type(app.screen).__name__ == "ReadingJournalDialog"
            await pilot.press("escape")
            await _until(pilot, lambda: type(app.screen).__name__ == "StartScreen", "Start")
            let_go.set()  # the reading ends after the Escape: it is given up
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.session is None
            assert type(app.screen).__name__ == "StartScreen"
    finally:
        let_go.set()
    assert path.read_bytes() == before
    other = SessionLock(resolve().lock_file)
    assert other.acquire(), "the lock was kept after the reading was stopped"
    other.release()


async def test_a_reading_let_go_continues_the_session(clock: ManualClock, monkeypatch: Any) -> None:
    crashed_session(clock)
    let_go, reading = _held_reading(monkeypatch)
    app = build_app(clock)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: type(app.screen).__name__ == "ResumeDialog", "the offer")
            await pilot.press("c")
            await _until(pilot, reading.is_set, "the reading")
            assert type(app.screen).__name__ == "ReadingJournalDialog"
            let_go.set()
            await _until(pilot, lambda: isinstance(app.screen, SessionScreen), "the session")
            assert app.screen.recorder.engine.snapshot().phase.name == "settling"
            await _until(pilot, lambda: "release" in _notes(app), "the note shown")
            app.screen.recorder.writer.flush(5)
    finally:
        let_go.set()


async def test_closing_reads_in_a_worker_too(clock: ManualClock, monkeypatch: Any) -> None:
    path = Path(crashed_session(clock))
    let_go, reading = _held_reading(monkeypatch)
    app = build_app(clock)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: type(app.screen).__name__ == "ResumeDialog", "the offer")
            await pilot.press("x")
            await _until(pilot, reading.is_set, "the reading")
            assert "Closing the interrupted session" in _shown(app)
            let_go.set()
            await _until(pilot, lambda: type(app.screen).__name__ == "StartScreen", "Start")
            await app.workers.wait_for_complete()
    finally:
        let_go.set()
    ended = [e for e in journal_read.read_journal(path).events if e["type"] == "session_ended"]
    assert ended and ended[0]["reason"] == "interrupted"
