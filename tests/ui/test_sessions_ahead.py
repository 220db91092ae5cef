"""The Start screen has the Sessions screen made ahead, hidden: ctrl+l only shows it.

Built, filled with the rows as last indexed, laid out and rendered at a quiet moment, the
screen's first frame at ctrl+l reuses all of that (first rows 123 ms -> about 35 ms at 20,000
journals). What it shows is still what a new screen would show: the rows are asked again as it
opens (a session ended, a session deleted meanwhile), an empty filter, the cursor on the
newest session; the theme changed meanwhile restyles it; a terminal of another height gets a
new one; and the hidden screen takes no focus and no keys from the Start screen.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from sessiontimer import paths
from sessiontimer.review import index
from sessiontimer.ui.screens.review import sessions
from sessiontimer.ui.screens.review.sessions import AHEAD, SessionsScreen
from sessiontimer.ui.screens.session import start
from tests.ui.conftest import build_app
from tests.ui.test_sessions_screen import _clients, _fixed_data, _settle, journals

FIVE = ["Anna", "Chloé", "anna", "Ben", "Anna"]


@pytest.fixture(autouse=True)
def _soon(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Start screen prepares at once, and the open waits for its rows (a slow machine:
    the bound is the test's own)."""
    monkeypatch.setattr(start, "PREPARE_AFTER", 0.01)
    monkeypatch.setattr(sessions, "EARLY_WAIT", 10.0)


async def _index_then_back(pilot: Any) -> None:
    """A first open builds the index; back on the Start screen, one is made ahead."""
    await pilot.pause()
    await pilot.press("ctrl+l")
    await _settle(pilot)
    assert _clients(pilot.app.screen) == FIVE
    await pilot.press("escape")
    await _prepared(pilot)


async def _prepared(pilot: Any) -> SessionsScreen:
    """Until the screen made ahead is filled, laid out and rendered."""
    await _settle(pilot)
    await pilot.pause(3 * sessions.AHEAD_STEP)
    await _settle(pilot)
    held = pilot.app.get_screen(AHEAD)
    assert isinstance(held, SessionsScreen) and held.ready
    return held


async def _ctrl_l(pilot: Any) -> SessionsScreen:
    """ctrl+l, and the screen as its first frame shows it (before any worker's answer)."""
    await pilot.press("ctrl+l")
    screen = pilot.app.screen
    assert isinstance(screen, SessionsScreen)
    return screen


async def test_ctrl_l_shows_the_screen_made_ahead_and_composes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _index_then_back(pilot)
        held = await _prepared(pilot)
        composed: list[SessionsScreen] = []
        real_compose = SessionsScreen.compose

        def counted(self: SessionsScreen) -> Any:
            composed.append(self)
            return real_compose(self)

        monkeypatch.setattr(SessionsScreen, "compose", counted)
        screen = await _ctrl_l(pilot)
        assert screen is held and not composed
        assert _clients(screen) == FIVE
        assert screen.focused is screen.query_one("#sessions-filter", Input)
        await _settle(pilot)
        assert "5 of 5 sessions" in str(screen.query_one("#sessions-status").content)
        assert not app.is_screen_installed(AHEAD)  # shown now: left, it is removed
        await pilot.press("escape")
        await _settle(pilot)
        assert not screen.is_attached


async def test_a_session_ended_and_one_deleted_after_it_was_made_are_shown_so() -> None:
    sessions_dir = _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _index_then_back(pilot)
        await _prepared(pilot)
        state = paths.resolve().state_dir
        ended = journals.known_session(sessions_dir, "Dora", day=25, token="ffffff")
        gone = next(sessions_dir.glob("*/*bbbbbb.jsonl"))  # Ben's
        gone.unlink()
        rels = [str(p.relative_to(sessions_dir)) for p in (ended, gone)]
        index.update(sessions_dir, state, rels)  # as the app does when a session ends
        screen = await _ctrl_l(pilot)
        assert _clients(screen) == ["Dora", "Anna", "Chloé", "anna", "Anna"]
        await _settle(pilot)
        assert _clients(screen) == ["Dora", "Anna", "Chloé", "anna", "Anna"]


async def test_each_open_starts_with_an_empty_filter_and_the_newest_session() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _index_then_back(pilot)
        first = await _ctrl_l(pilot)
        await pilot.press(*"client:ben")
        await _settle(pilot)
        assert _clients(first) == ["Ben"]
        await pilot.press("escape")
        await _prepared(pilot)
        second = await _ctrl_l(pilot)
        assert second is not first
        assert second.line == ""
        assert _clients(second) == FIVE
        await pilot.press("down", "down", "down")
        assert second.query_one("#sessions-table", DataTable).cursor_row == 2
        await pilot.press("escape")
        await _prepared(pilot)
        third = await _ctrl_l(pilot)
        assert third.line == "" and _clients(third) == FIVE
        assert third.query_one("#sessions-table", DataTable).cursor_row == 0


async def test_a_theme_changed_after_it_was_made_restyles_it() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _index_then_back(pilot)
        first = await _ctrl_l(pilot)
        await _settle(pilot)
        table_style = first.query_one("#sessions-table", DataTable).rich_style
        await pilot.press("escape")
        await _prepared(pilot)
        app.theme = "daylight" if app.theme != "daylight" else "ember"
        await _settle(pilot)
        screen = await _ctrl_l(pilot)
        await _settle(pilot)
        restyled = screen.query_one("#sessions-table", DataTable).rich_style
        await pilot.press("escape")
        await _settle(pilot)
        await pilot.press("ctrl+l")  # a screen new in every way, for the new theme
        await _settle(pilot)
        fresh = app.screen.query_one("#sessions-table", DataTable).rich_style
        assert restyled == fresh != table_style


async def test_a_terminal_of_another_height_gets_a_new_screen_with_its_window() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _index_then_back(pilot)
        held = await _prepared(pilot)
        assert held.window == sessions.WINDOW
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        screen = await _ctrl_l(pilot)
        assert screen is not held and not held.is_attached
        assert screen.window == 96
        await _settle(pilot)
        assert _clients(screen) == FIVE


async def test_the_hidden_screen_takes_no_focus_and_no_keys_from_the_start_screen() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _index_then_back(pilot)
        start_screen = app.screen
        focused = app.focused
        held = await _prepared(pilot)
        assert held.focused is None
        assert app.focused is focused is not None
        await pilot.press("tab", *"Eva")  # to the client field, typed there
        assert start_screen.query_one("#client", Input).value == "Eva"
        assert held.query_one("#sessions-filter", Input).value == ""


async def test_ctrl_l_before_it_is_filled_opens_a_new_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fixed_data()
    monkeypatch.setattr(start, "PREPARE_AFTER", 3600.0)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        sessions.prepare(app)  # made now; ctrl+l comes before it is filled
        held = app.get_screen(AHEAD)
        screen = await _ctrl_l(pilot)
        assert screen is not held
        await _settle(pilot)
        assert _clients(screen) == FIVE
        assert not app.is_screen_installed(AHEAD) and not held.is_attached


async def test_a_screen_being_made_ahead_as_the_app_leaves_is_no_error() -> None:
    """SIGTERM while the Start screen was making its Sessions screen: the screen's mount
    came with its widgets already gone, and the app stopped "after an unexpected error"
    (NoMatches; 3 of 300 rounds of the stress test, exit status 1)."""
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = SessionsScreen(ahead=True)  # mounted with no children, as at the teardown
        screen.on_mount()  # no NoMatches: nothing to fill, the app leaves


async def test_a_first_frame_whose_rows_come_late_never_shows_rows_from_before_a_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rows asked as the screen opens came after EARLY_WAIT (a loaded machine): the first
    frame showed the rows it was made with, a session deleted since among them."""
    sessions_dir = _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _index_then_back(pilot)
        await _prepared(pilot)
        gone = next(sessions_dir.glob("*/*bbbbbb.jsonl"))  # Ben's
        gone.unlink()
        index.update(sessions_dir, paths.resolve().state_dir, [str(gone.relative_to(sessions_dir))])
        late = threading.Event()
        real_ask = SessionsScreen._ask_early

        def ask_late(self: SessionsScreen, state_dir: Any) -> None:
            late.wait(10)
            real_ask(self, state_dir)

        monkeypatch.setattr(SessionsScreen, "_ask_early", ask_late)
        monkeypatch.setattr(sessions, "EARLY_WAIT", 0.0)
        screen = await _ctrl_l(pilot)
        assert "Ben" not in _clients(screen)
        late.set()
        await _settle(pilot)
        assert _clients(screen) == ["Anna", "Chloé", "anna", "Anna"]
