"""Phases as the editor shows them (text fields) and how a changed field is written back.

Only a field the user changed is written, and into the key the user already used (``target``
stays ``target``; an inline cue table keeps its volume), so an unchanged "1:30" is never
rewritten as "1m 30s" and every comment stays where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Table

from sessiontimer.core.builtin import BUNDLED_SOUNDS

ON_END_CHOICES = ("advance", "hold", "open")
OFF = "off"  # a cue turned off in this phase (false in the file)
SOUND_FIELDS = ("start",)
TIME_FIELDS = ("warn_before", "interval_every", "overtime_every")
SOUND_CHOICES = BUNDLED_SOUNDS


@dataclass
class PhaseDraft:
    """One phase as text the user can type; "" means "as set further out" for the cue fields."""

    name: str
    duration: str = "5m"
    on_end: str = "advance"
    start: str = ""  # "", "off", or a sound name / .wav path
    warn_before: str = ""  # "", "off", or a duration
    interval_every: str = ""
    overtime_every: str = ""
    source: int | None = None  # the phase's index in the file when loaded; None if new

    def values(self) -> dict[str, str]:
        """The editable fields by name (everything but ``source``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}


def _text(value: Any) -> str:
    if value is False:
        return OFF
    if isinstance(value, bool) or value is None:
        return ""
    return str(value)


def draft_from_table(table: Any, source: int | None = None) -> PhaseDraft:
    """The draft of one phase table (a tomlkit table or a plain dict from the built-ins)."""
    raw = table.get("duration", table.get("target", ""))
    duration = _text(raw) or ("open" if table.get("on_end") == "open" else "")
    default_end = "open" if duration.strip().lower() == "open" else "advance"
    start = table.get("start")
    if isinstance(start, dict):
        start = start.get("sound")
    return PhaseDraft(
        name=_text(table.get("name", "")),
        duration=duration,
        on_end=_text(table.get("on_end", default_end)),
        start=_text(start),
        warn_before=_text(table.get("warn_before")),
        interval_every=_text(table.get("interval_every")),
        overtime_every=_text(table.get("overtime_every")),
        source=source,
    )


def new_phase_table(draft: PhaseDraft) -> Table:
    """A fresh ``[[presets.phases]]`` table holding the draft's non-empty fields."""
    table = tomlkit.table()
    write_fields(table, PhaseDraft(name="", duration=""), draft)
    return table


def put(table: Any, key: str, value: Any) -> None:
    """Set ``key``; a new key goes right after the table's last value, not after the blank
    lines and comments that end the table (those belong to whatever follows it)."""
    container = getattr(table, "value", None)
    if key in table or not isinstance(container, Container):
        table[key] = value
        return
    last = None
    for name, item in container.body:
        if name is not None and not isinstance(item, (Table, AoT)):
            last = name
    if last is None:
        table[key] = value
    else:
        container._insert_after(last, key, value)  # tomlkit has no public "insert after"
        dict.__setitem__(table, key, container[key])  # the table mirrors its container


def write_fields(table: Any, before: PhaseDraft, after: PhaseDraft) -> None:
    """Write into ``table`` each field that differs between ``before`` and ``after``."""
    old, new = before.values(), after.values()
    for key, value in new.items():
        if value == old[key]:
            continue
        if key == "name":
            put(table, "name", value.strip())
        elif key == "duration":
            put(table, "target" if "target" in table else "duration", value.strip())
        elif key == "on_end":
            _write_on_end(table, value, new["duration"])
        elif key in SOUND_FIELDS:
            _write_sound(table, key, value.strip())
        else:
            _write_time(table, key, value.strip())


def _write_on_end(table: Any, value: str, duration: str) -> None:
    implied = "open" if duration.strip().lower() == "open" else "advance"
    if "on_end" in table or value != implied:
        put(table, "on_end", value)


def _write_sound(table: Any, key: str, value: str) -> None:
    current = table.get(key)
    if not value:
        table.pop(key, None)
    elif value.lower() == OFF:
        put(table, key, False)
    elif isinstance(current, dict):
        current["sound"] = value  # keeps the volume and repeat written next to it
    else:
        put(table, key, value)


def _write_time(table: Any, key: str, value: str) -> None:
    if not value:
        table.pop(key, None)
    elif value.lower() == OFF:
        put(table, key, False)
    else:
        put(table, key, value)
