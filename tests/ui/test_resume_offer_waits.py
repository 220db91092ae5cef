"""A resume offer found late (a slow folder) never takes the keys from the screen in use.

The search for interrupted sessions runs in a worker at start; on a big or planted folder it
can finish a minute later, when the practitioner is reading a timeline. Its dialog used to be
pushed on top of whatever screen was shown: the timeline lost its focus and its keys. Now the
offer waits for the Start screen and a notice says so.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from textual.widgets import Input, OptionList

from sessiontimer.core.clock import ManualClock
from sessiontimer.ui import service_glue
from sessiontimer.ui.dialogs.session import ResumeDialog
from sessiontimer.ui.screens.review.sessions import SessionsScreen
from sessiontimer.ui.screens.review.timeline import SessionDetailScreen
from sessiontimer.ui.screens.session.start import StartScreen
from tests.ui.conftest import build_app
from tests.ui.test_start_screen import crashed_session


async def _until(pilot: Any, done: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Let the app run until ``done()``; the deadline only turns a hang into a failure."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        await pilot.pause(0.02)


def _held_search(monkeypatch: Any) -> tuple[threading.Event, threading.Event]:
    """The real search, held until the test lets it finish; (let_go, finished)."""
    let_go, finished = threading.Event(), threading.Event()
    real = service_glue.interrupted_sessions

    def held(app: Any, problems: Any = None) -> Any:
        try:
            let_go.wait(120)
            return real(app, problems)
        finally:
            finished.set()

    monkeypatch.setattr(service_glue, "interrupted_sessions", held)
    return let_go, finished


async def test_an_offer_found_while_a_timeline_is_read_waits_for_the_start_screen(
    clock: ManualClock, monkeypatch: Any
) -> None:
    crashed_session(clock)
    let_go, finished = _held_search(monkeypatch)
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "the Start screen")
        await pilot.press("ctrl+l")
        await _until(
            pilot,
            lambda: isinstance(app.screen, SessionsScreen) and bool(app.screen.rows),
            "the Sessions list",
        )
        await pilot.press("down", "enter")
        await _until(
            pilot,
            lambda: isinstance(app.screen, SessionDetailScreen) and app.screen.timeline is not None,
            "the timeline",
        )
        detail = app.screen
        listing = detail.query_one("#detail-list", OptionList)
        assert app.focused is listing

        let_go.set()  # the slow search finds the interrupted session now
        await _until(pilot, finished.is_set, "the search")
        waiting = "1 interrupted session found: you are asked about it on the Start screen"

        def told() -> bool:
            return any(waiting in n.message for n in app._notifications)

        offered = lambda: any(isinstance(s, ResumeDialog) for s in app.screen_stack)  # noqa: E731
        await _until(pilot, lambda: told() or offered(), "the offer or its notice")
        await pilot.pause()
        assert app.screen is detail, [type(s).__name__ for s in app.screen_stack]
        assert told()
        assert app.focused is listing
        await pilot.press("end")
        assert listing.highlighted == listing.option_count - 1
        await pilot.press("escape")
        await _until(pilot, lambda: isinstance(app.screen, SessionsScreen), "Sessions again")
        assert not offered()

        await pilot.press("escape")  # back on Start: now the offer is made
        await _until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the offer on Start")
        assert isinstance(app.screen_stack[-2], StartScreen)
        await pilot.press("escape")  # decide later
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "Start after the offer")
        assert app.focused is app.screen.query_one("#presets", OptionList)
        await pilot.press("escape")  # the offer is made once a run, not at every return
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_an_offer_found_before_anything_else_is_shown_on_start_at_once(
    clock: ManualClock, monkeypatch: Any
) -> None:
    crashed_session(clock)
    let_go, finished = _held_search(monkeypatch)
    let_go.set()
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the offer")
        assert isinstance(app.screen_stack[-2], StartScreen)
        assert finished.is_set()


async def test_an_offer_found_while_a_name_is_typed_waits_until_the_field_is_left(
    clock: ManualClock, monkeypatch: Any
) -> None:
    """A dialog arriving under a name being typed took its letters: "c" continued the
    interrupted session. Now the name is typed whole and the offer comes once the field is
    left empty."""
    crashed_session(clock)
    let_go, finished = _held_search(monkeypatch)
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "the Start screen")
        start = app.screen
        field = start.query_one("#client", Input)
        await pilot.press("tab", "a")
        let_go.set()  # found while the name is being typed
        await _until(pilot, finished.is_set, "the search")
        await _until(
            pilot,
            lambda: any("interrupted session found" in n.message for n in app._notifications),
            "the notice",
        )
        await pilot.press(*"ccarla")
        await pilot.pause()
        assert app.screen is start and field.value == "accarla" and app.session is None
        field.value = ""
        await pilot.press("shift+tab")  # back to the preset list, the field empty
        await _until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the offer")
        await pilot.press("escape")
        await _until(pilot, lambda: app.screen is start, "Start after the offer")
        told = [n for n in app._notifications if "interrupted session found" in n.message]
        assert len(told) == 1  # said once
