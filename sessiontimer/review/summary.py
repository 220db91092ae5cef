"""One row per journal: what the Sessions list, the filter and the index need.

Reading 20,000 journals must take well under a second, so the common case (a file the app
wrote, in its compact form) takes a fast path: the first line is parsed, and only the lines
that matter to review (notes, toggles, closing note, ends, amendments) are found by byte
search and parsed together in one ``json.loads``; checkpoints and cues are never decoded. Any
surprise (hand-edited spacing, a bad line, a half-written tail) falls back to the tolerant
reader of the core, so a damaged file is listed with what could be read, and never modified.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sessiontimer.core.journal_read import read_journal

Event = dict[str, Any]
_HEAD = b'{"v":1,"type":"session_started"'
# Lines review needs; checkpoints and cues are never decoded.
_WANTED = re.compile(
    rb'\n(\{"v":1,"type":"(?:note|toggle_|closing_note|session_ended|amended|suspended|'
    rb"resumed_after_crash)[^\n]*)"
)
# A line not in the writer's exact form: the tolerant reader takes over.
_ODD = re.compile(rb'\n(?!\{"v":1,"type":"|\Z)')


@dataclass
class Summary:
    """A session at a glance; ``id`` is the file name without ``.jsonl`` (unique)."""

    id: str
    rel: str  # path under the sessions folder, e.g. "2026/2026-11-24T090000-a1b2c3.jsonl"
    start: str = ""  # ISO wall time of session_started ("" when unknown)
    client: str | None = None
    preset: str = ""
    duration: float = 0.0  # real session seconds (pauses excluded)
    planned: float = 0.0
    notes: int = 0
    status: str = "damaged"  # complete, ended early, interrupted, resumed, unfinished, damaged
    tags: list[list[str | None]] = field(default_factory=list)  # [tag, region] per note/toggle
    texts: list[str] = field(default_factory=list)
    closing: str = ""
    problems: list[str] = field(default_factory=list)
    amended: bool = False

    @property
    def date(self) -> str:
        return self.start[:10]

    @property
    def time(self) -> str:
        return self.start[11:16]

    @property
    def damaged(self) -> bool:
        return bool(self.problems)

    def to_row(self) -> list[Any]:
        """Compact form for the index file (a list loads faster than a dict)."""
        return [getattr(self, k) for k in _FIELDS]

    @classmethod
    def from_row(cls, row: list[Any]) -> Summary:
        return cls(*row)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = tuple(Summary.__dataclass_fields__)


def summarize(path: Path, sessions_dir: Path) -> Summary:
    """Summary of one journal; never raises for its content and never writes to it."""
    return summarize_rel(str(sessions_dir), path.relative_to(sessions_dir).as_posix())


def summarize_rel(sessions_dir: str, rel: str) -> Summary:
    """:func:`summarize` for ``sessions_dir/rel`` given as strings (the hot loop of a scan)."""
    full = os.path.join(sessions_dir, rel)
    summary = Summary(id=rel.rpartition("/")[2].removesuffix(".jsonl"), rel=rel)
    try:
        with open(full, "rb") as f:
            data = f.read()
    except OSError as exc:
        summary.problems.append(f"cannot read: {exc.strerror or exc}")
        return summary
    events = _fast_events(data)
    if events is None:
        read = read_journal(Path(full))
        events = read.events
        summary.problems.extend(p.replace(f"{full}, ", "") for p in read.problems)
        if read.truncated_tail:
            summary.problems.append("the last line is half-written")
        if not data.strip():
            summary.problems.append("the file is empty")
    _apply(summary, events)
    return summary


def _fast_events(data: bytes) -> list[Event] | None:
    """The events review needs, or None when the file is not in the writer's exact form."""
    if not data.startswith(_HEAD) or not data.endswith(b"\n"):
        return None
    if _ODD.search(data) is not None:
        return None
    parts = [data[: data.index(b"\n")], *_WANTED.findall(data)]
    last = data[data.rfind(b"\n", 0, len(data) - 1) + 1 : -1]
    if parts[-1] != last:
        parts.append(last)  # the largest t is on the last line, whatever its type
    try:
        events: list[Event] = json.loads(b"[" + b",".join(parts) + b"]")
    except ValueError:
        return None
    if not all(isinstance(e, dict) for e in events):
        return None
    return events


def _apply(summary: Summary, events: list[Event]) -> None:
    """Fill ``summary`` from the events; bad values are skipped, never raised."""
    start = next((e for e in events if e.get("type") == "session_started"), None)
    if start is None:
        summary.problems.append("no session_started line: not a session journal")
    else:
        _apply_start(summary, start)
    notes: dict[str, Event] = {}
    toggles: list[Event] = []
    seen = {"ended": None, "resumed": False, "start_id": start.get("id") if start else None}
    for e in events:
        _apply_event(summary, e, notes, toggles, seen)
    ts = [e["t"] for e in events if isinstance(e.get("t"), (int, float))]
    summary.duration = float(max(ts)) if ts else 0.0
    summary.notes = len(notes)
    summary.tags = [[n.get("tag"), n.get("region")] for n in notes.values() if n.get("tag")]
    summary.tags += [[t.get("tag"), t.get("region")] for t in toggles if t.get("tag")]
    summary.texts = [str(n["text"]) for n in notes.values() if n.get("text")]
    summary.status = _status(summary, seen["ended"], bool(seen["resumed"]))


def _apply_start(summary: Summary, start: Event) -> None:
    if isinstance(start.get("at"), str):
        summary.start = start["at"]
    client = start.get("client")
    summary.client = client if isinstance(client, str) and client else None
    preset = start.get("preset")
    if isinstance(preset, dict) and isinstance(preset.get("name"), str):
        summary.preset = preset["name"]
    planned = start.get("planned")
    if isinstance(planned, list):
        summary.planned = sum(
            float(p["target"])
            for p in planned
            if isinstance(p, dict) and isinstance(p.get("target"), (int, float))
        )


def _apply_event(
    summary: Summary, e: Event, notes: dict[str, Event], toggles: list[Event], seen: dict[str, Any]
) -> None:
    kind, ident = e.get("type"), str(e.get("id"))
    if kind == "note" and (e.get("tag") or e.get("text")):
        notes[ident] = dict(e)
    elif kind == "note_retracted":
        notes.pop(str(e.get("note")), None)
    elif kind == "toggle_started":
        toggles.append(e)
    elif kind == "amended" and isinstance(e.get("fields"), dict):
        summary.amended = True
        target = str(e.get("note"))
        if target in notes:
            notes[target].update(e["fields"])
        elif target == seen["start_id"] and isinstance(e["fields"].get("client"), str):
            summary.client = e["fields"]["client"] or None  # a renamed client
    elif kind == "closing_note" and isinstance(e.get("text"), str):
        summary.closing = e["text"]
    elif kind == "session_ended":
        seen["ended"] = e.get("reason")
    elif kind == "resumed_after_crash":
        seen["resumed"] = True


def _status(summary: Summary, ended: Any, resumed: bool) -> str:
    if summary.problems and not summary.start:
        return "damaged"
    if ended is None:
        return "unfinished"
    if ended == "interrupted":
        return "interrupted"
    if resumed:
        return "resumed"
    return "complete" if ended == "completed" else "ended early"
