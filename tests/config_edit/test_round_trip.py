"""Every byte outside the edited values survives an edit and a save."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from sessiontimer.config_edit import (
    ConfigEditor,
    ConfigRejected,
    NameTaken,
    PhaseDraft,
    notes,
    presets,
)
from sessiontimer.core.config import load_settings
from sessiontimer.core.model import OnEnd

from .conftest import COMMENTED


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(old, new) for each line that differs; lines added or removed show as ''."""
    out = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines())
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            old = "\n".join(before.splitlines()[a1:a2])
            new = "\n".join(after.splitlines()[b1:b2])
            out.append((old, new))
    return out


def save_and_read(editor: ConfigEditor) -> str:
    editor.save()
    return editor.path.read_text(encoding="utf-8")


def test_no_edit_saves_identical_bytes(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    assert not editor.dirty
    assert save_and_read(editor) == COMMENTED


def test_phase_duration_edit_changes_only_that_value(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    drafts = presets.phase_drafts(editor.doc, "Long")
    assert drafts[0].duration == "1:30"
    drafts[0].duration = "2m"
    editor.edit(lambda d: presets.set_phases(d, "Long", drafts))
    after = save_and_read(editor)
    assert after == COMMENTED.replace('target = "1:30"', 'target = "2m"')


def test_cue_sound_edit_keeps_inline_table_volume_and_comment(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    drafts = presets.phase_drafts(editor.doc, "Long")
    drafts[1].start = "tingsha"
    drafts[1].overtime_every = "10m"
    drafts[1].on_end = "advance"
    editor.edit(lambda d: presets.set_phases(d, "Long", drafts))
    after = save_and_read(editor)
    expected = COMMENTED.replace('on_end = "hold"', 'on_end = "advance"').replace(
        'overtime_every = "5m"', 'overtime_every = "10m"\nstart = "tingsha"'
    )
    assert after == expected
    settings, errors = load_settings(config_file, must_exist=True)
    assert errors == []
    phase = settings.preset("Long").phases[1]
    assert phase.on_end is OnEnd.ADVANCE and phase.cues.start is not None
    assert phase.cues.start.sound == "tingsha"


def test_turning_a_cue_off_and_back_to_inherited(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    drafts = presets.phase_drafts(editor.doc, "Short")
    drafts[0].warn_before = "off"
    editor.edit(lambda d: presets.set_phases(d, "Short", drafts))
    assert "warn_before = false" in editor.text
    drafts = presets.phase_drafts(editor.doc, "Short")
    drafts[0].warn_before = ""
    editor.edit(lambda d: presets.set_phases(d, "Short", drafts))
    assert editor.text == COMMENTED


def test_rename_moves_the_default_and_nothing_else(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: presets.rename_preset(d, "long", "Long 75"))
    after = save_and_read(editor)
    assert changed_lines(COMMENTED, after) == [
        (
            'default_preset   =   "Long"   # the usual one',
            'default_preset   =   "Long 75"   # the usual one',
        ),
        ('name = "Long"      # 75 minutes', 'name = "Long 75"      # 75 minutes'),
    ]


def test_rename_onto_another_name_is_refused(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    with pytest.raises(NameTaken):
        editor.edit(lambda d: presets.rename_preset(d, "Long", "short"))
    assert editor.text == COMMENTED


def test_delete_preset_removes_only_its_lines(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: presets.delete_preset(d, "Short"))
    after = save_and_read(editor)
    assert after.startswith(COMMENTED[: COMMENTED.index('[[presets]]\nname = "Short"')])
    assert after.endswith(COMMENTED[COMMENTED.index("[notes.tags]") :])
    assert "Short" not in after


def test_delete_default_preset_drops_the_default(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: presets.delete_preset(d, "Long"))
    assert "default_preset" not in editor.text
    assert editor.settings().default_preset is None


def test_duplicate_builtin_appends_a_valid_preset(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: presets.duplicate_preset(d, "Massage 60", "My massage"))
    after = save_and_read(editor)
    assert after.startswith(COMMENTED[: COMMENTED.index("[notes.tags]")])
    settings, errors = load_settings(config_file, must_exist=True)
    assert errors == []
    assert settings.preset("My massage").phases == settings.preset("Massage 60").phases


def test_duplicate_user_preset_keeps_its_comments(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: presets.duplicate_preset(d, "Long", "Long copy"))
    assert editor.text.count("# minutes:seconds") == 2
    assert editor.settings().preset("Long copy").phases == editor.settings().preset("Long").phases


def test_set_default_and_add_preset(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: presets.add_preset(d, "New", [PhaseDraft("a", "3m")]))
    editor.edit(lambda d: presets.set_default(d, "New"))
    settings = editor.settings()
    assert settings.default_preset == "New"
    assert settings.preset("New").phases[0].target == 180


def test_reorder_add_remove_phases(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    drafts = presets.phase_drafts(editor.doc, "Long")
    drafts = [drafts[2], drafts[0], PhaseDraft("closing", "5m")]  # treatment removed
    editor.edit(lambda d: presets.set_phases(d, "Long", drafts))
    names = [p.name for p in editor.settings().preset("Long").phases]
    assert names == ["integration", "intake", "closing"]
    assert "# minutes:seconds" in editor.text and "# quiet please" not in editor.text


def test_invalid_edit_is_undone_with_the_readers_message(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    drafts = presets.phase_drafts(editor.doc, "Long")
    drafts[0].duration = "5 minutes"
    with pytest.raises(ConfigRejected) as caught:
        editor.edit(lambda d: presets.set_phases(d, "Long", drafts))
    found = [e for e in caught.value.errors if e.key == "presets[0].phases[0].target"]
    assert found and "expected a duration" in found[0].message
    assert editor.text == COMMENTED


def test_warning_longer_than_phase_is_rejected(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    drafts = presets.phase_drafts(editor.doc, "Short")
    drafts[0].warn_before = "30m"
    errors = editor.trial(lambda d: presets.set_phases(d, "Short", drafts))
    assert errors and "warn_before" in (errors[0].key or "")
    assert editor.text == COMMENTED


def test_note_key_edit_in_place_and_reserved_key_refused(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: notes.set_note_key(d, "s", "still", toggle=True))
    assert editor.text == COMMENTED.replace('tag = "still point"', 'tag = "still"')
    with pytest.raises(notes.KeyReserved):
        editor.edit(lambda d: notes.set_note_key(d, "m", "muscle"))
    editor.edit(lambda d: notes.set_note_key(d, "k", "knot"))
    editor.edit(lambda d: notes.remove_note_key(d, "r"))
    tags = {n.key: n.tag for n in editor.settings().note_keys}
    assert tags == {"s": "still", "k": "knot"}


def test_regions_edit_in_place_keeps_comments(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    editor.edit(lambda d: notes.set_regions(d, ["feet", "pelvis"]))
    assert editor.text == COMMENTED.replace('"sacrum", # second', '"pelvis", # second')
    with pytest.raises(ConfigRejected):
        editor.edit(lambda d: notes.set_regions(d, ["feet", "Feet"]))
