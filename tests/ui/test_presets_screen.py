"""The Presets screen and the preset editor, driven by keys; the file on disk is the judge."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select

from sessiontimer import paths
from sessiontimer.config_edit import backup_path
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import load_settings
from sessiontimer.core.model import AudioSettings, Cue
from sessiontimer.ui.app import SessionTimerApp, make_app
from sessiontimer.ui.dialogs.presets import NameDialog, NoteKeyDialog
from sessiontimer.ui.screens.presets.editor import PresetEditorScreen
from sessiontimer.ui.screens.presets.note_keys import NoteKeysScreen
from sessiontimer.ui.screens.presets.presets import PresetsScreen, preset_total

CONFIG = """\
# my presets, by hand
[general]
default_preset = "Mine"   # usual

[[presets]]
name = "Mine"
[[presets.phases]]
name = "intake"   # talk first
duration = "10m"

[[presets.phases]]
name = "treatment"
duration = "40m"
on_end = "hold"

[[presets.phases]]
name = "closing"
duration = "5m"
"""


class FakeAudio:
    """Records what the editor asks to play; answers at once like the visual backend."""

    def __init__(self) -> None:
        self.played: list[tuple[Cue, float, bool]] = []

    def play(self, cue: Cue, volume: float, muted: bool, on_result: Any) -> None:
        self.played.append((cue, volume, muted))
        on_result(SimpleNamespace(outcome="played", message=None))

    def set_master_volume(self, level: float) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def config(private_paths: Path) -> Path:
    path = paths.resolve().config_file
    path.parent.mkdir(parents=True)
    path.write_text(CONFIG, encoding="utf-8")
    return path


def build(audio: FakeAudio | None = None) -> SessionTimerApp:
    app_paths = paths.resolve()
    settings, errors = load_settings(app_paths.config_file, must_exist=False)
    assert errors == []
    settings = replace(settings, audio=AudioSettings(backend="visual"))
    app = make_app(
        settings, app_paths, clock=ManualClock(), auto_tick=False, audio=audio or FakeAudio()
    )
    app.reraise_errors = True
    return app


async def open_presets(pilot: Any) -> PresetsScreen:
    await pilot.pause()
    pilot.app.push_screen(PresetsScreen())
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PresetsScreen)
    return screen


async def open_editor(pilot: Any) -> PresetEditorScreen:
    await open_presets(pilot)
    await pilot.press("enter")  # "Mine" is first
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PresetEditorScreen)
    return screen


def table_rows(screen: Any, table_id: str) -> list[list[str]]:
    table = screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_list_shows_totals_owner_and_default(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_presets(pilot)
        rows = table_rows(screen, "#preset-table")
        assert rows[0] == ["★", "Mine", "55 min", "3", "yours"]
        assert rows[1] == ["", "Craniosacral 60", "1 h", "6", "built-in"]
        demo = app.settings.preset("Demo")
        assert rows[-1][1:] == ["Demo", preset_total(demo), "4", "built-in"]
        assert preset_total(demo).endswith(" + open")


async def answer_name(pilot: Any, name: str) -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, NameDialog)
    field = pilot.app.screen.query_one(Input)
    field.value = name
    await pilot.press("enter")
    await pilot.pause()


def on_disk(config: Path) -> Any:
    settings, errors = load_settings(config, must_exist=True)
    assert errors == []
    return settings


async def test_duplicate_builtin_then_default_then_rename_then_delete(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_presets(pilot)
        await pilot.press("down", "c")  # Craniosacral 60
        await answer_name(pilot, "Cranio mine")
        assert (
            on_disk(config).preset("Cranio mine").phases
            == on_disk(config).preset("Craniosacral 60").phases
        )
        assert backup_path(config).read_text(encoding="utf-8") == CONFIG
        assert screen.selected_name() == "Cranio mine"
        assert app.settings.preset("Cranio mine")  # the app's settings were reloaded
        await pilot.press("d")
        assert on_disk(config).default_preset == "Cranio mine"
        assert table_rows(screen, "#preset-table")[1][0] == "★"
        await pilot.press("r")
        await answer_name(pilot, "Cranio 65")
        assert on_disk(config).default_preset == "Cranio 65"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        names = [p.name for p in on_disk(config).presets]
        assert "Cranio 65" not in names and names[0] == "Mine"
        assert config.read_text(encoding="utf-8") == CONFIG.replace(
            'default_preset = "Mine"   # usual\n', ""
        ) or "Cranio" not in config.read_text(encoding="utf-8")


async def test_builtin_cannot_be_renamed_deleted_or_edited(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_presets(pilot)
        await pilot.press("down", "r", "x", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert config.read_text(encoding="utf-8") == CONFIG
        assert not backup_path(config).exists()


async def test_new_preset_and_delete_cancelled(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_presets(pilot)
        await pilot.press("n")
        await answer_name(pilot, "Quick")
        assert on_disk(config).preset("Quick").phases[0].target == 300
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")  # no, keep it
        await pilot.pause()
        assert on_disk(config).preset("Quick")


async def test_the_first_preset_made_says_where_the_new_file_is(private_paths: Path) -> None:
    """Issue 14: the first preset made seeded the whole example file without a word."""
    config = paths.resolve().config_file
    assert not config.exists()
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_presets(pilot)
        await pilot.press("n")
        await answer_name(pilot, "Quick")
        told = [str(n.message) for n in app._notifications]
        assert any(str(config) in t and "new config file" in t for t in told), told
        settings = on_disk(config)
        assert settings.preset("Quick").phases[0].target == 300
        assert "Craniosacral 75" not in config.read_text(encoding="utf-8")
        assert "default_preset" not in config.read_text(encoding="utf-8")


async def test_name_clash_is_refused_without_writing(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_presets(pilot)
        await pilot.press("c")
        await answer_name(pilot, "mine")
        assert config.read_text(encoding="utf-8") == CONFIG


async def test_changed_on_disk_offers_reload(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_presets(pilot)
        elsewhere = CONFIG.replace('name = "Mine"', 'name = "Theirs"').replace(
            'default_preset = "Mine"', 'default_preset = "Theirs"'
        )
        config.write_text(elsewhere, encoding="utf-8")
        await pilot.press("d")  # try to save: refused, a question instead
        await pilot.pause()
        assert config.read_text(encoding="utf-8") == elsewhere
        await pilot.press("enter")
        await pilot.pause()
        assert table_rows(screen, "#preset-table")[0][1] == "Theirs"
        assert app.settings.presets[0].name == "Theirs"


async def test_editor_edit_fields_total_and_save(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        title = editor.query_one("#editor-title").render()
        assert "total 55 min" in str(title)
        await pilot.press("enter")  # into the form: name
        assert editor.focused is editor.query_one("#f-name", Input)
        editor.query_one("#f-duration", Input).value = "15m"
        await pilot.pause()
        assert "total 1 h" in str(editor.query_one("#editor-title").render())
        editor.query_one("#f-start", Input).value = "tingsha"
        editor.query_one("#f-warn_before", Input).value = "1m"
        editor.query_one("#f-interval_every", Input).value = "off"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        phase = on_disk(config).preset("Mine").phases[0]
        assert phase.target == 900 and phase.cues.start == Cue("tingsha")
        assert phase.cues.warn_before == 60 and phase.cues.interval_every is None
        text = config.read_text(encoding="utf-8")
        assert 'name = "intake"   # talk first\nduration = "15m"\nstart = "tingsha"' in text
        assert not editor.dirty


async def test_editor_invalid_value_shown_inline_and_save_refused(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#f-duration", Input).value = "ten minutes"
        await pilot.pause()
        message = str(editor.query_one("#e-duration").render())
        assert "expected a duration" in message and '"ten minutes"' in message
        assert table_rows(editor, "#phase-table")[0][0] == "!"
        editor.query_one("#f-warn_before", Input).value = "1m"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert config.read_text(encoding="utf-8") == CONFIG
        editor.query_one("#f-duration", Input).value = "30s"  # now the warning is too long
        await pilot.pause()
        assert "must be shorter than the phase" in str(editor.query_one("#e-warn_before").render())
        editor.query_one("#f-duration", Input).value = "10m"
        await pilot.pause()
        assert not editor.query_one("#e-warn_before").display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(config).preset("Mine").phases[0].cues.warn_before == 60


async def test_editor_on_end_choice(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        await pilot.press("down", "down")  # closing
        editor.query_one("#f-on_end", Select).value = "hold"
        editor.query_one("#f-overtime_every", Input).value = "2m"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        phase = on_disk(config).preset("Mine").phases[2]
        assert phase.on_end.value == "hold" and phase.cues.overtime_every == 120


async def test_editor_add_remove_move(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        await pilot.press("a")  # after intake; the table keeps the keys
        await pilot.press("enter")  # edit its fields: the name first
        await pilot.press("ctrl+a", "ctrl+k", *"check-in")
        await pilot.pause()
        assert [r[2] for r in table_rows(editor, "#phase-table")] == [
            "intake",
            "check-in",
            "treatment",
            "closing",
        ]
        await pilot.press("shift+up")  # check-in before intake, from inside the form
        await pilot.press("escape")  # back to the table
        await pilot.press("down", "down", "down", "x")  # remove closing
        await pilot.press("alt+up")  # treatment up
        await pilot.pause()
        assert [r[2] for r in table_rows(editor, "#phase-table")] == [
            "check-in",
            "treatment",
            "intake",
        ]
        await pilot.press("shift+down", "shift+down")  # down again; the second does nothing
        await pilot.pause()
        assert [r[2] for r in table_rows(editor, "#phase-table")] == [
            "check-in",
            "intake",
            "treatment",
        ]
        assert "total 55 min" in str(editor.query_one("#editor-title").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        names = [p.name for p in on_disk(config).preset("Mine").phases]
        assert names == ["check-in", "intake", "treatment"]
        assert "# talk first" in config.read_text(encoding="utf-8")


async def test_editor_keys_never_rename_a_phase(config: Path) -> None:
    """Issue 14: after `a` the focus jumped into Name, so a second `a` renamed the phase."""
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        await pilot.press("a", "a", "p")
        await pilot.pause()
        names = [r[2] for r in table_rows(editor, "#phase-table")]
        assert names == ["intake", "new phase", "new phase", "treatment", "closing"]
        assert isinstance(editor.focused, DataTable)


async def test_editor_keeps_one_phase(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        await pilot.press("x", "x", "x", "x")
        await pilot.pause()
        assert len(editor.drafts) == 1


async def test_editor_preview_plays_the_resolved_start_cue(config: Path) -> None:
    audio = FakeAudio()
    app = build(audio)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#f-start", Input).value = "gentle-swell"
        await pilot.pause()
        assert editor.focused is editor.query_one("#phase-table")
        await pilot.press("p")
        await pilot.pause()
        assert audio.played == [(Cue("gentle-swell"), app.ui_state.volume, app.muted)]
        editor.query_one("#f-start", Input).value = "off"
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert len(audio.played) == 1


@pytest.mark.parametrize("from_thread", [False, True])
async def test_a_preview_that_cannot_play_says_so(config: Path, from_thread: bool) -> None:
    """The audio service answers on its own thread (or at once, on this one)."""
    import threading

    class FailingAudio(FakeAudio):
        def play(self, cue: Cue, volume: float, muted: bool, on_result: Any) -> None:
            failed = SimpleNamespace(outcome="failed", message="no sound device")
            if from_thread:
                answer = threading.Thread(target=on_result, args=(failed,))
                answer.start()
                answer.join(5)
            else:
                on_result(failed)

    app = build(FailingAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_editor(pilot)
        await pilot.press("p")
        for _ in range(50):
            await pilot.pause(0.02)
            if any("could not play" in n.message for n in app._notifications):
                break
        assert any(
            n.message == "The cue could not play: no sound device" for n in app._notifications
        )


async def test_editor_leave_unsaved_asks(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        await pilot.press("x", "escape")
        await pilot.pause()
        assert app.screen is not editor  # the question
        await pilot.press("n")  # a note key: no answer
        await pilot.pause()
        assert app.screen is not editor
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PresetsScreen)
        assert config.read_text(encoding="utf-8") == CONFIG


async def test_editor_save_after_change_on_disk_offers_reload(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot)
        await pilot.press("x")
        elsewhere = CONFIG.replace('"40m"', '"42m"')
        config.write_text(elsewhere, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert config.read_text(encoding="utf-8") == elsewhere
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is editor
        assert [r[3] for r in table_rows(editor, "#phase-table")] == ["10m", "42m", "5m"]
        assert not editor.dirty


async def open_note_keys(pilot: Any) -> NoteKeysScreen:
    await open_presets(pilot)
    await pilot.press("k")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NoteKeysScreen)
    return pilot.app.screen


async def fill_note_dialog(pilot: Any, key: str | None, tag: str, toggle: bool = False) -> None:
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, NoteKeyDialog)
    if key is not None:
        dialog.query_one("#nk-key", Input).value = key
    dialog.query_one("#nk-tag", Input).value = tag
    dialog.query_one("#nk-toggle", Checkbox).value = toggle
    dialog.query_one("#nk-tag", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_note_keys_add_edit_toggle_remove(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_note_keys(pilot)
        await pilot.press("a")
        await fill_note_dialog(pilot, "q", "knot")
        notes = {n.key: n for n in on_disk(config).note_keys}
        assert notes["q"].tag == "knot" and notes["s"].toggle  # the defaults were copied in
        assert [r[0] for r in table_rows(screen, "#note-table")][-1] == "q"
        await pilot.press("ctrl+end", "t")  # q becomes a toggle
        await pilot.pause()
        assert {n.key: n for n in on_disk(config).note_keys}["q"].toggle
        await pilot.press("enter")
        await fill_note_dialog(pilot, "j", "knot release", toggle=True)
        notes = {n.key: n for n in on_disk(config).note_keys}
        assert "q" not in notes and notes["j"].tag == "knot release"
        await pilot.press("ctrl+home", "x")
        await pilot.pause()
        assert "s" not in {n.key for n in on_disk(config).note_keys}
        assert config.read_text(encoding="utf-8").startswith(CONFIG)


async def test_note_key_on_a_session_key_is_refused(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_note_keys(pilot)
        await pilot.press("a")
        await fill_note_dialog(pilot, "m", "muscle")
        await pilot.press("a")
        await fill_note_dialog(pilot, "r", "rhythm")  # taken by another note: the reader says
        assert config.read_text(encoding="utf-8") == CONFIG


async def test_regions_saved_in_order(config: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_note_keys(pilot)
        for index in range(2, 10):
            screen.query_one(f"#region-{index}", Input).value = ""
        screen.query_one("#region-1", Input).value = "pelvis"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(config).regions == ("feet", "pelvis")
        screen.query_one("#region-1", Input).value = "Feet"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(config).regions == ("feet", "pelvis")  # a duplicate is refused


def _snapshot_before(open_editor_too: bool) -> Any:
    async def before(pilot: Any) -> None:
        await open_presets(pilot)
        if open_editor_too:
            await pilot.press("enter")
            await pilot.pause()
            pilot.app.screen.query_one("#f-warn_before", Input).value = "20m"
            await pilot.pause()
            pilot.app.screen.query_one("#phase-table").focus()
            await pilot.pause()

    return before


def test_snapshot_presets_screen(config: Path, snap_compare: Any) -> None:
    assert snap_compare(build(), terminal_size=(100, 30), run_before=_snapshot_before(False))


def test_snapshot_preset_editor_with_an_error(config: Path, snap_compare: Any) -> None:
    assert snap_compare(build(), terminal_size=(100, 30), run_before=_snapshot_before(True))


def test_snapshot_note_keys_screen(config: Path, snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await open_note_keys(pilot)

    assert snap_compare(build(), terminal_size=(100, 30), run_before=before)
