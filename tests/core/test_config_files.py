"""Good and bad config files under tests/data/config, each bad one with its exact messages.

The messages are the product here: each names the file, the line, the key (with the preset
and phase where there is one) and what is expected, so they are compared in full.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sessiontimer.core.config import builtin_settings, check_file, load_settings
from sessiontimer.core.model import Cue, OnEnd

DATA = Path(__file__).resolve().parent.parent / "data" / "config"

BAD_FILES: dict[str, list[str]] = {
    "bad_cues.toml": [
        (
            'bad_cues.toml, line 2, key cues.start: unknown sound "singing bowl"; did you mean'
            ' "singing-bowl"? Or give the path of a .wav file.'
        ),
        (
            "bad_cues.toml, line 3, key cues.warning.volume: expected a number from 0 to 1"
            " (like 0.6), got 2"
        ),
        (
            "bad_cues.toml, line 4, key cues.interval.repeat: expected a whole number from 1 to"
            " 10, got 0"
        ),
        "bad_cues.toml, line 5, key cues.end: no sound file at {DATA}/sounds/missing.wav",
        (
            "bad_cues.toml, line 6, key cues.overtime_every: expected a length of at least 1s,"
            ' like "1m", got "0s"'
        ),
        (
            'bad_cues.toml, line 19, key presets[0].phases[1].warn_before (preset "Cues", phase'
            ' "shorter"): the warning would come before the phase starts: warn_before (2m) must'
            " be shorter than the phase (2m)"
        ),
    ],
    "bad_general.toml": [
        (
            'bad_general.toml, line 2, key general.default_preset: no preset is named "Massage'
            ' 45"; did you mean "Massage 60"?'
        ),
        'bad_general.toml, line 3, key general.regions[2]: "Feet" is in the list twice',
        (
            "bad_general.toml, line 3, key general.regions[3]: expected a region name, got an"
            " empty string"
        ),
        (
            'bad_general.toml, line 6, key audio.backend: expected one of "auto",'
            ' "simpleaudio", "system", "bell", "visual", got "pulse"'
        ),
        (
            "bad_general.toml, line 7, key audio.volume: expected a number from 0 to 1 (like"
            " 0.6), got 1.5"
        ),
    ],
    "bad_keymap.toml": [
        ('bad_keymap.toml, line 2, key keys.pasue: unknown binding "pasue"; did you mean "pause"?'),
        ('bad_keymap.toml, line 3, key keys.dim: key "space" for "dim" is already used by "pause"'),
        (
            'bad_keymap.toml, line 4, key keys.quit: unknown key "ctrl+spcae"; '
            'did you mean "ctrl+space"?'
        ),
        (
            'bad_keymap.toml, line 5, key keys.help: key "1" for "help" is already reserved for'
            " the region keys (1-9, 0)"
        ),
        (
            'bad_keymap.toml, line 6, key keys.mute: expected a key like "x", "space" or'
            ' "ctrl+n", got 5'
        ),
    ],
    "bad_phase_kind.toml": [
        (
            'bad_phase_kind.toml, line 7, key presets[0].phases[0].on_end (preset "Kinds",'
            ' phase "stop"): expected one of "advance", "hold", "open", got "stopp"'
        ),
        (
            'bad_phase_kind.toml, line 11, key presets[0].phases[1].duration (preset "Kinds",'
            ' phase "held open"): a "hold" phase needs a length like "5m"; for a phase without'
            ' one, write on_end = "open"'
        ),
        (
            'bad_phase_kind.toml, line 14, key presets[0].phases[2] (preset "Kinds"): a phase'
            ' needs a name, like name = "intake"'
        ),
        (
            'bad_phase_kind.toml, line 17, key presets[0].phases[3] (preset "Kinds", phase "no'
            ' length"): a phase needs a duration, like duration = "5m" (or "open")'
        ),
        (
            'bad_phase_kind.toml, line 23, key presets[0].phases[4].target (preset "Kinds",'
            ' phase "both"): give either duration or target, not both'
        ),
    ],
    "duplicate_names.toml": [
        (
            "duplicate_names.toml, line 11, key presets[1].name: another preset is also named"
            ' "massage" (presets[0]); preset names must differ (ignoring case)'
        ),
    ],
    "durations.toml": [
        (
            'durations.toml, line 6, key presets[0].phases[0].duration (preset "Bad lengths",'
            ' phase "negative"): a duration cannot be negative, got "-5m"'
        ),
        (
            'durations.toml, line 10, key presets[0].phases[1].duration (preset "Bad lengths",'
            ' phase "absurd"): "300h" is longer than 12 hours; write it like "5m", "90s" or "1h'
            ' 15m" (a plain number means minutes)'
        ),
        (
            'durations.toml, line 14, key presets[0].phases[2].duration (preset "Bad lengths",'
            ' phase "zero"): a phase must last longer than 0; use "open" for no set length'
        ),
        (
            'durations.toml, line 18, key presets[0].phases[3].duration (preset "Bad lengths",'
            ' phase "words"): expected a duration like "5m", "90s", "1h 15m", "1:30" or "open",'
            ' got "5 mins"'
        ),
    ],
    "empty_preset.toml": [
        (
            'empty_preset.toml, line 1, key presets[0].phases (preset "Nothing yet"): this'
            " preset has no phases; add at least one [[presets.phases]] table with a name and a"
            ' duration, like name = "intake" and duration = "5m"'
        ),
        (
            'empty_preset.toml, line 7, key presets[1].phases (preset "Empty list"): this'
            " preset has no phases; add at least one [[presets.phases]] table with a name and a"
            ' duration, like name = "intake" and duration = "5m"'
        ),
    ],
    "inline_presets.toml": [
        (
            'inline_presets.toml, line 4, key presets[0].phases[1].duration (preset "Inline",'
            ' phase "two"): expected a duration like "5m", "90s", "1h 15m", "1:30" or "open",'
            ' got "5 minutes"'
        ),
    ],
    "reserved_key.toml": [
        (
            'reserved_key.toml, line 6, key notes.tags.m: note key "m" is already used by'
            ' "mute"; choose another key or remap "mute" under [keys]'
        ),
        (
            'reserved_key.toml, line 7, key notes.tags.1: note key "1" is already reserved for'
            " the region keys (1-9, 0); choose another key"
        ),
        (
            'reserved_key.toml, line 8, key notes.tags.q: note key "q" is already the free-text'
            " note key; choose another key"
        ),
        (
            'reserved_key.toml, line 9, key notes.tags."+": note key "+" is already used by'
            ' "extend"; choose another key or remap "extend" under [keys]'
        ),
        (
            "reserved_key.toml, line 10, key notes.tags.ab: expected a single character like"
            ' "s", got "ab"'
        ),
        ('reserved_key.toml, line 11, key notes.tags.r.toggle: expected true or false, got "yes"'),
    ],
    "syntax_error.toml": [
        (
            "syntax_error.toml, line 7: not valid TOML: expected '=' after a key in a key/value"
            " pair at column 6"
        ),
    ],
    "syntax_unclosed.toml": [
        (
            "syntax_unclosed.toml, line 2: not valid TOML: a quoted string is not closed before"
            " the end of the line (illegal character '\\n' at column 14)"
        ),
    ],
    "unknown_key.toml": [
        (
            "unknown_key.toml, line 2, key general.defualt_preset: unknown key"
            ' "defualt_preset"; did you mean "default_preset"?'
        ),
        ('unknown_key.toml, line 4, key preset: unknown key "preset"; did you mean "presets"?'),
        (
            'unknown_key.toml, line 9, key presets[0].descripton (preset "Short"): unknown key'
            ' "descripton"; did you mean "description"?'
        ),
        (
            'unknown_key.toml, line 11, key presets[0].phases[0] (preset "Short", phase'
            ' "intake"): a phase needs a duration, like duration = "5m" (or "open")'
        ),
        (
            'unknown_key.toml, line 13, key presets[0].phases[0].durration (preset "Short",'
            ' phase "intake"): unknown key "durration"; did you mean "duration"?'
        ),
        (
            'unknown_key.toml, line 18, key presets[0].phases[1].colour (preset "Short", phase'
            ' "rest"): unknown key "colour"; expected one of: duration, interval,'
            " interval_every, name, on_end, overtime, overtime_every, region, start, target,"
            " warn_before, warning"
        ),
    ],
    "wrong_type.toml": [
        (
            "wrong_type.toml, line 2, key general.regions: expected a list of 1 to 10 region"
            ' names like ["feet", "sacrum"], got "feet"'
        ),
        (
            "wrong_type.toml, line 3, key general.free_text_key: expected a single character"
            ' like "s", got 7'
        ),
        ('wrong_type.toml, line 6, key audio.terminal_bell: expected true or false, got "yes"'),
        (
            "wrong_type.toml, line 7, key audio.volume: expected a number from 0 to 1 (like"
            ' 0.6), got "loud"'
        ),
        ("wrong_type.toml, line 10, key presets[0].name: expected a preset name in quotes, got 60"),
        (
            'wrong_type.toml, line 13, key presets[0].phases[0].duration (phase "intake"):'
            ' expected a duration like "5m", "90s", "1h 15m", "1:30" or "open", got true'
        ),
    ],
}


def test_every_bad_file_has_expectations() -> None:
    files = {p.name for p in DATA.glob("*.toml") if not p.name.startswith("good")}
    assert files == set(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_exact_messages(name: str) -> None:
    expected = [m.replace("{DATA}", str(DATA)) for m in BAD_FILES[name]]
    assert [str(e) for e in check_file(DATA / name)] == expected


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_falls_back_to_the_builtins(name: str) -> None:
    settings, errors = load_settings(DATA / name, must_exist=True)
    assert errors
    assert settings == builtin_settings()
    assert all(e.path == str(DATA / name) for e in errors)
    assert all(e.line is not None for e in errors)


def test_error_fields_are_separate() -> None:
    error = check_file(DATA / "durations.toml")[0]
    assert (error.path, error.line, error.key) == (
        str(DATA / "durations.toml"),
        6,
        "presets[0].phases[0].duration",
    )
    assert error.message == 'a duration cannot be negative, got "-5m"'


@pytest.mark.parametrize("name", ["good_minimal.toml", "good_overrides.toml"])
def test_good_files_have_no_problems(name: str) -> None:
    assert check_file(DATA / name) == []


def test_good_minimal_adds_its_preset_before_the_builtins() -> None:
    settings, errors = load_settings(DATA / "good_minimal.toml", must_exist=True)
    assert errors == []
    names = [p.name for p in settings.presets]
    assert names == ["Quick check", *(p.name for p in builtin_settings().presets)]
    talk, treat = settings.presets[0].phases
    assert (talk.target, talk.on_end) == (300.0, OnEnd.ADVANCE)
    assert (treat.target, treat.on_end) == (1200.0, OnEnd.HOLD)
    assert settings.source == str(DATA / "good_minimal.toml")


def test_good_overrides() -> None:
    settings, errors = load_settings(DATA / "good_overrides.toml", must_exist=True)
    assert errors == []
    names = [p.name for p in settings.presets]
    assert names == [
        "Massage 60",
        "Craniosacral 60",
        "Craniosacral 90 / first visit",
        "CST 10-step",
        "Demo",
    ]
    assert settings.presets[0].description == "Mine replaces the built-in one"
    assert settings.default_preset == "Massage 60"  # matched ignoring case, stored as named
    assert settings.regions == ("head", "neck", "back")
    assert settings.free_text_key == "j"
    assert [(k.key, k.tag, k.toggle) for k in settings.note_keys] == [
        ("k", "knot", False),
        ("s", "still point", True),
    ]
    assert dict(settings.keys) == {"note": "j", "mute": "M", "dim": "ctrl+d", "extend": "plus"}
    only = settings.presets[0].phases[0]
    assert only.cues.start == Cue("gentle-swell")  # [cues] applies to the user's presets
    assert only.cues.warn_before == 120.0
    demo = settings.preset("Demo")
    assert demo.phases[0].cues.start == Cue("gentle-swell")  # ... and to the built-ins
    assert demo.phases[0].cues.warn_before == 10.0  # a phase's own setting still wins
    assert demo.phases[3].cues.warn_before is None  # 2m is longer than the 20s phase: dropped
