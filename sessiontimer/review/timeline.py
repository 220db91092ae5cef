"""One session in full, for the timeline view, ``logs show`` and the Markdown export.

Built from every line of the journal (read once, in a worker): phases with planned and real
length, notes with session and wall time (retractions removed, amendments applied), still
points and other toggles, pauses, cues and the closing note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sessiontimer.core import readable
from sessiontimer.core.journal_read import read_journal
from sessiontimer.review.fast_scan import Event
from sessiontimer.review.summary import Summary, summarize


@dataclass
class PhaseRun:
    """One run of a phase: planned target, real length, and what happened in it."""

    index: int
    name: str
    planned: float | None
    real: float = 0.0
    start_t: float = 0.0
    items: list[Event] = field(default_factory=list)


@dataclass
class Timeline:
    summary: Summary
    phases: list[PhaseRun]
    events: list[Event]  # every line as read (for the JSON and CSV exports)
    notes: list[Event]  # notes as they stand (amended, not retracted)
    closing: str


def load_timeline(path: Path, sessions_dir: Path) -> Timeline:
    """Read one journal fully; a damaged file gives what could be read."""
    summary = summarize(path, sessions_dir)
    events = read_journal(path).events
    start = next((e for e in events if e.get("type") == "session_started"), {})
    raw_plan = start.get("planned")
    planned: list[Any] = raw_plan if isinstance(raw_plan, list) else []
    notes = _notes(events)
    phases: list[PhaseRun] = []
    by_id = {str(n.get("id")): n for n in notes}
    stopped: Any = None  # the reason of the last `suspended` line
    for e in events:
        if e.get("type") == "suspended":
            stopped = e.get("reason")
        elif e.get("type") == "resumed_after_crash":
            e = {**e, "after": stopped}  # how it stopped decides what the resume is called
        try:
            _place(e, phases, planned, by_id)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue
    return Timeline(summary, phases, events, notes, summary.closing)


def _notes(events: list[Event]) -> list[Event]:
    notes: dict[str, Event] = {}
    for e in events:
        kind = e.get("type")
        if kind == "note":
            notes[str(e.get("id"))] = dict(e)
        elif kind == "note_retracted":
            notes.pop(str(e.get("note")), None)
        elif kind == "amended" and isinstance(e.get("fields"), dict) and e.get("note") in notes:
            notes[str(e["note"])].update(e["fields"])
            notes[str(e["note"])]["amended"] = True
    return list(notes.values())


STOPPED = {
    "quit": "the app was quit",
    "signal": "the app was stopped by the system",
    "terminal closed": "the terminal was closed",
    "error": "the app stopped on an error",
    "connection lost": "the connection was lost",
    "crash": "the app stopped unexpectedly",
}

_SHOWN = {
    "note",
    "toggle_started",
    "toggle_ended",
    "paused",
    "resumed",
    "cue",
    "region_set",
    "target_changed",
    "suspended",
    "resumed_after_crash",
    "closing_note",
}


def _place(e: Event, phases: list[PhaseRun], planned: list[Any], notes: dict[str, Event]) -> None:
    kind = e.get("type")
    if kind == "phase_started":
        index = int(e["phase"])
        name = planned[index]["name"] if index < len(planned) else f"phase {index + 1}"
        phases.append(PhaseRun(index, str(name), e.get("target"), start_t=float(e["t"])))
    elif kind == "phase_ended" and phases:
        phases[-1].real = float(e["length"])
    elif kind in _SHOWN and phases:
        if kind == "note":
            if str(e.get("id")) not in notes:
                return  # retracted
            e = notes[str(e["id"])]
        phases[-1].items.append(e)


def describe(e: Event) -> str:
    """One line of text for an event in the timeline."""
    kind = e.get("type")
    where = f" @ {e['region']}" if e.get("region") else ""
    if kind == "note":
        label = " · ".join(str(x) for x in (e.get("tag"), e.get("text")) if x)
        return f"note: {label}{where}" + (" (amended)" if e.get("amended") else "")
    if kind == "toggle_started":
        return f"{e.get('tag')} began{where}"
    if kind == "toggle_ended":
        return f"{e.get('tag')} ended after {_secs(e.get('duration'))}"
    if kind == "paused":
        return "paused"
    if kind == "resumed":
        return f"resumed after {_secs(e.get('paused_for'))}"
    if kind == "cue":
        return f"cue {e.get('kind')}: {e.get('sound')} ({e.get('outcome')})"
    if kind == "region_set":
        return f"hands at {e.get('name')}"
    if kind == "target_changed":
        return f"target {_secs(e.get('old'))} -> {_secs(e.get('new'))}"
    if kind == "closing_note":
        return f"closing note: {e.get('text')}"
    if kind == "suspended":
        return STOPPED.get(str(e.get("reason")), "stopped")
    if kind == "resumed_after_crash":
        after = e.get("after")
        how = (
            "the gap counted as session time"
            if e.get("counted") == "session"
            else "the gap as a pause"
        )
        if after in (None, "crash"):
            return f"resumed after a crash ({how})"
        return f"resumed after {STOPPED.get(str(after), 'a stop')} ({how})"
    return str(kind).replace("_", " ")


def _secs(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "?"
    return readable.clock(value)


def stamp(e: Event) -> tuple[str, str]:
    """Session time (M:SS) and wall time (HH:MM:SS) of an event."""
    at = e.get("at")
    wall = at[11:19] if isinstance(at, str) else ""
    return _secs(e.get("t")), wall
