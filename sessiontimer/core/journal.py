"""The journal format, v1: one schema table, one event factory, the file naming rules.

The format is a contract (docs/journal-format.md): review, export and crash recovery read
journals written by older versions. So every line is built here, through :func:`make_event`,
which refuses fields the schema does not name; later work only writes what is specified.
The writer lives in ``journal_write``, the reader and recovery in ``journal_read``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sessiontimer.core.field_kinds import pain_score
from sessiontimer.core.model import Cue, OnEnd, Phase, PhaseCues, Preset

FORMAT_VERSION = 1
ENVELOPE = ("v", "type", "id", "at", "t", "phase")


@dataclass(frozen=True)
class EventSpec:
    """What one event type carries besides the envelope.

    ``phase`` is "required", "optional" (the index when a phase is current) or "none".
    """

    phase: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


SCHEMA: dict[str, EventSpec] = {
    "session_started": EventSpec("none", ("app", "preset", "client", "planned")),
    "phase_started": EventSpec("required", ("run", "target")),
    "phase_ended": EventSpec("required", ("reason", "length"), ("run",)),
    "paused": EventSpec("optional"),
    "resumed": EventSpec("optional", ("paused_for",)),
    "target_changed": EventSpec("required", ("old", "new")),
    "checkpoint": EventSpec("optional", ("run", "phase_elapsed", "target", "paused")),
    "note": EventSpec(
        "optional", ("region", "key"), ("tag", "text", "felt_at", "words", "saved_t", "restores")
    ),
    "note_retracted": EventSpec("optional", ("note",)),
    "toggle_started": EventSpec("optional", ("tag", "key"), ("region", "felt_at")),
    "toggle_ended": EventSpec("optional", ("tag", "key", "duration", "started")),
    "region_set": EventSpec("optional", ("index", "name")),
    "cue": EventSpec(
        "optional", ("kind", "sound", "backend", "outcome", "late"), ("began", "into")
    ),
    "cue_updated": EventSpec("optional", ("cue", "kind", "backend", "outcome"), ("reason",)),
    "audio_backend_changed": EventSpec("none", ("backend",), ("previous", "reason")),
    "suspended": EventSpec("optional", ("reason",)),
    "resumed_after_crash": EventSpec("optional", ("gap", "counted")),
    "closing_note": EventSpec("optional", ("text",)),
    "session_ended": EventSpec("optional", ("reason",)),
    "amended": EventSpec("none", ("note", "fields")),
    # Added for the treatment note (issue 18); v1 readers skip what they do not know.
    "pain": EventSpec("optional", ("value", "region"), ("after",)),
    "rhythm": EventSpec("optional", ("rate", "taps", "station"), ("qualities",)),
    "plan": EventSpec("optional", ("text",)),
    "signed": EventSpec("none", ("practitioner", "sha256"), ("licence", "format", "layout", "app")),
}

CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("phase_ended", "reason"): frozenset({"target", "key", "session_end"}),
    ("session_ended", "reason"): frozenset({"completed", "key", "interrupted"}),
    ("cue", "outcome"): frozenset(
        {"played", "faded", "failed", "muted", "visual", "skipped", "merged"}
    ),
    ("cue_updated", "outcome"): frozenset({"failed"}),
    ("suspended", "reason"): frozenset(
        {
            "quit",
            "crash",
            "error",
            "terminal closed",
            "connection lost",
            "signal TERM",
            "signal HUP",
            "signal QUIT",
            "signal INT",
        }
    ),
    ("resumed_after_crash", "counted"): frozenset({"pause", "session"}),
}


def iso(wall: datetime) -> str:
    """ISO 8601 with offset and milliseconds; a naive time is taken as local time."""
    if wall.tzinfo is None:
        wall = wall.astimezone()
    return wall.isoformat(timespec="milliseconds")


def make_event(
    type: str, *, id: str, at: datetime, t: float, phase: int | None = None, **fields: Any
) -> dict[str, Any]:
    """Build one journal line as a dict, checked against :data:`SCHEMA`.

    Raises ValueError for an unknown type, a missing or unknown field, or a value outside
    its choices: those are programming errors, caught by tests, never by users.
    """
    spec = SCHEMA.get(type)
    if spec is None:
        raise ValueError(f"unknown journal event type {type!r}")
    _check_fields(type, spec, phase, fields)
    event: dict[str, Any] = {"v": FORMAT_VERSION, "type": type, "id": id, "at": iso(at)}
    event["t"] = round(float(t), 3)
    if phase is not None:
        event["phase"] = phase
    event.update(fields)
    return event


def _check_fields(type: str, spec: EventSpec, phase: int | None, fields: dict[str, Any]) -> None:
    if spec.phase == "required" and phase is None:
        raise ValueError(f"{type}: needs a phase")
    if spec.phase == "none" and phase is not None:
        raise ValueError(f"{type}: carries no phase")
    missing = [k for k in spec.required if k not in fields]
    unknown = [k for k in fields if k not in spec.required and k not in spec.optional]
    if missing or unknown:
        raise ValueError(f"{type}: missing fields {missing}, unknown fields {unknown}")
    for (typ, key), allowed in CHOICES.items():
        if typ == type and fields.get(key) not in allowed:
            raise ValueError(f"{type}: {key}={fields.get(key)!r} is not one of {sorted(allowed)}")
    if type == "note" and not (fields.get("tag") or fields.get("text")):
        raise ValueError("note: needs a tag or a text")
    if type == "pain" and pain_score(fields["value"]) is None:
        raise ValueError(f"pain: value must be a whole number 0..10, not {fields['value']!r}")


def encode_line(event: dict[str, Any]) -> bytes:
    """One line of the file: compact JSON, UTF-8, ending in a newline (text stays escaped)."""
    return (json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def session_path(sessions_dir: Path, wall: datetime, token: str | None = None) -> Path:
    """Where a new session's journal goes: ``YYYY/YYYY-MM-DDTHHMMSS-<6 hex>.jsonl``.

    Only the time and random hex are used, so no client name can ever steer the path.
    """
    if wall.tzinfo is None:
        wall = wall.astimezone()
    # os.urandom is what secrets.token_hex uses; importing secrets pulls in hashlib (2 ms).
    token = token if token is not None else os.urandom(3).hex()
    if len(token) != 6 or any(c not in "0123456789abcdef" for c in token):
        raise ValueError(f"session token must be 6 hex digits, not {token!r}")
    return sessions_dir / f"{wall:%Y}" / f"{wall:%Y-%m-%dT%H%M%S}-{token}.jsonl"


def planned_phases(preset: Preset) -> list[dict[str, Any]]:
    """The short plan written in ``session_started``: name, target, on_end per phase."""
    return [{"name": p.name, "target": p.target, "on_end": p.on_end.value} for p in preset.phases]


def preset_to_dict(preset: Preset) -> dict[str, Any]:
    """A JSON-ready snapshot that :func:`preset_from_dict` turns back into the same Preset."""
    data = asdict(preset)
    for phase in data["phases"]:
        phase["on_end"] = OnEnd(phase["on_end"]).value
        if phase.get("region") is None:
            phase.pop("region", None)  # snapshots of presets without regions stay as they were
    return data


def _cue(raw: Any) -> Cue | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(f"a cue must be an object, not {raw!r}")
    volume, repeat = float(raw.get("volume", 1.0)), int(raw.get("repeat", 1))
    if not 0 <= volume <= 1 or not 1 <= repeat <= _MAX_REPEAT:
        raise ValueError("a cue's volume or repeat is outside what a preset can hold")
    return Cue(str(raw["sound"]), volume, repeat)


_MAX_REPEAT = 10  # as the config allows (config_cues.MAX_REPEAT)
_LONGEST = 1e7  # seconds (115 days): no phase or bell is further apart


def _opt_float(raw: Any, least: float | None = None) -> float | None:
    """A length in seconds, or None; ValueError for one no session can have (NaN, infinite,
    negative, or a bell every nanosecond: billions of cues)."""
    if raw is None:
        return None
    value = float(raw)
    if not (value > 0 if least is None else value >= least) or not value < _LONGEST:
        raise ValueError(f"a length of {value:g} seconds is not one a session can have")
    return value


def _phase_cues(raw: dict[str, Any]) -> PhaseCues:
    return PhaseCues(
        start=_cue(raw.get("start")),
        warning=_cue(raw.get("warning")),
        warn_before=_opt_float(raw.get("warn_before")),
        interval=_cue(raw.get("interval")),
        interval_every=_opt_float(raw.get("interval_every"), 1.0),
        overtime=_cue(raw.get("overtime")),
        overtime_every=_opt_float(raw.get("overtime_every"), 1.0),
    )


def preset_from_dict(data: Any) -> Preset:
    """Rebuild a Preset from a ``session_started`` snapshot; ValueError if it is malformed."""
    try:
        phases = tuple(
            Phase(
                name=str(p["name"]),
                target=_opt_float(p.get("target")),
                on_end=OnEnd(p.get("on_end", "advance")),
                cues=_phase_cues(p.get("cues") or {}),
                region=str(p["region"]) if isinstance(p.get("region"), str) else None,
            )
            for p in data["phases"]
        )
        end_cue = _cue(data["end_cue"]) if "end_cue" in data else Cue("tingsha")
        return Preset(str(data["name"]), phases, str(data.get("description", "")), end_cue)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"the preset snapshot is incomplete or malformed ({exc!r})") from exc
