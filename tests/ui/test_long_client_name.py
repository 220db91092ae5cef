"""A client name of any length leaves the session screen readable: found by typing 10 kB into
the client field of the served app, whose session screen then showed the name on twenty lines
and pushed the notes and the "Saved" line off the screen (a terminal showed the same)."""

from __future__ import annotations

from textual.widgets import Input

from sessiontimer.core.clock import ManualClock
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app


async def test_a_10_kb_client_name_takes_one_line_of_the_session_screen(
    clock: ManualClock,
) -> None:
    name = ("[b]Ann[/b] " * 1000)[:10_000]
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        app.screen.query_one("#client", Input).value = name
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.recorder.client == name  # the journal keeps it whole
        totals = app.screen.query_one("#totals")
        shown = str(totals.render())
        assert totals.region.height == 1, totals.region
        assert shown.startswith("[b]Ann[/b]") and "…" in shown  # as typed, shortened
        assert " left · ends " in shown
        await pilot.press("r")
        await pilot.pause()
        status = [w for w in app.screen.query("*") if "Saved: release" in str(w.render())]
        assert status and all(w.region.bottom <= 30 and w.region.height > 0 for w in status)
        app.screen.recorder.writer.flush(5)
