"""Preset-level edits of a tomlkit document: add, duplicate, rename, delete, default, phases.

Functions here change the document only; :meth:`ConfigEditor.edit` wraps each one so that the
real reader validates the result. Names are matched ignoring case, as the reader does.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from sessiontimer.config_edit.phases import PhaseDraft, draft_from_table, new_phase_table, put
from sessiontimer.config_edit.phases import write_fields as _write_fields
from sessiontimer.core.builtin import BUILTIN_PRESETS


class PresetNotFound(KeyError):
    """No preset of that name in the user's file (or among the built-ins, where that applies)."""

    def __str__(self) -> str:
        return f'no preset is named "{self.args[0]}" in your config file'


class NameTaken(ValueError):
    """Another preset already has the name (ignoring case)."""


def user_presets(doc: Any) -> AoT | None:
    """The document's ``[[presets]]`` array, or None if it has none."""
    value = doc.get("presets")
    return value if isinstance(value, AoT) else None


def find_user(doc: Any, name: str) -> int | None:
    """The index of the user's preset called ``name``, or None."""
    presets = user_presets(doc)
    for index, table in enumerate(presets or []):
        if str(table.get("name", "")).strip().casefold() == name.strip().casefold():
            return index
    return None


def user_table(doc: Any, name: str) -> Table:
    index = find_user(doc, name)
    if index is None:
        raise PresetNotFound(name)
    presets = user_presets(doc)
    assert presets is not None
    table: Table = presets[index]
    return table


def builtin_raw(name: str) -> dict[str, Any] | None:
    """A built-in preset as written in builtin.py (the config file's shape), or None."""
    for raw in BUILTIN_PRESETS:
        if raw["name"].casefold() == name.strip().casefold():
            return copy.deepcopy(raw)
    return None


def table_from_raw(raw: dict[str, Any]) -> Table:
    """A ``[[presets]]`` table from a plain dict in the config file's shape."""
    table = tomlkit.table()
    for key, value in raw.items():
        if key != "phases":
            table[key] = value
    phases = tomlkit.aot()
    for phase in raw.get("phases", []):
        item = tomlkit.table()
        for key, value in phase.items():
            item[key] = value
        phases.append(item)
    table["phases"] = phases
    return table


def append_preset(doc: Any, table: Table) -> None:
    """Add a preset table at the end of ``[[presets]]`` (creating the array if needed)."""
    name = str(table.get("name", ""))
    if find_user(doc, name) is not None:
        raise NameTaken(f'a preset named "{name}" is already in your config file')
    _end_with_blank_line(table)
    presets = user_presets(doc)
    if presets is None:
        presets = tomlkit.aot()
        presets.append(table)
        doc.append("presets", presets)
    else:
        presets.append(table)


def _end_with_blank_line(table: Table) -> None:
    """Keep a blank line between the new preset and whatever table follows it."""
    phases = table.get("phases")
    last = phases[-1] if isinstance(phases, AoT) and len(phases) else table
    if not last.as_string().endswith("\n\n"):
        last.add(tomlkit.nl())


def add_preset(doc: Any, name: str, phases: Sequence[PhaseDraft] = ()) -> None:
    """A new preset with ``phases`` (one five-minute phase if none are given)."""
    table = tomlkit.table()
    table["name"] = name.strip()
    aot = tomlkit.aot()
    for draft in phases or [PhaseDraft(name="phase 1")]:
        aot.append(new_phase_table(draft))
    table["phases"] = aot
    append_preset(doc, table)


def duplicate_preset(doc: Any, source: str, new_name: str) -> None:
    """Copy the user's preset ``source`` (comments included) or a built-in one."""
    index = find_user(doc, source)
    if index is not None:
        presets = user_presets(doc)
        assert presets is not None
        table = tomlkit.parse(_dump_preset(presets[index]))["presets"][0]
    else:
        raw = builtin_raw(source)
        if raw is None:
            raise PresetNotFound(source)
        table = table_from_raw(raw)
    table["name"] = new_name.strip()
    append_preset(doc, table)


def _dump_preset(table: Table) -> str:
    wrapper = tomlkit.document()
    aot = tomlkit.aot()
    aot.append(table)
    wrapper.append("presets", aot)
    return wrapper.as_string()


def rename_preset(doc: Any, old: str, new: str) -> None:
    """Rename a user's preset; the default follows it."""
    index = find_user(doc, new)
    if index is not None and index != find_user(doc, old):
        raise NameTaken(f'a preset named "{new.strip()}" is already in your config file')
    user_table(doc, old)["name"] = new.strip()
    general = doc.get("general")
    default = general.get("default_preset") if general is not None else None
    if isinstance(default, str) and default.strip().casefold() == old.strip().casefold():
        general["default_preset"] = new.strip()


def delete_preset(doc: Any, name: str) -> None:
    """Remove a user's preset; a default that pointed at it is removed too."""
    index = find_user(doc, name)
    if index is None:
        raise PresetNotFound(name)
    presets = user_presets(doc)
    assert presets is not None
    del presets[index]
    if len(presets) == 0:
        del doc["presets"]
    general = doc.get("general")
    default = general.get("default_preset") if general is not None else None
    if isinstance(default, str) and default.strip().casefold() == name.strip().casefold():
        del general["default_preset"]


def set_default(doc: Any, name: str | None) -> None:
    """Make ``name`` the preset selected at start (None: no default)."""
    general = doc.get("general")
    if name is None:
        if general is not None and "default_preset" in general:
            del general["default_preset"]
        return
    if general is None:
        general = tomlkit.table()
        doc.add("general", general)
    put(general, "default_preset", name.strip())


def phase_drafts(doc: Any, name: str) -> list[PhaseDraft]:
    """The drafts of a user's preset's phases, each remembering its index in the file."""
    tables = user_table(doc, name).get("phases") or []
    return [draft_from_table(t, i) for i, t in enumerate(tables)]


def set_phases(doc: Any, name: str, drafts: Sequence[PhaseDraft]) -> None:
    """Make the preset's phases ``drafts``: changed fields written, tables moved, others dropped.

    A draft with a ``source`` edits that phase's table in place (its comments stay with it);
    a draft without one becomes a new table.
    """
    preset = user_table(doc, name)
    old = preset.get("phases")
    tables = list(old) if isinstance(old, AoT) else []
    ordered: list[Table] = []
    for draft in drafts:
        if draft.source is not None and 0 <= draft.source < len(tables):
            table = tables[draft.source]
            _write_fields(table, draft_from_table(table), draft)
        else:
            table = new_phase_table(draft)
        ordered.append(table)
    if isinstance(old, AoT) and [id(t) for t in ordered] == [id(t) for t in tables]:
        return
    aot = old if isinstance(old, AoT) else tomlkit.aot()
    while len(aot):
        del aot[0]
    for table in ordered:
        aot.append(table)
    if not isinstance(old, AoT):
        preset["phases"] = aot


def replace_preset(doc: Any, table: Table) -> None:
    """Put ``table`` where the user's preset of the same name is (appended if there is none)."""
    name = str(table.get("name", ""))
    index = find_user(doc, name)
    if index is None:
        append_preset(doc, table)
        return
    presets = user_presets(doc)
    assert presets is not None
    _end_with_blank_line(table)
    del presets[index]
    presets.insert(index, table)


def export_text(doc: Any, name: str) -> str:
    """The ``[[presets]]`` TOML of the user's preset (comments kept) or of a built-in one."""
    index = find_user(doc, name)
    if index is not None:
        presets = user_presets(doc)
        assert presets is not None
        return _dump_preset(presets[index])
    raw = builtin_raw(name)
    if raw is None:
        raise PresetNotFound(name)
    return _dump_preset(table_from_raw(raw))
