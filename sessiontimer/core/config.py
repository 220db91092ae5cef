"""The config file (TOML) -> validated :class:`Settings`; every mistake a :class:`ConfigError`.

A broken config must never block a session: :func:`load_settings` never raises for anything a
user can write; it returns the built-in settings together with every problem it found, each
naming the file, line and key. ``config.example.toml`` documents the format key by key.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from sessiontimer.core.builtin import (
    BUILTIN_PRESETS,
    DEFAULT_FREE_TEXT_KEY,
    DEFAULT_NOTE_KEYS,
    DEFAULT_REGIONS,
    RESERVED_KEYS,
)
from sessiontimer.core.config_check import Checker, ConfigError, did_you_mean
from sessiontimer.core.config_cues import PRESET_CUE_KEYS, Layer, read_layer
from sessiontimer.core.config_keys import (
    check_keys,
    read_keymap,
    read_note_keys,
    read_regions,
    single_key,
)
from sessiontimer.core.config_phase_regions import place_regions, read_practitioner
from sessiontimer.core.config_presets import read_preset, read_presets
from sessiontimer.core.durations import format_duration, parse_duration
from sessiontimer.core.lines import read_capped
from sessiontimer.core.model import AudioSettings, Preset, Settings

CONFIG_MAX = 4 << 20  # a config file holds a few presets: a larger one is not a config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised by the Python 3.10 run
    import tomli as tomllib

__all__ = [
    "RESERVED_KEYS",
    "ConfigError",
    "builtin_settings",
    "check_file",
    "format_duration",
    "load_settings",
    "parse_duration",
    "settings_from_document",
]

TOP_KEYS = ("general", "audio", "cues", "presets", "notes", "keys", "practitioner")
GENERAL_KEYS = ("default_preset", "regions", "free_text_key")
AUDIO_KEYS = ("backend", "terminal_bell", "volume")
BACKENDS = ("auto", "simpleaudio", "system", "bell", "visual")
_SYNTAX_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_SYNTAX_END = re.compile(r"\s*\(at end of document\)\s*$")


def builtin_settings() -> Settings:
    """The settings with no config file: built-in presets, note keys and regions."""
    settings = settings_from_document({}, Checker())
    if not isinstance(settings, Settings):  # pragma: no cover - the built-ins are tested
        raise RuntimeError("the built-in settings do not validate")
    return settings


def load_settings(path: Path, *, must_exist: bool) -> tuple[Settings, list[ConfigError]]:
    """Settings from ``path``; on any problem, the built-ins and every problem found.

    A missing file is fine unless the user named it (``must_exist``: --config or the
    environment variable), in which case it is a problem that says how to create one.
    """
    try:
        exists = path.exists()
    except OSError:  # e.g. a name too long for the file system
        exists = True  # let the read below report it
    if not exists:
        if not must_exist:
            return builtin_settings(), []
        message = (
            f"no config file at {path}; create one with `sessiontimer config init`, "
            "or copy config.example.toml there"
        )
        return builtin_settings(), [ConfigError(message, path=str(path))]
    text, errors = _read(path)
    if text is None:
        return builtin_settings(), errors
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return builtin_settings(), [_syntax_error(path, text, exc)]
    checker = Checker(path, text)  # the key locator needs text that tomllib accepted
    settings = settings_from_document(document, checker, source=str(path))
    if settings is None:
        return builtin_settings(), sorted(checker.errors, key=lambda e: e.line or 0)
    return settings, []


def check_file(path: Path) -> list[ConfigError]:
    """Every problem in the file at ``path`` (for ``sessiontimer config check``); [] if none."""
    return load_settings(path, must_exist=True)[1]


def _read(path: Path) -> tuple[str | None, list[ConfigError]]:
    try:
        data = read_capped(path, CONFIG_MAX)
    except ValueError as exc:
        return None, [ConfigError(f"{exc}; is it the right file?", path=str(path))]
    except IsADirectoryError:
        return None, [ConfigError(f"{path} is a folder, not a config file", path=str(path))]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [ConfigError(f"cannot read {path}: {reason}", path=str(path))]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = "the file is not UTF-8 text; save it as UTF-8 in your editor"
        return None, [ConfigError(message, path=str(path), line=line)]


def _syntax_error(path: Path, text: str, exc: ValueError) -> ConfigError:
    """Turn tomllib's message into ours, with the line taken out of the message."""
    message = str(exc)
    line: int | None = None
    if match := _SYNTAX_AT.search(message):
        line, column = int(match[1]), int(match[2])
        message = f"{message[: match.start()]} at column {column}"
    elif match := _SYNTAX_END.search(message):
        line = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        message = f"{message[: match.start()]} at the end of the file"
    message = message[:1].lower() + message[1:]
    if "illegal character '\\n'" in message:
        message = f"a quoted string is not closed before the end of the line ({message})"
    return ConfigError(f"not valid TOML: {message}", path=str(path), line=line or None)


def settings_from_document(
    document: dict[str, Any], checker: Checker, *, source: str | None = None
) -> Settings | None:
    """Validate a parsed document; None if ``checker`` collected any error."""
    checker.known_keys(document, TOP_KEYS, (), None)
    general = checker.table(document.get("general", {}), ("general",))
    checker.known_keys(general, GENERAL_KEYS, ("general",), None)
    audio = _audio(checker, document.get("audio", {}))
    cues = checker.table(document.get("cues", {}), ("cues",))
    checker.known_keys(cues, PRESET_CUE_KEYS, ("cues",), None)
    global_layer = read_layer(checker, cues, PRESET_CUE_KEYS, ("cues",), None)
    presets = _all_presets(checker, document, global_layer)
    regions = read_regions(checker, general["regions"]) if "regions" in general else DEFAULT_REGIONS
    notes = checker.table(document.get("notes", {}), ("notes",))
    checker.known_keys(notes, ("tags",), ("notes",), None)
    note_keys = read_note_keys(checker, notes["tags"]) if "tags" in notes else DEFAULT_NOTE_KEYS
    free_text = general.get("free_text_key")
    free_key = (
        None if free_text is None else single_key(checker, free_text, ("general", "free_text_key"))
    )
    mapped = read_keymap(checker, document.get("keys", {}))
    keymap = check_keys(checker, mapped, free_key, note_keys, "tags" in notes)
    default = _default_preset(checker, general, presets)
    practitioner = read_practitioner(checker, document.get("practitioner"))
    if regions is not None:
        presets = place_regions(checker, document.get("presets"), presets, regions)
    if checker.errors or regions is None:
        return None
    return Settings(
        presets=tuple(presets),
        note_keys=note_keys,
        regions=regions,
        free_text_key=free_key or DEFAULT_FREE_TEXT_KEY,
        default_preset=default,
        audio=audio,
        keys=keymap,
        source=source,
        practitioner=practitioner,
    )


def _all_presets(checker: Checker, document: dict[str, Any], global_layer: Layer) -> list[Preset]:
    """The user's presets first, then each built-in whose name the user did not take."""
    user = read_presets(checker, document["presets"], global_layer) if "presets" in document else []
    taken = {p.name.casefold() for p in user}
    builtin_checker = Checker()
    builtins = [
        read_preset(builtin_checker, raw, ("builtin",), global_layer) for raw in BUILTIN_PRESETS
    ]
    if builtin_checker.errors:  # pragma: no cover - a bug in builtin.py, caught by the tests
        raise RuntimeError(f"built-in presets do not validate: {builtin_checker.errors}")
    return user + [p for p in builtins if p is not None and p.name.casefold() not in taken]


def _audio(checker: Checker, value: object) -> AudioSettings:
    table = checker.table(value, ("audio",))
    checker.known_keys(table, AUDIO_KEYS, ("audio",), None)
    default = AudioSettings()
    backend = default.backend
    if "backend" in table:
        backend = checker.choice(table["backend"], BACKENDS, ("audio", "backend")) or backend
    bell = default.terminal_bell
    if "terminal_bell" in table:
        bell = checker.flag(table["terminal_bell"], ("audio", "terminal_bell")) or False
    volume = default.volume
    if "volume" in table:
        volume = checker.fraction(table["volume"], ("audio", "volume")) or 0.0
    return AudioSettings(backend=backend, terminal_bell=bell, volume=volume)


def _default_preset(checker: Checker, general: dict[str, Any], presets: list[Preset]) -> str | None:
    if "default_preset" not in general:
        return None
    path = ("general", "default_preset")
    name = checker.text(general["default_preset"], path, what="a preset name")
    if name is None:
        return None
    for preset in presets:
        if preset.name.casefold() == name.casefold():
            return preset.name
    names = [p.name for p in presets]
    checker.error(path, f'no preset is named "{name}"; {did_you_mean(name, names)}')
    return None
