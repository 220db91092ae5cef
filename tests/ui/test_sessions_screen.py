"""The Sessions screen, the timeline and client history: Pilot tests and snapshots (100x30)."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from sessiontimer import paths
from sessiontimer.review import lookup
from sessiontimer.ui.screens.review.client_history import ClientHistoryScreen
from sessiontimer.ui.screens.review.sessions import SessionsScreen
from sessiontimer.ui.screens.review.sessions_table import MARGIN, PAGE, WINDOW
from sessiontimer.ui.screens.review.timeline import SessionDetailScreen
from tests.ui.conftest import build_app

_spec = importlib.util.spec_from_file_location(
    "review_journals", Path(__file__).resolve().parents[1] / "review" / "review_journals.py"
)
assert _spec and _spec.loader
journals = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(journals)


def _fixed_data() -> Path:
    """Five known sessions of three clients, on fixed dates."""
    sessions = paths.resolve().sessions_dir
    for day, client, token in [
        (20, "Anna", "aaaaaa"),
        (21, "Ben", "bbbbbb"),
        (22, "anna", "cccccc"),
        (23, "Chloé", "dddddd"),
        (24, "Anna", "eeeeee"),
    ]:
        journals.known_session(sessions, client, day=day, token=token)
    return sessions


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _open(pilot: Any) -> SessionsScreen:
    await pilot.pause()
    screen = SessionsScreen()
    await pilot.app.push_screen(screen)
    await _settle(pilot)
    return screen


def _clients(screen: SessionsScreen) -> list[str]:
    table = screen.query_one("#sessions-table", DataTable)
    return [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


async def test_list_newest_first_and_filter_updates_as_you_type() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot)
        assert _clients(screen) == ["Anna", "Chloé", "anna", "Ben", "Anna"]
        await pilot.press(*"client:ann")
        await _settle(pilot)
        assert _clients(screen) == ["Anna", "anna", "Anna"]
        await pilot.press(*" since:2026-10-22")
        await _settle(pilot)
        assert _clients(screen) == ["Anna", "anna"]
        status = str(screen.query_one("#sessions-status", Static).content)
        assert status.startswith("2 of 5 sessions")
        await pilot.press(*" until:bad")
        await _settle(pilot)
        assert "until:bad is not a date" in str(
            screen.query_one("#sessions-status", Static).content
        )


async def test_enter_opens_timeline_and_f4_client_history() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot)
        await pilot.press("down", "down")  # to the table, second row
        await pilot.press("enter")
        await _settle(pilot)
        detail = app.screen
        assert isinstance(detail, SessionDetailScreen)
        assert detail.summary.client == "Chloé"
        assert "note: release @ sacrum" in detail.text
        assert "closing note: Felt lighter, sleeps better." in detail.text
        await pilot.press("escape")
        await pilot.press("up", "f4")  # first row: Anna
        await _settle(pilot)
        history = app.screen
        assert isinstance(history, ClientHistoryScreen) and history.history is not None
        assert len(history.history.sessions) == 3  # Anna and anna are one client
        text = str(history.query_one("#history-summary", Static).content)
        assert "release" in text and "sacrum 3" in text
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, SessionDetailScreen)
        await pilot.press("escape", "escape", "escape")
        assert not isinstance(app.screen, SessionsScreen)


async def test_large_lists_slide_a_window_as_the_cursor_moves() -> None:
    """The window slides on near its edge; walking the cursor down to the last session and
    back up, a key at a time, meets each session once, in the index's order, across every
    join of the window."""
    sessions = paths.resolve().sessions_dir
    n = WINDOW + PAGE + 5  # two joins each way
    for i in range(n):
        journals.known_session(sessions, f"C{i}", day=1 + i % 28, token=f"{i:06x}")
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot)
        table = screen.query_one("#sessions-table", DataTable)
        assert table.row_count == WINDOW and screen.total == n
        first = screen.rows[0].id
        table.focus()
        table.move_cursor(row=WINDOW - MARGIN - 1)
        at = screen.rows[WINDOW - MARGIN].id
        await pilot.press("down")  # near the window's end: it slides on
        await _settle(pilot)
        assert screen.base == PAGE and table.row_count == min(WINDOW, n - PAGE)
        assert screen.rows[table.cursor_row].id == at
        status = str(screen.query_one("#sessions-status", Static).content)
        assert f"{PAGE + 1}–{PAGE + table.row_count} in view" in status
        screen.query_one("#sessions-filter", Input).focus()
        await pilot.press("ctrl+p")
        await _settle(pilot)
        assert screen.base == 0 and screen.rows[0].id == first and table.cursor_row == 0

        assert screen._store is not None
        order = [s.id for s in lookup.everything(screen._store)]
        table.focus()

        async def walk(step: Any, last: int) -> list[str]:
            met = [screen.rows[table.cursor_row].id]
            while screen.base + table.cursor_row != last and len(met) <= n:
                step()
                ahead = screen.base + table.row_count < n and table.cursor_row >= WINDOW - MARGIN
                if ahead or (screen.base > 0 and table.cursor_row < MARGIN):  # it may slide
                    await pilot.pause(0)  # the screen has taken the table's NearEdge
                    if screen._sliding:
                        await app.workers.wait_for_complete()  # its rows are in
                met.append(screen.rows[table.cursor_row].id)
            return met

        assert await walk(table.action_cursor_down, n - 1) == order
        assert screen.base == 2 * PAGE
        assert await walk(table.action_cursor_up, 0) == order[::-1]
        assert screen.base == 0


def _before(*keys: str) -> Any:
    async def before(pilot: Any) -> None:
        await _open(pilot)
        await pilot.press(*keys)
        await _settle(pilot)

    return before


def test_snapshot_sessions(snap_compare: Any) -> None:
    _fixed_data()
    assert snap_compare(build_app(), terminal_size=(100, 30), run_before=_before())


def test_snapshot_sessions_filtered(snap_compare: Any) -> None:
    _fixed_data()
    assert snap_compare(
        build_app(), terminal_size=(100, 30), run_before=_before(*"tag:release anna")
    )


def test_snapshot_timeline(snap_compare: Any) -> None:
    _fixed_data()
    assert snap_compare(build_app(), terminal_size=(100, 30), run_before=_before("down", "enter"))


def test_snapshot_client_history(snap_compare: Any) -> None:
    _fixed_data()
    assert snap_compare(build_app(), terminal_size=(100, 30), run_before=_before("down", "f4"))


async def test_a_filter_typed_fast_then_enter_opens_a_row_of_that_filter() -> None:
    """Keys in one read, then Enter: the session opened matches the whole filter."""
    from textual import events

    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot)
        for char in "client:ben":  # posted at once, as a terminal read delivers them
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await _settle(pilot)
        detail = app.screen
        assert isinstance(detail, SessionDetailScreen)
        assert detail.summary.client == "Ben"


async def test_an_older_filter_result_arriving_late_is_dropped() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot)
        await pilot.press(*"client:chlo")
        await _settle(pilot)
        assert _clients(screen) == ["Chloé"]
        screen._filtered("client:ann", 0, list(screen.rows), [])  # for an older line
        assert _clients(screen) == ["Chloé"]


async def test_a_hostile_filter_lists_rows_or_none_never_a_stale_list() -> None:
    """A NUL, 1,000 words or FTS5 syntax in the filter: the list and the count follow it."""
    sessions = _fixed_data()
    journals.known_session(sessions, 'Da\x00na "x" NEAR( AND -x*', day=25, token="ffffff")
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot)
        box = screen.query_one("#sessions-filter", Input)
        dana = 'Da\\x00na "x" NEAR( AND -x*'  # controls are shown escaped
        for line, clients, count in [
            ("a\x00n", [dana], "1 of 6"),
            ("client:ann", ["Anna", "anna", "Anna"], "3 of 6"),
            (" ".join(f"w{i}" for i in range(1000)), [], "0 of 6"),
            ("client:ben", ["Ben"], "1 of 6"),
            ("anna " * 1000, ["Anna", "anna", "Anna"], "3 of 6"),
            ('near( "x" and', [dana], "1 of 6"),
        ]:
            box.value = line
            await _settle(pilot)
            assert _clients(screen) == clients, repr(line[:20])
            status = str(screen.query_one("#sessions-status", Static).content)
            assert status.startswith(f"{count} sessions"), (repr(line[:20]), status)


async def test_a_filter_the_index_refuses_is_said_in_the_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot)

        def refuse(*_: object, **__: object) -> None:
            raise sqlite3.OperationalError("too many SQL variables")

        monkeypatch.setattr(lookup, "page", refuse)
        screen.query_one("#sessions-filter", Input).value = "anna"
        await _settle(pilot)
        assert _clients(screen) == []
        status = str(screen.query_one("#sessions-status", Static).content)
        assert "this filter could not be asked of the index (too many SQL variables)" in status


async def test_an_index_that_cannot_be_written_still_lists_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The state folder turned read-only under the open index (a full disk is the same): the
    rows come from the journals and the status says which file failed and what to do."""
    from sessiontimer import review
    from sessiontimer.review import index

    _fixed_data()
    real = index.open_index

    def read_only(state_dir: Path) -> Any:
        store = real(state_dir)
        store.conn.execute("PRAGMA query_only = 1")  # every write: "readonly database"
        return store

    monkeypatch.setattr(index, "open_index", read_only)
    monkeypatch.setattr(review, "open_index", read_only)  # the Start screen's client names
    app = build_app()
    app.notice_hold = 0.0  # no start-up quiet: the notice is shown when it comes
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot)
        assert _clients(screen) == ["Anna", "Chloé", "anna", "Ben", "Anna"]
        status = str(screen.query_one("#sessions-status", Static).content)
        assert "the index cannot be written" in status
        told = [str(n.message) for n in app._notifications]
        assert any("review-index.sqlite3: " in t and " writable" in t for t in told), told


async def test_a_refresh_that_fails_says_so_and_lets_the_index_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An error inside the refresh (a file name no encoding can write was one) left the
    status at 'checking for changes…' for ever with nothing said, and the index locked:
    the next `logs list` said 'database is locked'. Now it is said, the rows as last indexed
    stay, the error log has its type, and the index is free."""
    from sessiontimer.review import index

    sessions = _fixed_data()
    index.refresh(sessions, paths.resolve().state_dir)  # the rows as last indexed
    real = index.refresh

    def failing(*args: Any, **kwargs: Any) -> Any:
        store = kwargs["store"]
        store.conn.execute("BEGIN IMMEDIATE")  # it holds the write lock when it fails
        raise RuntimeError("boom")

    monkeypatch.setattr(index, "refresh", failing)
    app = build_app()
    app.notice_hold = 0.0
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot)
        assert _clients(screen) == ["Anna", "Chloé", "anna", "Ben", "Anna"]
        status = str(screen.query_one("#sessions-status", Static).content)
        assert "checking for changes" not in status, status
        assert "could not be checked for changes" in status, status
        told = [str(n.message) for n in app._notifications]
        assert any("could not be checked for changes (RuntimeError)" in t for t in told), told
    monkeypatch.setattr(index, "refresh", real)
    with index.open_index(paths.resolve().state_dir) as store:
        store.conn.execute("BEGIN IMMEDIATE")  # no other connection holds it
        store.conn.rollback()
    assert "builtins.RuntimeError" in paths.resolve().error_log.read_text()
