"""The Sessions screen's first frame holds the rows as last indexed (no empty table first).

Asked from the mount's worker, the rows could reach the screen only after its first layout
and an empty frame: the worker hands them over through the UI thread, which is busy with the
push until then. They are now asked in a thread started as the screen is composed, and the
mount waits for them a moment (``EARLY_WAIT``), never longer.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable

from sessiontimer.ui.screens.review import sessions
from sessiontimer.ui.screens.review.sessions import SessionsScreen
from tests.ui.conftest import build_app
from tests.ui.test_sessions_screen import _clients, _fixed_data, _open, _settle


class _Watched(SessionsScreen):
    """Notes the table's rows as the mount ends: what the first frame will show."""

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#sessions-table", DataTable)
        self.at_mount = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


async def test_rows_as_last_indexed_are_in_the_table_when_the_mount_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fixed_data()
    # a slow machine: the bound is the test's own
    monkeypatch.setattr(sessions, "EARLY_WAIT", 10.0, raising=False)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        first = await _open(pilot)  # builds the index
        assert _clients(first) == ["Anna", "Chloé", "anna", "Ben", "Anna"]
        app.pop_screen()
        await pilot.pause()
        screen = _Watched()
        await app.push_screen(screen)
        assert screen.at_mount == ["Anna", "Chloé", "anna", "Ben", "Anna"]
        await _settle(pilot)
        assert _clients(screen) == ["Anna", "Chloé", "anna", "Ben", "Anna"]
        assert "5 of 5 sessions" in str(screen.query_one("#sessions-status").content)


async def test_a_slow_index_does_not_hold_the_mount(monkeypatch: pytest.MonkeyPatch) -> None:
    """An index busy for a while (another process making it, say): the mount goes on after
    EARLY_WAIT with an empty table, and the rows come when the index answers."""
    _fixed_data()
    app = build_app()
    release = threading.Event()
    real_open = sessions.open_store

    def slow_open(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(10.0)
        return real_open(*args, **kwargs)

    async with app.run_test(size=(100, 30)) as pilot:
        first = await _open(pilot)
        app.pop_screen()
        await pilot.pause()
        monkeypatch.setattr(sessions, "open_store", slow_open)
        monkeypatch.setattr(sessions, "EARLY_WAIT", 0.01, raising=False)
        screen = _Watched()
        await app.push_screen(screen)
        assert screen.at_mount == []
        release.set()
        await _settle(pilot)
        assert _clients(screen) == ["Anna", "Chloé", "anna", "Ben", "Anna"]
        assert first is not screen
