"""Quick-note keys (``[notes.tags]``) and the regions on the digit keys (``general.regions``).

Writing tags replaces the built-in set (the reader's rule), so the first edit copies the
built-in tags into the file first: the user sees all of them and changes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tomlkit

from sessiontimer.config_edit.phases import put
from sessiontimer.core.builtin import (
    DEFAULT_BINDINGS,
    DEFAULT_NOTE_KEYS,
    DEFAULT_REGIONS,
    FIXED_KEYS,
    RESERVED_KEYS,
    key_name,
)
from sessiontimer.core.model import NoteKey


class KeyReserved(ValueError):
    """The key already belongs to the session screen (DESIGN key table)."""


def _tags(doc: Any) -> Any:
    notes = doc.get("notes")
    if notes is None:
        notes = tomlkit.table(is_super_table=True)  # written as [notes.tags] only
        if not doc.as_string().endswith("\n\n"):
            doc.add(tomlkit.nl())
        doc.add("notes", notes)
    tags = notes.get("tags")
    if tags is None:
        tags = tomlkit.table()
        for note in DEFAULT_NOTE_KEYS:
            tags[note.key] = _tag_value(note.tag, note.toggle)
        notes.add("tags", tags)
    return tags


def _tag_value(tag: str, toggle: bool) -> Any:
    if not toggle:
        return tag
    inline = tomlkit.inline_table()
    inline.update({"tag": tag, "toggle": True})
    return inline


def set_note_key(
    doc: Any, key: str, tag: str, toggle: bool = False, *, replace: bool = True
) -> None:
    """Add or change the quick note on ``key``; reserved keys are refused with the reason.

    With ``replace=False`` a key that already records a note is refused instead of changed.
    """
    name = key_name(key)
    if name in RESERVED_KEYS:
        owner = FIXED_KEYS.get(name) or next(
            f'"{b}"' for b, keys in DEFAULT_BINDINGS.items() if name in map(key_name, keys)
        )
        raise KeyReserved(f'key "{key}" is reserved for {owner}; choose another key')
    existing = {n.key: n.tag for n in note_keys(doc)}
    if not replace and key in existing:
        raise KeyReserved(f'key "{key}" already records "{existing[key]}"; choose another key')
    tags = _tags(doc)
    current = tags.get(key)
    if isinstance(current, dict) and toggle == bool(current.get("toggle", False)):
        current["tag"] = tag.strip()
    else:
        put(tags, key, _tag_value(tag.strip(), toggle))


def remove_note_key(doc: Any, key: str) -> None:
    """Take the quick note off ``key`` (KeyError if there is none)."""
    tags = _tags(doc)
    if key not in tags:
        raise KeyError(key)
    del tags[key]


def note_keys(doc: Any) -> list[NoteKey]:
    """The note keys as written in the file, or the built-in ones if it sets none."""
    tags = (doc.get("notes") or {}).get("tags")
    if tags is None:
        return list(DEFAULT_NOTE_KEYS)
    found = []
    for key, value in tags.items():
        if isinstance(value, dict):
            found.append(NoteKey(key, str(value.get("tag", "")), bool(value.get("toggle", False))))
        else:
            found.append(NoteKey(key, str(value)))
    return found


def set_regions(doc: Any, names: Sequence[str]) -> None:
    """The region names on keys 1..9, 0 (the reader checks 1 to 10 distinct names)."""
    general = doc.get("general")
    if general is None:
        general = tomlkit.table()
        doc.add("general", general)
    if "regions" in general and len(general["regions"]) == len(names):
        for index, name in enumerate(names):  # in place: a multi-line list keeps its layout
            if general["regions"][index] != name:
                general["regions"][index] = name.strip()
    else:
        put(general, "regions", [n.strip() for n in names])


def regions(doc: Any) -> list[str]:
    general = doc.get("general") or {}
    return [str(r) for r in general.get("regions", DEFAULT_REGIONS)]
