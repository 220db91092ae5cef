"""The treatment note on screen: from a session's timeline and from the End screen, with Copy."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from sessiontimer import paths
from sessiontimer.core.clock import ManualClock
from sessiontimer.ui.screens.review.timeline import SessionDetailScreen
from sessiontimer.ui.screens.review.treatment_note import TreatmentNoteScreen
from sessiontimer.ui.screens.session.end import EndScreen
from tests.ui.conftest import build_app
from tests.ui.test_sessions_screen import _open, _settle, journals


def _shown(screen: Any) -> tuple[str, str]:
    text = str(screen.query_one("#treatment-note-text", Static).content)
    status = str(screen.query_one("#treatment-note-status", Static).content)
    return text, status


async def test_timeline_t_shows_the_note_and_c_copies_it() -> None:
    journals.known_session(paths.resolve().sessions_dir, "Chloé [b]x[/b]", day=23)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot)
        await pilot.press("down", "enter")
        await _settle(pilot)
        assert isinstance(app.screen, SessionDetailScreen)
        await pilot.press("t")
        await _settle(pilot)
        note = app.screen
        assert isinstance(note, TreatmentNoteScreen)
        text, status = _shown(note)
        assert text.startswith("TREATMENT NOTE")
        assert "Chloé [b]x[/b]" in text  # the client's name as typed, never markup
        assert "Felt lighter, sleeps better." in text  # the closing note: Assessment
        assert "checkpoint" not in text and "target" not in text  # no technical lines
        assert status == "Not signed yet."
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == text
        (told,) = [n for n in app._notifications if n.title == "Copied"]
        assert "Copied the treatment note as plain text" in str(told.message)
        assert f"{text.count(chr(10)) + 1} lines" in str(told.message)
        await pilot.press("escape")
        assert isinstance(app.screen, SessionDetailScreen)


async def test_end_screen_ctrl_t_previews_the_note_with_what_is_typed(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        end = app.screen
        keys = (*"client feels lighter", "tab", *"again in two weeks", "tab", "3", "ctrl+t")
        await pilot.press(*keys)
        await _settle(pilot)
        note = app.screen
        assert isinstance(note, TreatmentNoteScreen)
        text, status = _shown(note)
        assert "client feels lighter" in text and "again in two weeks" in text
        assert "Pain after: 3/10" in text
        assert status.startswith("Preview")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is end  # back, with the typed text kept
        assert end.query_one("#closing-note", Input).value == "client feels lighter"


async def test_a_signal_while_the_note_preview_is_open_keeps_what_was_typed(
    clock: ManualClock,
) -> None:
    from sessiontimer.core.journal_read import read_journal

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        end = app.screen
        assert isinstance(end, EndScreen)
        await pilot.press(*"lighter", "tab", *"two weeks", "tab", "2", "ctrl+t")
        await _settle(pilot)
        assert isinstance(app.screen, TreatmentNoteScreen)
        app.leave("signal TERM")  # what the TERM handler calls
        await pilot.pause()
    assert end.session.wait(5)
    events = read_journal(end.session.path).events
    texts = {e["type"]: e.get("text", e.get("value")) for e in events}
    assert texts["closing_note"] == "lighter" and texts["plan"] == "two weeks"
    assert texts["pain"] == 2
