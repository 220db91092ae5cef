"""Undo says what it removed and can be taken back; a typed note asks first and keeps the
moment `n` was pressed (issue 14, item 11)."""

from __future__ import annotations

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal
from sessiontimer.ui.app import SessionTimerApp
from sessiontimer.ui.dialogs.confirm import ConfirmDialog
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app


def session_of(app: SessionTimerApp) -> SessionScreen:
    return next(s for s in app.screen_stack if isinstance(s, SessionScreen))


def status(app: SessionTimerApp) -> str:
    return str(session_of(app).query_one("#status").render())


def notes_line(app: SessionTimerApp) -> str:
    return str(session_of(app).query_one("#notes").render())


def journal(app: SessionTimerApp, kind: str) -> list[dict]:
    writer = session_of(app).recorder.writer
    assert writer.flush(5)
    return [e for e in read_journal(writer.path).events if e["type"] == kind]


async def test_undo_says_what_it_removed_and_shift_u_brings_it_back(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        clock.advance(7)
        session_of(app).tick()
        await pilot.press("h")
        await pilot.press("u")
        await pilot.pause()
        assert status(app) == 'Removed "heat" (at 0:07): U brings it back.'
        assert "heat" not in notes_line(app)
        await pilot.press("U")
        await pilot.pause()
        assert status(app) == 'Brought back "heat" (at 0:07).'
        assert "heat" in notes_line(app)
        await pilot.press("U")
        await pilot.pause()
        assert status(app).startswith("Nothing to bring back")
        notes = journal(app, "note")
        assert len(notes) == 2 and notes[1]["restores"] == notes[0]["id"]


async def test_a_typed_note_asks_before_it_is_undone(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"a river", "enter")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert '"a river"' in str(app.screen.question)
        await pilot.press("escape")
        await pilot.pause()
        assert "a river" in notes_line(app) and journal(app, "note_retracted") == []
        assert status(app) == "The note stays."
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert status(app).startswith('Removed "a river"')
        assert len(journal(app, "note_retracted")) == 1


async def test_a_typed_note_keeps_the_phase_and_region_of_the_moment_n_was_pressed(
    clock: ManualClock,
) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("2")  # hands at region 2
        clock.advance(15)
        session_of(app).tick()
        await pilot.press("n")  # in "arrive" (20 s)
        await pilot.pause()
        await pilot.press(*"image of a river")
        clock.advance(10)  # "arrive" ends while the note is typed
        session_of(app).tick()
        await pilot.pause()
        assert session_of(app).recorder.engine.phase_index == 1
        await pilot.press("enter")
        await pilot.pause()
        (note,) = journal(app, "note")
        assert note["phase"] == 0 and note["t"] == 15.0 and note["saved_t"] == 25.0
        assert note["region"] == app.settings.regions[1]
        from sessiontimer.review.timeline import load_timeline

        writer = session_of(app).recorder.writer
        timeline = load_timeline(writer.path, app.paths.sessions_dir)
        filed = {run.name: [e.get("text") for e in run.items] for run in timeline.phases}
        assert "image of a river" in filed["arrive"]
        assert "image of a river" not in filed["treatment"]


async def test_a_late_saved_does_not_replace_what_was_said_since(clock: ManualClock) -> None:
    """On a slow disk a note's "Saved" comes after the practitioner has moved on: it took
    the place of the answer to the undo question ("The note stays." became "Saved: a
    river", once in CI). Only a line still waiting for it becomes "Saved: …"."""
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = session_of(app)
        held: list = []
        real_note = screen.recorder.note

        def slow_disk(**fields):  # type: ignore[no-untyped-def]
            held.append(fields.pop("on_saved"))
            return real_note(**fields)

        screen.recorder.note = slow_disk  # type: ignore[method-assign]
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"a river", "enter")
        await pilot.pause()
        assert status(app) == "a river…"
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert status(app) == "The note stays."
        held.pop()()  # the line reaches the disk now
        await pilot.pause()
        assert status(app) == "The note stays."
        await pilot.press("h")
        await pilot.pause()
        assert status(app) == "heat…"
        held.pop()()
        await pilot.pause()
        assert status(app) == "Saved: heat"  # the line that waited for it
