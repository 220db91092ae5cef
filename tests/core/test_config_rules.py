"""The rules of the config format: built-ins, the example file, layering of cues, keys."""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import pytest

from sessiontimer.core.builtin import DEFAULT_NOTE_KEYS, DEFAULT_REGIONS
from sessiontimer.core.config import (
    RESERVED_KEYS,
    ConfigError,
    builtin_settings,
    check_file,
    load_settings,
)
from sessiontimer.core.model import Cue, OnEnd, Settings

ROOT = Path(__file__).resolve().parents[2]
MIN = 60.0


def load(tmp_path: Path, text: str) -> tuple[Settings, list[str]]:
    file = tmp_path / "config.toml"
    file.write_text(text, encoding="utf-8")
    settings, errors = load_settings(file, must_exist=True)
    return settings, [str(e) for e in errors]


def phases(settings: Settings, preset: str) -> list[tuple[str, float | None, str]]:
    return [(p.name, p.target, p.on_end.value) for p in settings.preset(preset).phases]


def test_builtin_presets_from_practice() -> None:
    s = builtin_settings()
    assert [p.name for p in s.presets] == [
        "Craniosacral 60",
        "Craniosacral 90 / first visit",
        "CST 10-step",
        "Massage 60",
        "Demo",
    ]
    assert phases(s, "Craniosacral 60") == [
        ("intake", 8 * MIN, "advance"),
        ("settling", 5 * MIN, "advance"),
        ("listening", 7 * MIN, "advance"),
        ("treatment", 30 * MIN, "hold"),
        ("integration", 5 * MIN, "advance"),
        ("closing", 5 * MIN, "advance"),
    ]
    assert s.preset("Craniosacral 60").phases[3].cues.warn_before == MIN
    assert [t for _, t, _ in phases(s, "Craniosacral 90 / first visit")] == [
        m * MIN for m in (15, 5, 10, 45, 10, 5)
    ]
    massage = s.preset("Massage 60")
    assert [p.name for p in massage.phases] == ["intake", "back", "legs", "arms/neck", "closing"]
    assert [p.cues.interval_every for p in massage.phases] == [None, 600.0, 600.0, None, None]
    assert [p.cues.warn_before for p in massage.phases] == [None, MIN, MIN, MIN, None]


def test_demo_shows_every_phase_kind_in_under_two_minutes() -> None:
    demo = builtin_settings().preset("demo")
    assert {p.on_end for p in demo.phases} == set(OnEnd)
    assert demo.planned_seconds < 120
    hold = next(p for p in demo.phases if p.on_end is OnEnd.HOLD)
    assert hold.cues.overtime_every == 10.0
    assert any(p.cues.warn_before and p.cues.interval_every for p in demo.phases)


def test_builtin_defaults_for_notes_regions_and_cues() -> None:
    s = builtin_settings()
    assert s.note_keys == DEFAULT_NOTE_KEYS and s.regions == DEFAULT_REGIONS
    assert len(s.regions) == 10 and s.free_text_key == "n" and s.keys == ()
    assert [k.key for k in s.note_keys if k.toggle] == ["s", "x", "i"]
    assert not {k.key for k in s.note_keys} & RESERVED_KEYS
    cues = s.presets[0].phases[0].cues
    assert (cues.start, cues.warning, cues.interval, cues.overtime) == (
        Cue("singing-bowl"),
        Cue("soft-bell", volume=0.7),
        Cue("wooden-tap", volume=0.6),
        Cue("soft-bell", volume=0.5),
    )
    assert s.presets[0].end_cue == Cue("tingsha")


def test_reserved_keys_follow_the_design_key_table() -> None:
    table = "space right left + = - [ ] m 1 2 3 4 5 6 7 8 9 0 n u U d e ? escape enter tab v c , '"
    assert frozenset([*table.split(" "), "ctrl+p", "ctrl+c", "ctrl+q"]) == RESERVED_KEYS


def test_the_example_file_gives_the_presets_it_documents() -> None:
    settings, errors = load_settings(ROOT / "config.example.toml", must_exist=True)
    assert errors == []
    assert settings.default_preset == "Craniosacral 75"
    assert [p.name for p in settings.presets[:2]] == ["Craniosacral 75", "Sports massage 45"]
    assert phases(settings, "Craniosacral 75") == [
        ("intake", 10 * MIN, "advance"),
        ("settling", 5 * MIN, "advance"),
        ("treatment", 45 * MIN, "hold"),
        ("integration", None, "open"),
        ("closing", 90.0, "advance"),
    ]
    c75 = settings.preset("Craniosacral 75").phases
    assert [p.cues.warn_before for p in c75] == [MIN, None, MIN, None, MIN]
    assert c75[2].cues.overtime == Cue("soft-bell", volume=0.4)  # partial table keeps the sound
    assert c75[3].cues.interval == Cue("gentle-swell", volume=0.6)
    assert c75[4].cues.start is None
    sports = settings.preset("Sports massage 45")
    assert phases(settings, "Sports massage 45")[3] == ("stretch", 5 * MIN, "open")
    assert sports.planned_seconds == 45 * MIN
    assert sports.end_cue == Cue("tingsha", repeat=2)
    assert {p.cues.interval_every for p in sports.phases} == {5 * MIN}
    assert settings.note_keys == DEFAULT_NOTE_KEYS and settings.regions == DEFAULT_REGIONS


def test_missing_file_is_fine_unless_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert load_settings(missing, must_exist=False) == (builtin_settings(), [])
    settings, errors = load_settings(missing, must_exist=True)
    assert settings == builtin_settings()
    assert [str(e) for e in errors] == [
        f"nope.toml: no config file at {missing}; create one with `sessiontimer config init`, "
        "or copy config.example.toml there"
    ]


def test_unreadable_files(tmp_path: Path) -> None:
    assert [str(e) for e in check_file(tmp_path)] == [
        f"{tmp_path.name}: {tmp_path} is a folder, not a config file"
    ]
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[general]\nregions = ["t\xeate"]\n')
    assert [str(e) for e in check_file(latin)] == [
        "latin.toml, line 2: the file is not UTF-8 text; save it as UTF-8 in your editor"
    ]


def test_byte_order_mark_and_empty_file_are_fine(tmp_path: Path) -> None:
    file = tmp_path / "bom.toml"
    file.write_bytes(b'\xef\xbb\xbf[general]\ndefault_preset = "Demo"\n')
    settings, errors = load_settings(file, must_exist=True)
    assert errors == [] and settings.default_preset == "Demo"
    assert load(tmp_path, "")[1] == []


def test_syntax_error_at_end_of_document(tmp_path: Path) -> None:
    assert load(tmp_path, "[general]\ndefault_preset =")[1] == [
        "config.toml, line 2: not valid TOML: invalid value at the end of the file"
    ]


def test_tomli_is_the_reader_before_python_3_11() -> None:
    from sessiontimer.core import config

    expected = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    assert config.tomllib.__name__ == expected


def test_config_error_is_an_exception_with_a_plain_message() -> None:
    error = ConfigError("something", path="/x/config.toml", line=3, key="general.regions")
    assert isinstance(error, Exception)
    assert str(error) == "config.toml, line 3, key general.regions: something"
    assert str(ConfigError("bare")) == "bare"


def test_wav_paths_resolve_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "sounds").mkdir()
    with wave.open(str(tmp_path / "sounds" / "gong.wav"), "wb") as w:  # a real, playable WAV
        w.setsampwidth(2)
        w.setnchannels(1)
        w.setframerate(44100)
        w.writeframes(b"\0\0" * 10)
    settings, errors = load(tmp_path, '[cues]\nend = "sounds/gong.wav"\nstart = "Tingsha"\n')
    assert errors == []
    assert settings.presets[0].end_cue == Cue(str(tmp_path / "sounds" / "gong.wav"))
    assert settings.presets[0].phases[0].cues.start == Cue("tingsha")
    _, errors = load(tmp_path, '[cues]\nend = "sounds/gong.mp3"\n')
    assert errors == [
        'config.toml, line 2, key cues.end: only WAV files can be played, got "sounds/gong.mp3"'
    ]


def test_cue_layers_most_specific_wins(tmp_path: Path) -> None:
    text = """
[cues]
warning = { sound = "tingsha", volume = 0.2, repeat = 3 }
interval = false
[[presets]]
name = "P"
warning = { volume = 0.5 }
interval_every = "2m"
[[presets.phases]]
name = "a"
duration = "10m"
warning = { repeat = 1 }
interval = "wooden-tap"
[[presets.phases]]
name = "b"
duration = "10m"
warning = false
"""
    settings, errors = load(tmp_path, text)
    assert errors == []
    a, b = settings.preset("P").phases
    assert a.cues.warning == Cue("tingsha", volume=0.5, repeat=1)
    assert a.cues.interval == Cue("wooden-tap", volume=0.6) and a.cues.interval_every == 120.0
    assert b.cues.warning is None and b.cues.interval is None
    assert settings.preset("Demo").phases[0].cues.interval is None  # [cues] reaches built-ins


def test_kind_specific_cues_are_cleared(tmp_path: Path) -> None:
    text = """
[cues]
warn_before = "1m"
overtime_every = "3m"
[[presets]]
name = "P"
[[presets.phases]]
name = "open"
duration = "5m"
on_end = "open"
[[presets.phases]]
name = "advance"
duration = "5m"
[[presets.phases]]
name = "hold"
duration = "5m"
on_end = "hold"
"""
    settings, errors = load(tmp_path, text)
    assert errors == []
    cues = [(p.cues.warn_before, p.cues.overtime_every) for p in settings.preset("P").phases]
    assert cues == [(None, None), (MIN, None), (MIN, 180.0)]


def test_notes_replace_the_default_set(tmp_path: Path) -> None:
    settings, errors = load(tmp_path, '[notes.tags]\nk = "knot"\n')
    assert errors == [] and [(k.key, k.tag) for k in settings.note_keys] == [("k", "knot")]
    settings, errors = load(tmp_path, "[notes]\ntags = {}\n")
    assert errors == [] and settings.note_keys == ()


def test_keys_free_text_and_collisions(tmp_path: Path) -> None:
    _, errors = load(tmp_path, '[general]\nfree_text_key = "j"\n[keys]\nnote = "q"\n')
    assert errors == [
        "config.toml, line 4, key keys.note: the free-text note key is also set by "
        "general.free_text_key; set only one of them"
    ]
    _, errors = load(tmp_path, '[keys]\ndim = "r"\nundo = "+"\n')
    assert errors == [
        'config.toml, line 2, key keys.dim: key "r" is already the quick-note key for '
        '"release"; choose another key, or set your own [notes] tags',
        'config.toml, line 3, key keys.undo: key "+" for "undo" is already used by "extend"',
    ]
    settings, errors = load(tmp_path, '[keys]\nmute = "d"\ndim = "m"\nextend = ["+", "ctrl+up"]\n')
    assert errors == []
    assert dict(settings.keys) == {"mute": "d", "dim": "m", "extend": "plus,ctrl+up"}
    settings, errors = load(tmp_path, '[keys]\nmute = "x"\n[notes.tags]\nm = "muscle"\n')
    assert errors == [] and settings.note_keys[0].key == "m"  # m is free once mute moved


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[general]\nregions = []",
            'expected a list of 1 to 10 region names like ["feet", "sacrum"], got 0 names',
        ),
        (
            "[presets]\nname = 'x'",
            "expected presets written as [[presets]] tables, got a single [presets] table",
        ),
        ("general = 3", "expected a table, got 3"),
        ("[[presets]]\nname = 'x'\nphases = 'y'", 'expected [[presets.phases]] tables, got "y"'),
    ],
)
def test_shape_errors(tmp_path: Path, text: str, message: str) -> None:
    assert [e.split(": ", 1)[1] for e in load(tmp_path, text)[1]] == [message]


LONG = "x" * 10_000


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (f'[[presets]]\nname = "{LONG}"\n[[presets.phases]]\nname = "a"\nduration = "1m"\n',
         "presets[0].name"),
        (f'[[presets]]\nname = "P"\n[[presets.phases]]\nname = "{LONG}"\nduration = "1m"\n',
         "presets[0].phases[0].name"),
        (f'[general]\nregions = ["feet", "{LONG}"]\n', "general.regions[1]"),
        (f'[notes.tags]\nr = "{LONG}"\n', "notes.tags.r"),
        (f'[notes.tags]\ns = {{ tag = "{LONG}", toggle = true }}\n', "notes.tags.s.tag"),
    ],
    ids=["preset", "phase", "region", "tag", "toggle"],
)  # fmt: skip
def test_a_name_too_long_to_read_is_refused_with_its_length(
    tmp_path: Path, text: str, key: str
) -> None:
    """A 10 kB phase name filled the whole session screen ('Next: ...') and pushed the End
    screen's phase list off it: a name is read across the room, so it must be short."""
    _, errors = load(tmp_path, text)
    assert any(key in e and "10,000 characters long" in e and "at most 60" in e for e in errors), (
        errors
    )
    _, errors = load(tmp_path, text.replace(LONG, "y" * 60))
    assert not [e for e in errors if "characters long" in e]
