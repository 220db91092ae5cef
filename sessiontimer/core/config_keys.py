"""Keys from the config file: quick-note tags, the free-text key, remapped bindings, regions.

Every key the session screen listens to must mean one thing, so collisions are errors here,
not surprises mid-session: a note key on top of "mute", two bindings on one key, a digit
(those choose the region). Keys are compared by the names Textual uses ("+" is "plus").
"""

from __future__ import annotations

import difflib

from sessiontimer.core.builtin import (
    DEFAULT_BINDINGS,
    FIXED_KEYS,
    KNOWN_KEY_NAMES,
    key_name,
)
from sessiontimer.core.config_check import NAME_LONGEST, Checker, did_you_mean
from sessiontimer.core.durations import show_value
from sessiontimer.core.model import NoteKey
from sessiontimer.core.toml_locate import KeyPath

BINDING_IDS = tuple(DEFAULT_BINDINGS)
MODIFIERS = ("ctrl", "alt", "shift", "super", "meta")
MAX_REGIONS = 10
_CHAR_OF = {key_name(chr(c)): chr(c) for c in range(33, 127)}  # "plus" -> "+", for messages


def single_key(
    checker: Checker, value: object, path: KeyPath, ctx: str | None = None
) -> str | None:
    """One printable character (a letter, usually); None after reporting anything else."""
    if isinstance(value, str) and len(value) == 1 and value.isprintable() and not value.isspace():
        return value
    checker.error(path, f'expected a single character like "s", got {show_value(value)}', ctx)
    return None


def read_regions(checker: Checker, value: object) -> tuple[str, ...] | None:
    """1 to 10 distinct region names, in the order of the digit keys 1..9, 0."""
    path: KeyPath = ("general", "regions")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_REGIONS:
        got = f"{len(value)} names" if isinstance(value, list) else show_value(value)
        checker.error(
            path, f'expected a list of 1 to 10 region names like ["feet", "sacrum"], got {got}'
        )
        return None
    names: list[str] = []
    for index, raw in enumerate(value):
        name = checker.text(raw, (*path, index), what="a region name", longest=NAME_LONGEST)
        if name is not None and name.casefold() in (n.casefold() for n in names):
            checker.error((*path, index), f'"{name}" is in the list twice')
        elif name is not None:
            names.append(name)
    return tuple(names)


def read_note_keys(checker: Checker, value: object) -> tuple[NoteKey, ...]:
    """``[notes] tags``: key -> "tag" or { tag = "...", toggle = true }.

    Returns the valid ones even when some are wrong, so that collisions among those are
    reported in the same pass.
    """
    path: KeyPath = ("notes", "tags")
    table = checker.table(value, path)
    keys: list[NoteKey] = []
    for key, raw in table.items():
        here = (*path, key)
        char = single_key(checker, key, here)
        tag, toggle = _read_tag(checker, raw, here)
        if char is not None and tag is not None and toggle is not None:
            keys.append(NoteKey(char, tag, toggle))
    return tuple(keys)


def _read_tag(checker: Checker, raw: object, here: KeyPath) -> tuple[str | None, bool | None]:
    """ "release" or { tag = "still point", toggle = true } -> (tag, toggle)."""
    if isinstance(raw, str):
        return checker.text(raw, here, what="a tag", longest=NAME_LONGEST), False
    if not isinstance(raw, dict):
        checker.error(
            here,
            'expected a tag like "release", or a table like '
            f'{{ tag = "still point", toggle = true }}; got {show_value(raw)}',
        )
        return None, None
    checker.known_keys(raw, ("tag", "toggle"), here, None)
    if "tag" not in raw:
        checker.error(here, 'a note key needs a tag, like { tag = "still point", toggle = true }')
        return None, None
    tag = checker.text(raw["tag"], (*here, "tag"), what="a tag", longest=NAME_LONGEST)
    return tag, checker.flag(raw.get("toggle", False), (*here, "toggle"))


def _key_names(checker: Checker, value: object, path: KeyPath) -> tuple[str, ...] | None:
    """A binding's keys ("plus,equals_sign", "ctrl+n", ["+", "="]) as Textual key names."""
    pieces = value.split(",") if isinstance(value, str) else value
    if not isinstance(pieces, list) or not pieces or not all(isinstance(p, str) for p in pieces):
        checker.error(
            path, f'expected a key like "x", "space" or "ctrl+n", got {show_value(value)}'
        )
        return None
    names = []
    for piece in pieces:
        name = _key_name(piece)
        if name is None:
            checker.error(path, _bad_key_message(piece))
            return None
        names.append(name)
    return tuple(names)


def _key_name(piece: str) -> str | None:
    text = piece.strip()
    if len(text) == 1:
        return key_name(text) if text.isprintable() else None
    *mods, base = text.split("+") if not text.endswith("++") else [*text[:-2].split("+"), "+"]
    if any(m.lower() not in MODIFIERS for m in mods) or not base:
        return None
    base = base if len(base) == 1 else base.lower()
    if len(base) > 1 and base not in KNOWN_KEY_NAMES:
        return None
    return "+".join([*(m.lower() for m in mods), key_name(base)])


def _bad_key_message(piece: str) -> str:
    *mods, base = piece.strip().split("+")
    special = sorted(k for k in KNOWN_KEY_NAMES if len(k) > 1)
    close = difflib.get_close_matches(base.lower(), special, n=1) if base else []
    if close:
        hint = f'did you mean "{"+".join([*mods, close[0]])}"?'
    else:
        hint = 'write a single character, or a name like "space", "f2", "ctrl+n"'
    return f"unknown key {show_value(piece)}; {hint}"


def read_keymap(checker: Checker, value: object) -> dict[str, tuple[str, ...]]:
    """``[keys]``: binding id -> key names, for the ids the session screen has."""
    table = checker.table(value, ("keys",))
    mapped: dict[str, tuple[str, ...]] = {}
    for binding, raw in table.items():
        if binding not in BINDING_IDS:
            checker.error(
                ("keys", binding),
                f'unknown binding "{binding}"; {did_you_mean(binding, BINDING_IDS)}',
            )
            continue
        names = _key_names(checker, raw, ("keys", binding))
        if names is not None:
            mapped[binding] = names
    return mapped


def check_keys(
    checker: Checker,
    mapped: dict[str, tuple[str, ...]],
    free_text_key: str | None,
    note_keys: tuple[NoteKey, ...],
    notes_from_user: bool,
) -> tuple[tuple[str, str], ...]:
    """Report every key used twice; return the keymap for the UI (binding id -> "a,b")."""
    bindings = {b: tuple(key_name(k) for k in keys) for b, keys in DEFAULT_BINDINGS.items()}
    paths: dict[str, KeyPath] = {b: ("keys", b) for b in mapped}
    if free_text_key is not None:
        if "note" in mapped and mapped["note"] != (key_name(free_text_key),):
            checker.error(
                ("keys", "note"),
                "the free-text note key is also set by general.free_text_key; set only one of them",
            )
        mapped = {"note": (key_name(free_text_key),), **mapped}
        paths.setdefault("note", ("general", "free_text_key"))
    bindings.update(mapped)
    users: dict[str, list[str]] = {}
    for binding, names in bindings.items():
        for name in dict.fromkeys(names):
            users.setdefault(name, []).append(binding)
    for name, who in users.items():
        for binding in who:
            others = [f'"{b}"' for b in who if b != binding]
            if binding in paths and (others or name in FIXED_KEYS):
                clash = (
                    f"reserved for {FIXED_KEYS[name]}"
                    if name in FIXED_KEYS
                    else ("used by " + " and ".join(others))
                )
                shown = _CHAR_OF.get(name, name)
                checker.error(paths[binding], f'key "{shown}" for "{binding}" is already {clash}')
    owner = {name: who[0] for name, who in users.items()}
    _check_note_keys(checker, owner, paths, note_keys, notes_from_user)
    default = {b: tuple(key_name(k) for k in keys) for b, keys in DEFAULT_BINDINGS.items()}
    return tuple((b, ",".join(n)) for b, n in bindings.items() if n != default[b])


def _check_note_keys(
    checker: Checker,
    owner: dict[str, str],
    paths: dict[str, KeyPath],
    note_keys: tuple[NoteKey, ...],
    notes_from_user: bool,
) -> None:
    for note in note_keys:
        name = key_name(note.key)
        binding = owner.get(name)
        if name in FIXED_KEYS:
            clash, fix = f"reserved for {FIXED_KEYS[name]}", ""
        elif binding == "note":
            clash, fix = "the free-text note key", ""
        elif binding is not None:
            clash, fix = f'used by "{binding}"', f' or remap "{binding}" under [keys]'
        else:
            continue
        if notes_from_user:
            checker.error(
                ("notes", "tags", note.key),
                f'note key "{note.key}" is already {clash}; choose another key{fix}',
            )
        elif binding in paths:
            checker.error(
                paths[binding],
                f'key "{note.key}" is already the quick-note key for '
                f'"{note.tag}"; choose another key, or set your own [notes] tags',
            )
