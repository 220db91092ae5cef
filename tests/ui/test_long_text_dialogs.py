"""A dialog's keys stay on screen whatever the text it asks about: a client's name of some
kilobytes (pasted into the name field, or planted in a journal) filled the resume offer and
pushed its keys (c continue, x close as interrupted) off the bottom of an 80x24 terminal."""

from __future__ import annotations

from textual.widgets import Static

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.journal import session_path
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.recorder import SessionRecorder
from sessiontimer.paths import resolve
from sessiontimer.ui.dialogs.session import ResumeDialog
from tests.ui.conftest import build_app, quiet_settings
from tests.ui.test_resume_offer_waits import _until


def _crashed_with_client(clock: ManualClock, client: str) -> None:
    settings = quiet_settings()
    path = session_path(resolve().sessions_dir, clock.wall())
    recorder = SessionRecorder(
        SessionEngine(settings.preset("Demo"), clock), JournalWriter(path), clock,
        settings=settings, client=client, app_version="test",
    )  # fmt: skip
    recorder.start()
    clock.advance(30)
    recorder.tick()
    assert recorder.writer.flush(5)
    recorder.writer.close()  # no session_ended: as after a power cut


async def test_the_resume_offer_keys_show_under_a_long_client_name(clock: ManualClock) -> None:
    _crashed_with_client(clock, "Anna Maria " * 300)
    app = build_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the resume offer")
        await pilot.pause()
        dialog = app.screen.query_one(".dialog")
        keys = app.screen.query_one(".dialog-keys", Static)
        assert "continue" in str(keys.render())
        assert dialog.region.contains_region(keys.region), (dialog.region, keys.region)
        assert keys.region.height >= 3  # c, g, x and later: each on its line
