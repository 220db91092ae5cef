"""One row per journal: what the Sessions list, the filter and the index need.

A file the app wrote, in its compact form, takes the fast path of :mod:`fast_scan`; any
surprise falls back to the tolerant reader of the core, so a damaged file is listed with
what could be read, and never modified.
"""

from __future__ import annotations

import operator
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sessiontimer.core.journal import renamed_client
from sessiontimer.review.fast_scan import Event, fast_events

_TOTALS: dict[int, tuple[list[Any], float]] = {}  # id(plan) -> (plan, total of its targets)
_TOTALS_MAX = 512


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
    tags: list[list[str | None]] = field(default_factory=list)  # [tag or None, region]
    texts: list[str] = field(default_factory=list)
    closing: str = ""
    problems: list[str] = field(default_factory=list)
    amended: bool = False
    signature: str = ""  # "signed", "unsigned" (ended, no signed line) or "" (not ended)
    # Findings (issue 18): [label, region], e.g. ["pain 6", "sacrum"], ["rhythm 8/min", None]
    findings: list[list[str | None]] = field(default_factory=list)
    plan: str = ""  # "plan for next time": the latest plan line's text

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
        return list(_ROW(self))

    @classmethod
    def from_row(cls, row: list[Any]) -> Summary:
        return cls(*row)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = tuple(Summary.__dataclass_fields__)
_ROW = operator.attrgetter(*_FIELDS)


def summarize(path: Path, sessions_dir: Path) -> Summary:
    """Summary of one journal; never raises for its content and never writes to it."""
    return summarize_rel(str(sessions_dir), path.relative_to(sessions_dir).as_posix())


Stamp = tuple[int, int]  # (size, mtime_ns) of a journal, as the index keys it


def summarize_rel(sessions_dir: str, rel: str, *, fast: bool = True) -> Summary:
    """:func:`summarize` for ``sessions_dir/rel`` given as strings (the hot loop of a scan).

    ``fast=False`` always takes the tolerant reader (the tests compare the two).
    """
    return summarize_stamped(sessions_dir, rel, fast=fast)[0]


def summarize_stamped(
    sessions_dir: str, rel: str, *, fast: bool = True
) -> tuple[Summary, Stamp | None]:
    """:func:`summarize_rel`, plus the stamp of the bytes it read (None if it could not)."""
    full = os.path.join(sessions_dir, rel)
    summary = Summary(id=rel.rpartition("/")[2].removesuffix(".jsonl"), rel=rel)
    try:
        data, stamp = _read(full)
    except OSError as exc:
        summary.problems.append(f"cannot read: {exc.strerror or exc}")
        return summary, None
    events = fast_events(data) if fast and data is not None else None
    if events is not None:
        _apply(summary, events, last_is_top=True)  # checked by fast_scan
        return summary, stamp
    _apply_streamed(summary, full)
    return summary, stamp


# The types review reads; the rest (checkpoints, cues) only count for the session's length.
FINDING_KINDS = frozenset({"pain", "rhythm", "plan"})  # issue 18's lines the index holds
_REVIEWED = frozenset({"session_started", "note"}) | frozenset(
    {"note_retracted", "toggle_started", "amended", "closing_note", "session_ended"}
    | {"resumed_after_crash", "signed"}
    | FINDING_KINDS
)


def _apply_streamed(summary: Summary, full: str) -> None:
    """The tolerant reader's events, one line at a time: only what review shows is kept."""
    from sessiontimer.core.journal_read import JournalStream

    stream = JournalStream(Path(full))
    kept: list[Event] = []
    top: float | None = None
    count = 0
    for count, e in enumerate(stream, start=1):  # noqa: B007 - used after
        t = e.get("t")
        if isinstance(t, (int, float)) and (top is None or t > top):
            top = t
        if e["type"] in _REVIEWED:
            kept.append(e)
    summary.problems.extend(p.replace(f"{full}, ", "") for p in stream.problems)
    if stream.truncated_tail:
        summary.problems.append("the last line is half-written")
    if not count and not summary.problems:
        summary.problems.append("the file is empty")
    _apply(summary, kept, top=top)


FAST_MAX = 8 << 20  # a larger file (no session the app writes is) is read line by line


def _read(path: str) -> tuple[bytes | None, Stamp]:
    """The whole file and its stamp, in three system calls: open, fstat, read.

    None instead of the bytes for a file over FAST_MAX: it is read line by line instead.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        if st.st_size > FAST_MAX:
            return None, (st.st_size, st.st_mtime_ns)
        data = os.read(fd, st.st_size + 1)  # one read, unless the file grew since fstat
        if len(data) > st.st_size:
            return None, (st.st_size, st.st_mtime_ns)  # growing: the line reader takes it
    finally:
        os.close(fd)
    return data, (st.st_size, st.st_mtime_ns)  # a stale stamp only means a re-read later


def _apply(
    summary: Summary, events: list[Event], last_is_top: bool = False, top: float | None = None
) -> None:
    """Fill ``summary`` from the events; bad values are skipped, never raised.

    ``last_is_top``: the last event's ``t`` is a number and no other is larger (the fast
    path has checked it), so the session's length need not be searched for.
    """
    start = next((e for e in events if e.get("type") == "session_started"), None)
    if start is None:
        summary.problems.append("no session_started line: not a session journal")
    else:
        _apply_start(summary, start)
    notes: dict[str, Event] = {}
    toggles: list[Event] = []
    found: dict[str, Event] = {}  # pain and rhythm lines, by id (amended like notes)
    seen = {"ended": None, "resumed": False, "start_id": start.get("id") if start else None}
    seen["signed"] = False  # a ``signed`` line: the treatment note was signed
    for e in events:
        kind = e.get("type")
        if kind == "note":  # the common case, kept out of the call
            if e.get("tag") or e.get("text"):
                notes[str(e.get("id"))] = e
        elif kind in _KINDS:
            _apply_event(summary, e, notes, toggles, seen, found)
    if last_is_top:
        top = events[-1]["t"]
    elif top is None:
        top = _top(events)
    summary.duration = float(top) if top is not None else 0.0
    summary.notes = len(notes) + len(toggles)  # a still point is an observation too
    summary.tags = [[n.get("tag"), n.get("region")] for n in notes.values() if n.get("tag")]
    summary.tags += [[t.get("tag"), t.get("region")] for t in toggles if t.get("tag")]
    # A typed note taken at a region: no tag, but ``region:`` must find it.
    summary.tags += [
        [None, n["region"]] for n in notes.values() if not n.get("tag") and n.get("region")
    ]
    summary.texts = [str(n["text"]) for n in notes.values() if n.get("text")]
    summary.findings = [f for f in map(_finding, found.values()) if f is not None]
    summary.status = _status(summary, seen["ended"], bool(seen["resumed"]))
    if seen["signed"]:
        summary.signature = "signed"
    elif seen["ended"] is not None:
        summary.signature = "unsigned"


def _top(events: list[Event]) -> float | None:
    """The largest numeric ``t`` (None when there is none)."""
    top = None
    for e in events:
        t = e.get("t")
        if isinstance(t, (int, float)) and (top is None or t > top):
            top = t
    return top


_KINDS = frozenset(
    {"note_retracted", "toggle_started", "amended", "closing_note", "session_ended"}
    | {"resumed_after_crash", "signed"}
    | FINDING_KINDS
)


def _finding(e: Event) -> list[str | None] | None:
    """[label, region] of a pain or rhythm line, as the treatment note reads it (a value it
    would not show makes none): "pain 6" at its region ("pain 6 after" once the session
    ended), "rhythm 8/min" at its station."""
    region = e.get("station") if e.get("type") == "rhythm" else e.get("region")
    where = region if isinstance(region, str) and region else None
    if e.get("type") == "pain":
        value = e.get("value")
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
            return None
        return [f"pain {value}" + (" after" if e.get("after") is True else ""), where]
    rate = e.get("rate")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 < rate < 1000:
        return None
    return [f"rhythm {rate:g}/min", where]


def _apply_start(summary: Summary, start: Event) -> None:
    at = start.get("at")
    if isinstance(at, str) and _is_wall_time(at):
        summary.start = at
    else:
        summary.problems.append("the session_started line has no readable start time")
    client = start.get("client")
    summary.client = client if isinstance(client, str) and client else None
    preset = start.get("preset")
    if isinstance(preset, dict) and isinstance(preset.get("name"), str):
        summary.preset = preset["name"]
    planned = start.get("planned")
    if isinstance(planned, list):
        summary.planned = _planned_total(planned)


def _is_wall_time(text: str) -> bool:
    """An ISO date and time the screens can sort and group by (a planted line may hold any)."""
    if len(text) < 16 or not text[:4].isdigit():
        return False
    try:
        datetime.fromisoformat(text[:-1] if text.endswith("Z") else text)
    except ValueError:
        return False
    return True


def _planned_total(planned: list[Any]) -> float:
    """Sum of the phases' targets; once per plan shared through the memo (same object)."""
    known = _TOTALS.get(id(planned))
    if known is not None and known[0] is planned:  # the object itself is kept: id not reused
        return known[1]
    total = sum(
        float(p["target"])
        for p in planned
        if isinstance(p, dict) and isinstance(p.get("target"), (int, float))
    )
    if len(_TOTALS) >= _TOTALS_MAX:
        _TOTALS.clear()
    _TOTALS[id(planned)] = (planned, total)
    return total


def _apply_event(
    summary: Summary,
    e: Event,
    notes: dict[str, Event],
    toggles: list[Event],
    seen: dict[str, Any],
    found: dict[str, Event],
) -> None:
    """The rarer kinds; a note is never changed in place (amendments make a new dict)."""
    kind = e.get("type")
    if kind == "note_retracted":
        notes.pop(str(e.get("note")), None)
        found.pop(str(e.get("note")), None)
    elif kind in ("pain", "rhythm"):
        found[str(e.get("id"))] = e
    elif kind == "plan":
        if isinstance(e.get("text"), str):
            summary.plan = e["text"]
    elif kind == "toggle_started":
        toggles.append(e)
    elif kind == "amended" and isinstance(e.get("fields"), dict):
        summary.amended = True
        target = str(e.get("note"))
        if target in notes:
            notes[target] = {**notes[target], **e["fields"]}
        elif target in found:
            found[target] = {**found[target], **e["fields"]}
        elif (name := renamed_client(e, seen["start_id"])) is not None:
            summary.client = name or None
    elif kind == "closing_note" and isinstance(e.get("text"), str):
        summary.closing = e["text"]
    elif kind == "session_ended":
        seen["ended"] = e.get("reason")
    elif kind == "resumed_after_crash":
        seen["resumed"] = True
    elif kind == "signed":
        seen["signed"] = True


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
