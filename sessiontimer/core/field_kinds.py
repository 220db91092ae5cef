"""What each field of a journal line holds, and the words for a line that holds otherwise.

Apart from the journal's schema (core/journal) so that the list's fast path, and with it every
`logs list`, need not import the schema and the model: checking a line needs neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# What each field of a line holds, for the reader (a planted or damaged line may hold
# anything): "num" a finite number, "int" a whole number, "str" text, "bool", "dict",
# "list"; a trailing "?" allows null. Fields not named here are not checked.
FIELD_KINDS: dict[str, str] = {
    "id": "str", "at": "str", "t": "num", "phase": "int",
    "app": "str?", "preset": "dict", "client": "str?", "planned": "list",
    "run": "int", "target": "num?", "length": "num", "paused_for": "num",
    "old": "num?", "new": "num?", "phase_elapsed": "num", "paused": "bool",
    "region": "str?", "key": "str?", "tag": "str", "text": "str", "felt_at": "str?",
    "words": "bool", "saved_t": "num", "restores": "str", "note": "str",
    "duration": "num", "started": "str", "index": "int", "name": "str",
    "kind": "str", "sound": "str", "backend": "str", "outcome": "str", "late": "num",
    "began": "num", "into": "str", "cue": "str", "previous": "str?", "reason": "str?",
    "gap": "num", "counted": "str", "fields": "dict", "value": "int", "after": "bool",
    "rate": "num", "taps": "int", "station": "str?", "qualities": "dict",
    "practitioner": "str?", "licence": "str?", "sha256": "str", "format": "str",
    "layout": "int",
}  # fmt: skip
# A note may hold only a tag or only a text, the other null (older journals write it so).
_NOTE_KINDS = {"tag": "str?", "text": "str?"}
_BOUND = 1e12  # no time, length or count in a real journal comes near: a planted 1e400 does
# A finding's value no session can take (the writer refuses it), in its line or in a
# correction of it (only a pain line has a "value", only a rhythm line a "rate")
_RANGES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "value": (lambda v: pain_score(v) is not None, "a pain score (0-10)"),
    "rate": (lambda v: rhythm_rate(v) is not None, "a rate of cycles a minute"),
}
_KIND_WORDS = {"num": "a number", "int": "a whole number", "str": "text", "bool": "true or false",
               "dict": "an object", "list": "a list"}  # fmt: skip


def pain_score(value: Any) -> int | None:
    """A pain score as a session takes it (a whole number, 0-10); None for anything else.
    The one test of it: the readers skip a line that fails it as damage, and the views that
    show a finding (the list, the timeline, the treatment note) show only one that passes."""
    return value if type(value) is int and 0 <= value <= 10 else None


def rhythm_rate(value: Any) -> float | None:
    """A rhythm rate as a session takes it (cycles a minute, above 0, under 1,000); None
    for anything else (a planted -5, 0, true or text)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return float(value) if number and 0 < value < 1000 else None


def wrong_field(event: dict[str, Any]) -> str | None:
    """What is wrong with a line's fields in words (None: nothing), so every reader can
    skip a planted or damaged line as damage instead of printing ``None`` or ``['a']``, or
    failing on a number no clock can show (1e400, a phase of -5)."""
    note = event.get("type") == "note"
    for key, value in event.items():
        kind = _NOTE_KINDS.get(key) if note and key in _NOTE_KINDS else FIELD_KINDS.get(key)
        if kind is None or (value is None and kind.endswith("?")) or _fits(kind, key, value):
            continue
        return f"{key!r} holds {_what(value)} where {_KIND_WORDS[kind.rstrip('?')]} belongs"
    wrong = _out_of_range(event, "")
    fields = event.get("fields")
    if wrong is None and isinstance(fields, dict):  # a correction: each null when emptied
        for key, value in fields.items():
            kind = FIELD_KINDS.get(key)
            if kind is None or value is None or _fits(kind, key, value):
                continue
            words = _KIND_WORDS[kind.rstrip("?")]
            return f"'fields.{key}' holds {_what(value)} where {words} belongs"
        wrong = _out_of_range(fields, "fields.")
    return wrong


def _out_of_range(values: dict[str, Any], prefix: str) -> str | None:
    """A pain score or rhythm rate no session can take, in words (kinds already checked)."""
    for key, (fits, words) in _RANGES.items():
        value = values.get(key)
        if value is not None and not fits(value):
            return f"'{prefix}{key}' holds a number out of range where {words} belongs"
    return None


def _fits(kind: str, key: str, value: Any) -> bool:
    kind = kind.rstrip("?")
    if kind == "num":
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool)
            and -_BOUND < value < _BOUND  # also false for NaN
        )  # fmt: skip
    if kind == "int":
        low = 0 if key in ("phase", "index", "run", "taps", "value") else -_BOUND
        return isinstance(value, int) and not isinstance(value, bool) and low <= value < _BOUND
    return isinstance(value, {"str": str, "bool": bool, "dict": dict, "list": list}[kind])


def _what(value: Any) -> str:
    """A value's kind in words, never the value itself (it may be health data)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        if value != value:
            return "NaN"
        return "a number" if -_BOUND < value < _BOUND else "a number out of range"
    words: dict[type, str] = {str: "text", dict: "an object", list: "a list"}
    return words.get(type(value), "a value")
