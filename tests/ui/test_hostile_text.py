"""Text from people and files is never markup and never terminal control, on every screen.

The walk: a preset and phases, a client, notes and a closing note all carrying the same
hostile text (markup, links, controls, bidi and zero-width marks, combining marks, emoji,
10 kB); an interrupted session of that client to resume. Every screen and dialog is opened
(the amend, rename and delete-client dialogs and both ways to the treatment note too);
nothing may raise (the test app re-raises), and each shows the text as written, controls
shown as escapes (the treatment note drops them, as the text it copies does).

The walk is the suite's slowest test: one text that packs every hostile kind (a test of its
own), and ``SESSIONTIMER_HYPOTHESIS_EXAMPLES`` generated ones (1 by default; CI asks for more).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Static

from sessiontimer import paths
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.journal import session_path
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.model import OnEnd, Phase, Preset
from sessiontimer.core.recorder import SessionRecorder
from sessiontimer.core.visible import one_line as name_line
from sessiontimer.review.note_render import clean
from sessiontimer.ui.plain_text import visible_controls
from tests.ui.conftest import WALL, build_app, quiet_settings

NASTY = [
    "[/b]x",
    "Anna [VIP]",
    "Deep [/] work",
    "[@click=app.quit]quit[/]",
    "[link='http://example.com']click[/link]",
    "\x1b]0;owned\x07\x1b[31mred\x1b[2J",
    "\x00\x08\x0b\x7f\x85\x9b",
    "\u202etxet\u202c zero\u200bwidth\u200d",
    "e\u0301\u0308 🧘🏽‍♀️ 日本",
    "\\[b]not bold\\",
    "$name ${x}",
]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_characters="\n"), min_size=1, max_size=40),
).filter(lambda s: s.strip())


def _texts(widget: Widget) -> Iterator[str]:
    """What a widget shows, as plain text (Static content, table cells, options)."""
    if isinstance(widget, DataTable):
        for row in range(widget.row_count):
            yield " | ".join(str(cell) for cell in widget.get_row_at(row))
    elif isinstance(widget, OptionList):
        for index in range(widget.option_count):
            yield str(widget.get_option_at_index(index).prompt)
    elif isinstance(widget, Static):
        yield str(widget.render())


def shown(app: Any) -> str:
    return "\n".join(t for w in app.screen.query("*") for t in _texts(w))


def _data(text: str, clock: ManualClock) -> Preset:
    """A finished session and an interrupted one of client ``text``, in its own preset."""
    preset = Preset(text, (Phase(text, 60.0), Phase(text + "·2", 60.0, OnEnd.HOLD)))
    sessions = paths.resolve().sessions_dir
    for finished in (True, False):
        recorder = SessionRecorder(
            SessionEngine(preset, clock), JournalWriter(session_path(sessions, clock.wall())),
            clock, settings=quiet_settings(), client=text, app_version="test",
        )  # fmt: skip
        recorder.start()
        clock.advance(30)
        recorder.tick()
        recorder.note(text=text, key="n")
        recorder.note(text=text, key="'", words=True)  # the client's own words
        if finished:
            recorder.end()
            recorder.closing_note(text)
            recorder.plan(text)
        assert recorder.writer.flush(5)
        recorder.writer.close()
        clock.advance(3600)
    return preset


EXAMPLES = int(os.environ.get("SESSIONTIMER_HYPOTHESIS_EXAMPLES", "1"))
PACKED = (
    "[/b]x Deep [/] work Anna [VIP] "
    + "\x1b]0;owned\x07\x1b[2J[@click=app.quit]x[/] [link='http://e.com']y[/link] "
    + "\x00\x08\x7f\x85\x9b \u202etxet\u202c\u200b\u200d e\u0301\u0308 🧘🏽‍♀️ 日本 \\[b] $name "
) * 120


async def _walk(text: str) -> None:
    clock = ManualClock(wall_start=WALL)
    preset = _data(text, clock)
    base = quiet_settings()
    app = build_app(clock, settings=replace(base, presets=(preset, *base.presets)))
    one_line = visible_controls(text, newlines=False)
    async with app.run_test(size=(120, 40)) as pilot:

        async def settle() -> str:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            return shown(app)

        assert one_line in await settle()
        assert type(app.screen).__name__ == "ResumeDialog"
        await pilot.press("escape")
        assert one_line in await settle()  # the preset list
        app.screen.query_one("#client").value = text
        assert one_line in await settle()  # the last visit panel
        await pilot.press("ctrl+l")
        assert one_line in await settle()  # the sessions table
        await pilot.press("down", "enter")
        assert one_line in await settle()  # a timeline
        await _amend(pilot, app, text, settle)
        await _treatment_note(pilot, app, text, settle, words=True)
        await pilot.press("escape", "f4")
        assert one_line in await settle()  # client history
        await _rename_and_delete(pilot, app, text, settle)
        await pilot.press("escape")
        sessions_filter = app.screen.query_one("#sessions-filter", Input)
        sessions_filter.value = text  # the stats are of what the filter finds, named by it
        await settle()
        await pilot.press("f3")
        said = await settle()  # stats, computed in a worker
        deadline = time.monotonic() + 60
        while "computing…" in said and time.monotonic() < deadline:
            said = await settle()
        assert type(app.screen).__name__ == "StatsScreen"
        assert f"Stats · {visible_controls(text.strip(), newlines=False)}" in said
        await pilot.press("escape")
        await settle()
        sessions_filter.value = ""
        await pilot.press("escape", "ctrl+e")
        assert one_line in await settle()  # presets
        app.screen.app.confirm(f'Delete the preset "{text}"?', lambda _: None)
        assert one_line in await settle()
        await pilot.press("escape", "c")
        assert one_line in await settle()  # the name dialog
        await pilot.press("escape", "escape")
        app.notify(f"notice: {text}")
        assert one_line in await settle()
        await _session(pilot, app, text, settle)


async def _amend(pilot: Any, app: Any, text: str, settle: Any) -> None:
    """The amend dialog holds the note as written; the amended note is shown as written.

    Only an ended session's notes can be amended: its row is chosen by its status.
    """
    await pilot.press("escape")
    table = app.screen.query_one(DataTable)
    ended = [i for i in range(table.row_count) if "unfinished" not in _texts_of_row(table, i)]
    table.move_cursor(row=ended[0])
    await pilot.press("enter")
    assert visible_controls(text, newlines=False) in await settle()
    await pilot.press("a")  # the highlighted note
    await settle()
    assert type(app.screen).__name__ == "AmendNoteDialog"
    field = app.screen.query_one("#amend-text", Input)
    assert field.value == text
    field.value = f"amended {text} ."
    await pilot.press("enter")
    assert visible_controls(f"amended {text} .", newlines=False) in await settle()
    assert type(app.screen).__name__ == "SessionDetailScreen"


async def _treatment_note(
    pilot: Any, app: Any, text: str, settle: Any, words: bool, client: str | None = None
) -> None:
    """The treatment note (t on the timeline, ctrl+t on the End screen): its title, and
    the client, closing note, plan and client's words as written in the note's plain text
    (which, like the Copy it offers, drops control characters and breaks lines nowhere)."""
    await pilot.press("t" if type(app.screen).__name__ == "SessionDetailScreen" else "ctrl+t")
    screen = await settle()
    assert type(app.screen).__name__ == "TreatmentNoteScreen"
    note = str(app.screen.query_one("#treatment-note-text", Static).render())
    assert note and note == app.screen.shown.text  # what Copy copies
    assert visible_controls(app.screen.title_text, newlines=False) in screen
    written = clean(text).strip()
    client_written = clean(text if client is None else client).strip()
    assert f"Client: {client_written}" in note and f"Closing note: {written}" in note
    assert not words or f"“{written}”" in note  # the client's words, quoted
    plan = note.split("\nPLAN\n", 1)[1]
    assert plan.startswith(written), plan[:200]
    await pilot.press("escape")
    await settle()


def _texts_of_row(table: DataTable[Any], row: int) -> str:
    return " | ".join(str(cell) for cell in table.get_row_at(row))


async def _rename_and_delete(pilot: Any, app: Any, text: str, settle: Any) -> None:
    """Rename the client (dialog, confirm, the new name shown), then the delete question."""
    await pilot.press("r")
    assert visible_controls(text, newlines=False) in await settle()  # the rename dialog
    app.screen.query_one("#rename-new", Input).value = new = f"R {text} R"
    await pilot.press("enter")
    shown_new = visible_controls(name_line(new), newlines=False)  # a name is one line
    assert shown_new in await settle()  # the confirm question names both
    await pilot.press("enter")
    assert shown_new in await settle()  # the history, renamed
    assert type(app.screen).__name__ == "ClientHistoryScreen"
    await pilot.press("x")
    assert shown_new in await settle()  # the delete question
    assert type(app.screen).__name__ == "DeleteClientDialog"
    await pilot.press("n")
    await settle()


async def _session(pilot: Any, app: Any, text: str, settle: Any) -> None:
    """Start the hostile preset for the hostile client, note, end, closing note."""
    one_line = visible_controls(text, newlines=False)
    await pilot.press("escape")  # the notice
    app.screen.query_one("#presets").highlighted = 0
    app.screen.query_one("#client").value = text
    await pilot.press("enter")
    assert type(app.screen).__name__ == "SessionScreen"
    assert one_line in await settle()  # phase name, client
    await pilot.press("n")
    app.screen.query_one("#note-text").value = text
    await pilot.press("enter")
    assert one_line in await settle()
    await pilot.press("right")  # next phase: the hold phase
    await pilot.press("e")
    await settle()
    await pilot.press("enter")  # confirm: End screen
    assert type(app.screen).__name__ == "EndScreen"
    assert one_line in await settle()
    app.screen.query_one("#closing-note").value = text
    app.screen.query_one("#plan").value = text
    # a preview; the name typed on the Start screen is kept as one line (controls as spaces)
    await _treatment_note(pilot, app, text, settle, words=False, client=name_line(text))
    assert type(app.screen).__name__ == "EndScreen"
    await pilot.press("enter")
    await settle()


def _fresh_walk(text: str) -> None:
    for name in ("SESSIONTIMER_DATA_DIR", "SESSIONTIMER_STATE_DIR"):
        os.environ[name] += "x"  # fresh folders (journals, index) for each example
        Path(os.environ[name]).mkdir(parents=True, exist_ok=True)
    asyncio.run(_walk(text))


def test_every_screen_shows_the_packed_hostile_text_as_written() -> None:
    """Every hostile kind at once, 10 kB (a test of its own: the two walks run side by side)."""
    _fresh_walk(PACKED[:10_000])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile)
def test_every_screen_shows_hostile_text_as_written(text: str) -> None:
    _fresh_walk(text)


HOSTILE_CONFIG = """\
[general]
regions = ["[/b]occiput [@click=app.quit]x", "sacrum \\u202ereversed"]

[[presets]]
name = "Deep [/] work [@click=app.quit]x"
[[presets.phases]]
name = "[/b]intake \\u001b[2J"
duration = "10m"

[notes.tags]
r = "[/]release [link='http://e.com']y[/link] \\u001b]0;owned\\u0007"
"""
TAG = "[/]release [link='http://e.com']y[/link] \x1b]0;owned\x07"
REGION = "[/b]occiput [@click=app.quit]x"


async def test_the_preset_editor_and_note_keys_show_hostile_names_as_written() -> None:
    from sessiontimer.core.config import load_settings
    from sessiontimer.ui.dialogs.help import HelpScreen
    from sessiontimer.ui.screens.presets.editor import PresetEditorScreen
    from sessiontimer.ui.screens.presets.note_keys import NoteKeysScreen
    from sessiontimer.ui.screens.presets.presets import PresetsScreen

    app_paths = paths.resolve()
    app_paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.config_file.write_text(HOSTILE_CONFIG, encoding="utf-8")
    settings, errors = load_settings(app_paths.config_file, must_exist=True)
    assert errors == []
    app = build_app(settings=replace(settings, audio=quiet_settings().audio))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.push_screen(PresetsScreen())
        await pilot.pause()
        assert "Deep [/] work [@click=app.quit]x" in shown(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PresetEditorScreen)
        assert "Deep [/] work [@click=app.quit]x" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        await app.push_screen(NoteKeysScreen())
        await pilot.pause()
        assert visible_controls(TAG) in shown(app)
        await pilot.press("escape")
        await app.push_screen(HelpScreen())  # note tags and regions from the config
        await pilot.pause()
        assert visible_controls(TAG) in shown(app) and REGION in shown(app)
