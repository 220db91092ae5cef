"""Cue settings from the config file, merged in layers: phase over preset over [cues].

A cue key can be set in ``[cues]`` (every preset, the built-ins too), on a preset, or on one
phase; the most specific setting wins, and a partial inline table (``{ volume = 0.3 }``) keeps
the sound chosen further out. ``false`` turns a cue off at that layer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sessiontimer.core.builtin import BUNDLED_SOUNDS
from sessiontimer.core.config_check import Checker, did_you_mean
from sessiontimer.core.durations import parse_duration, show_value
from sessiontimer.core.model import Cue, PhaseCues, Preset
from sessiontimer.core.toml_locate import KeyPath
from sessiontimer.core.wav_header import wav_problem

SOUND_KEYS = ("start", "warning", "interval", "overtime")
TIME_KEYS = ("warn_before", "interval_every", "overtime_every")
PHASE_CUE_KEYS = SOUND_KEYS + TIME_KEYS
PRESET_CUE_KEYS = (*PHASE_CUE_KEYS, "end")
CUE_TABLE_KEYS = ("sound", "volume", "repeat")
MAX_REPEAT = 10
MIN_EVERY = 1.0  # seconds: a shorter interval is a machine gun, not a cue

_PHASE_DEFAULTS = PhaseCues()
DEFAULT_CUES: dict[str, Cue] = {k: getattr(_PHASE_DEFAULTS, k) for k in SOUND_KEYS}
DEFAULT_CUES["end"] = next(f.default for f in fields(Preset) if f.name == "end_cue")  # type: ignore[assignment]


@dataclass(frozen=True)
class CueSpec:
    """A cue as written at one layer; a field left as None is inherited."""

    sound: str | None = None
    volume: float | None = None
    repeat: int | None = None


# key -> CueSpec for sounds, seconds for times; None means the user turned it off.
Layer = dict[str, "CueSpec | float | None"]
_BAD = object()


def read_layer(
    checker: Checker, table: dict[str, Any], keys: tuple[str, ...], path: KeyPath, ctx: str | None
) -> Layer:
    """The cue keys set in one table, validated; invalid ones are reported and left out."""
    layer: Layer = {}
    for key in keys:
        if key not in table:
            continue
        reader = _read_time if key in TIME_KEYS else _read_sound
        value = reader(checker, table[key], (*path, key), ctx)
        if value is not _BAD:
            layer[key] = value  # type: ignore[assignment]
    return layer


def _read_time(checker: Checker, value: object, path: KeyPath, ctx: str | None) -> object:
    if value is False:
        return None
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        checker.error(path, f"{exc} (or false to turn it off)", ctx)
        return _BAD
    if seconds is None or seconds < MIN_EVERY:
        checker.error(
            path, f'expected a length of at least 1s, like "1m", got {show_value(value)}', ctx
        )
        return _BAD
    return seconds


def _read_sound(checker: Checker, value: object, path: KeyPath, ctx: str | None) -> object:
    if value is False:
        return None
    if isinstance(value, str):
        sound = _sound_name(checker, value, path, ctx)
        return _BAD if sound is None else CueSpec(sound=sound)
    if isinstance(value, dict):
        return _read_cue_table(checker, value, path, ctx)
    checker.error(
        path,
        'expected a sound name like "soft-bell", a table like { sound = "soft-bell", '
        f"volume = 0.5 }}, or false to turn the cue off; got {show_value(value)}",
        ctx,
    )
    return _BAD


def _read_cue_table(
    checker: Checker, table: dict[str, Any], path: KeyPath, ctx: str | None
) -> object:
    before = len(checker.errors)
    checker.known_keys(table, CUE_TABLE_KEYS, path, ctx)
    sound = volume = repeat = None
    if "sound" in table:
        text = checker.text(table["sound"], (*path, "sound"), ctx, what="a sound name")
        sound = None if text is None else _sound_name(checker, text, (*path, "sound"), ctx)
    if "volume" in table:
        volume = checker.fraction(table["volume"], (*path, "volume"), ctx)
    if "repeat" in table:
        value = table["repeat"]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_REPEAT:
            repeat = value
        else:
            checker.error(
                (*path, "repeat"),
                f"expected a whole number from 1 to {MAX_REPEAT}, got {show_value(value)}",
                ctx,
            )
    return _BAD if len(checker.errors) > before else CueSpec(sound, volume, repeat)


def _sound_name(checker: Checker, value: str, path: KeyPath, ctx: str | None) -> str | None:
    """A bundled sound's name, or the absolute path of a WAV file (relative to the config)."""
    name = value.strip()
    if "/" in name or "\\" in name or name.lower().endswith(".wav") or name.startswith("~"):
        file = Path(os.path.expanduser(name))  # leaves "~nobody" as it is, never raises
        file = file if file.is_absolute() else checker.base_dir / file
        if file.suffix.lower() != ".wav":
            checker.error(path, f"only WAV files can be played, got {show_value(value)}", ctx)
        elif not _is_file(file):
            checker.error(path, f"no sound file at {file}", ctx)
        elif (problem := wav_problem(file)) is not None:
            checker.error(path, problem, ctx)
        else:
            return str(file)
        return None
    if name.lower() in BUNDLED_SOUNDS:
        return name.lower()
    hint = did_you_mean(name.lower(), BUNDLED_SOUNDS).replace("expected one of", "the sounds are")
    checker.error(
        path, f"unknown sound {show_value(value)}; {hint} Or give the path of a .wav file.", ctx
    )
    return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name with a NUL, or too long for the file system
        return False


def resolve_sound(key: str, layers: list[Layer]) -> Cue | None:
    """The cue for ``key``: the most specific layer wins, field by field."""
    found: dict[str, Any] = {}
    for layer in layers:
        if key not in layer:
            continue
        spec = layer[key]
        if not isinstance(spec, CueSpec):  # turned off here
            if not found:
                return None
            break
        for name in CUE_TABLE_KEYS:
            if getattr(spec, name) is not None:
                found.setdefault(name, getattr(spec, name))
    default = DEFAULT_CUES[key]
    return Cue(
        sound=found.get("sound", default.sound),
        volume=found.get("volume", default.volume),
        repeat=found.get("repeat", default.repeat),
    )


def resolve_time(key: str, layers: list[Layer]) -> float | None:
    for layer in layers:
        if key in layer:
            value = layer[key]
            return value if isinstance(value, float) else None
    return None
