"""A session's rows are in the review index as soon as it ends (no refresh needed)."""

from __future__ import annotations

import threading
import time

from sessiontimer.core.clock import ManualClock
from sessiontimer.paths import resolve
from sessiontimer.review import index
from sessiontimer.ui.screens.session.end import EndScreen
from tests.ui.conftest import build_app


def _indexing_done(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name == "index-session":
            thread.join(max(0.0, deadline - time.monotonic()))


async def test_an_ended_session_is_in_the_index_at_once(clock: ManualClock) -> None:
    paths = resolve()
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # the end question answers to Enter
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        path = app.screen.recorder.writer.path
        await pilot.press(*"deeply relaxed", "enter")
        await pilot.pause()
        session = app.session
        assert session is None or session.wait(5)
    deadline = time.monotonic() + 10
    found = None
    while time.monotonic() < deadline:
        _indexing_done()
        rows = index.cached(paths.state_dir) or []
        found = next((s for s in rows if s.id == path.stem), None)
        if found is not None:
            break
        time.sleep(0.05)  # the writer thread hands over once the last line is on disk
    assert found is not None and found.closing == "deeply relaxed"
    assert found.status == "ended early"
