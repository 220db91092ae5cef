"""The Sessions screen as the app leaves (a signal, a closed terminal) while it still works.

The app's teardown removes a screen's widgets before the screen itself: a check for changes
still running then finds no filter line and no status line to show its rows and counts on.
That is the app leaving, not an error of the index.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from sessiontimer import paths
from sessiontimer.review import index as review_index
from sessiontimer.ui.screens.review.sessions import SessionsScreen
from tests.ui.conftest import build_app
from tests.ui.test_sessions_screen import _fixed_data


async def test_a_check_for_changes_that_ends_after_the_widgets_went_is_no_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM, SIGINT or a closed terminal just after ctrl+l, Escape, ctrl+l at 20,000
    journals: the refresh, every session listable, asked the filter line and showed its
    counts on widgets already gone; "NoMatches" went to the error log as the refresh's
    failure (2 of 24 rounds)."""
    _fixed_data()
    gate, listed = threading.Event(), threading.Event()
    real = review_index.refresh

    def held_refresh(*args: Any, listable: Any = None, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        gate.wait(10)  # until the widgets are gone
        try:
            if listable is not None:
                listable()
        finally:
            listed.set()
        return found

    monkeypatch.setattr(review_index, "refresh", held_refresh)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        await screen.query_one("#sessions").remove()  # as the teardown does, first
        gate.set()
        assert await asyncio.to_thread(listed.wait, 10)
        await app.workers.wait_for_complete()
        await pilot.pause()
    log = paths.resolve().error_log
    assert not log.exists(), log.read_text()
