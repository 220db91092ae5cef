"""The Sessions screen's progress bar is mounted by the build that shows it, not by every open.

With an index to list from (every open but the first), the bar stayed hidden, yet its four
widgets were styled and laid out at each open and its timer woke the screen every second.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable, ProgressBar, Static

from sessiontimer.review import index as review_index
from sessiontimer.ui.screens.review.sessions import SessionsScreen
from tests.ui.conftest import build_app
from tests.ui.test_sessions_screen import _fixed_data, _open, _settle


async def test_an_open_with_an_index_mounts_no_progress_bar() -> None:
    _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        first = await _open(pilot)  # builds the index (five journals: no bar either)
        app.pop_screen()
        await pilot.pause()
        screen = await _open(pilot)
        assert screen is not first
        assert screen.query_one("#sessions-table", DataTable).row_count == 5
        assert not screen.query(ProgressBar)


async def test_a_build_that_shows_progress_mounts_the_bar_then_hides_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fixed_data()
    gate = threading.Event()
    real_refresh = review_index.refresh

    def counted(*args: Any, **kwargs: Any) -> Any:
        """A build of 400 journals, a quarter read, held until the test has looked."""
        kwargs["progress"](100, 400)
        assert gate.wait(10), "the test never let the build go on"
        return real_refresh(*args, **kwargs)

    monkeypatch.setattr(review_index, "refresh", counted)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = SessionsScreen()
        await app.push_screen(screen)
        for _ in range(200):
            if screen.query(ProgressBar):
                break
            await pilot.pause(0.01)
        await pilot.pause()
        bar = screen.query_one("#sessions-progress", ProgressBar)
        assert bar.has_class("-building") and bar.display
        assert (bar.total, bar.progress) == (400, 100)
        status = str(screen.query_one("#sessions-status", Static).content)
        assert status.startswith("reading 400 session logs for the index")
        gate.set()
        await _settle(pilot)
        assert not bar.has_class("-building") and not bar.display
        assert screen.query_one("#sessions-table", DataTable).row_count == 5
