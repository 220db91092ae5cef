"""Filling a Summary from a journal's events, one event at a time, within a bound.

A journal's notes, toggles and findings are kept for the index (tags, texts, marks) up to
``KEEP_NOTES`` of them and ``KEEP_TEXT`` characters of their tags, regions and texts; past
that they are counted, not kept, and the summary says what the index leaves out. A planted
journal of a million notes thus costs what twenty thousand do, and a line reader fed one
event at a time (:class:`Reading`) never holds a list of the journal's events.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sessiontimer.core.field_kinds import pain_score, rhythm_rate
from sessiontimer.core.renames import renamed_client

if TYPE_CHECKING:
    from sessiontimer.review.summary import Summary

Event = dict[str, Any]
KEEP_NOTES = 20_000  # notes, toggles and findings a summary keeps (the rest are counted)
KEEP_TEXT = 4 << 20  # characters of their tags, regions and texts it keeps
FINDING_KINDS = frozenset({"pain", "rhythm", "plan"})  # issue 18's lines the index holds
_KINDS = frozenset(
    {"note_retracted", "toggle_started", "amended", "closing_note", "session_ended"}
    | {"resumed_after_crash", "signed"}
    | FINDING_KINDS
)
_NOTE_KEYS = ("tag", "region", "text")  # what the index reads of a note or toggle
_FOUND_KEYS = ("type", "region", "station", "value", "after", "rate")
_TOTALS: dict[int, tuple[list[Any], float]] = {}  # id(plan) -> (plan, total of its targets)
_TOTALS_MAX = 512


def _slim(e: Event, keys: tuple[str, ...]) -> Event:
    """Only what the summary reads of ``e`` (a planted line may carry a large other field)."""
    return {k: e[k] for k in keys if k in e}


def _size(e: Event) -> int:
    """Characters of a kept note's tag, region and text (other values as they print)."""
    size = 0
    for key in _NOTE_KEYS:
        value = e.get(key)
        if value is not None:
            size += len(value) if isinstance(value, str) else len(str(value))
    return size


class Reading:
    """One summary being filled: :meth:`begin` with the session_started event (or None),
    :meth:`feed` every event in order, then :meth:`finish` with the largest ``t``."""

    def __init__(self, summary: Summary, *, slim: bool = True) -> None:
        self.summary = summary
        self.slim = slim  # False: the events are all in memory anyway (the fast path)
        self.notes: dict[str, Event] = {}
        self.toggles: list[Event] = []
        self.found: dict[str, Event] = {}  # pain and rhythm lines, by id (amended like notes)
        self.kept = 0  # notes, toggles and findings kept
        self.chars = 0  # characters of the kept ones
        self.extra = 0  # notes and toggles past the bound: counted only
        self.full: set[str] = set()  # which bound was reached ("count", "text")
        self.ended: Any = None
        self.resumed = False
        self.signed = False
        self.start_id: Any = None
        self.said: list[str] = []  # the start's problems

    def begin(self, start: Event | None) -> None:
        """The start's values now (a rename later changes the client); its problems are said
        at :meth:`finish`, after the reader's own."""
        if start is None:
            self.said = ["no session_started line: not a session journal"]
            return
        self.start_id = start.get("id")
        problems = self.summary.problems
        self.summary.problems = self.said
        try:
            _apply_start(self.summary, start)
        finally:
            self.summary.problems = problems

    def _room(self, chars: int) -> bool:
        if self.kept >= KEEP_NOTES:
            self.full.add("count")
            return False
        if self.chars + chars > KEEP_TEXT:
            self.full.add("text")
            return False
        return True

    def feed(self, e: Event) -> None:
        kind = e.get("type")
        if kind == "note":  # the common case, kept short
            if e.get("tag") or e.get("text"):
                self._note(str(e.get("id")), e)
        elif kind in _KINDS:
            self._rare(kind, e)

    def _note(self, key: str, e: Event) -> None:
        size = _size(e)
        old = self.notes.get(key)
        if old is None:
            if self._room(size):
                self.notes[key] = _slim(e, _NOTE_KEYS) if self.slim else e
                self.kept += 1
                self.chars += size
            else:
                self.extra += 1
            return
        grown = size - _size(old)
        if self.chars + grown <= KEEP_TEXT:
            self.notes[key] = _slim(e, _NOTE_KEYS) if self.slim else e  # in its place
            self.chars += grown
            return
        del self.notes[key]  # amended past the bound: counted, no longer kept
        self.full.add("text")
        self.kept -= 1
        self.chars -= size - grown
        self.extra += 1

    def _rare(self, kind: str, e: Event) -> None:
        """The rarer kinds; a note is never changed in place (amendments make a new dict)."""
        summary = self.summary
        if kind == "note_retracted":
            target = str(e.get("note"))
            if (old := self.notes.pop(target, None)) is not None:
                self.kept -= 1
                self.chars -= _size(old)
            elif self.found.pop(target, None) is not None:
                self.kept -= 1
            elif self.extra:
                self.extra -= 1  # most likely one past the bound (their ids are not kept)
        elif kind in ("pain", "rhythm"):
            target = str(e.get("id"))
            if target in self.found:
                self.found[target] = _slim(e, _FOUND_KEYS)
            elif self._room(0):
                self.found[target] = _slim(e, _FOUND_KEYS)
                self.kept += 1
        elif kind == "plan":
            if isinstance(e.get("text"), str):
                summary.plan = e["text"]
        elif kind == "toggle_started":
            size = _size(e)
            if self._room(size):
                self.toggles.append(_slim(e, _NOTE_KEYS))
                self.kept += 1
                self.chars += size
            else:
                self.extra += 1
        elif kind == "amended" and isinstance(e.get("fields"), dict):
            self._amended(e)
        elif kind == "closing_note" and isinstance(e.get("text"), str):
            summary.closing = e["text"]
        elif kind == "session_ended":
            self.ended = e.get("reason")
        elif kind == "resumed_after_crash":
            self.resumed = True
        elif kind == "signed":
            self.signed = True

    def _amended(self, e: Event) -> None:
        self.summary.amended = True
        target = str(e.get("note"))
        if target in self.notes:
            self._note(target, {**self.notes[target], **e["fields"]})
        elif target in self.found:
            self.found[target] = _slim({**self.found[target], **e["fields"]}, _FOUND_KEYS)
        elif (name := renamed_client(e, self.start_id)) is not None:
            self.summary.client = name or None

    def finish(self, top: float | None) -> None:
        summary, notes = self.summary, self.notes.values()
        summary.duration = float(top) if top is not None else 0.0
        summary.notes = len(self.notes) + len(self.toggles) + self.extra  # a still point too
        summary.tags = [[n.get("tag"), n.get("region")] for n in notes if n.get("tag")]
        summary.tags += [[t.get("tag"), t.get("region")] for t in self.toggles if t.get("tag")]
        # A typed note taken at a region: no tag, but ``region:`` must find it.
        summary.tags += [[None, n["region"]] for n in notes if not n.get("tag") and n.get("region")]
        summary.texts = [str(n["text"]) for n in notes if n.get("text")]
        summary.findings = [f for f in map(_finding, self.found.values()) if f is not None]
        summary.problems += self.said
        if self.full:
            summary.problems.append(_left_out(self.full))
        summary.status = _status(summary, self.ended, self.resumed)
        if self.signed:
            summary.signature = "signed"
        elif self.ended is not None:
            summary.signature = "unsigned"


def _left_out(full: set[str]) -> str:
    bound = f"the first {KEEP_NOTES}" if "count" in full else "the first ones"
    text = f" ({KEEP_TEXT} characters of their text)" if "text" in full else ""
    return (
        f"more notes than the index keeps: the index keeps {bound}{text}; "
        "the others are counted, but tags and text search do not find them"
    )


def apply_events(
    summary: Summary, events: list[Event], last_is_top: bool = False, top: float | None = None
) -> None:
    """Fill ``summary`` from the events; bad values are skipped, never raised.

    ``last_is_top``: the last event's ``t`` is a number and no other is larger (the fast
    path has checked it), so the session's length need not be searched for.
    """
    reading = Reading(summary, slim=False)
    reading.begin(next((e for e in events if e.get("type") == "session_started"), None))
    for e in events:
        reading.feed(e)
    if last_is_top:
        top = events[-1]["t"]
    elif top is None:
        top = _top(events)
    reading.finish(top)


def _top(events: list[Event]) -> float | None:
    """The largest numeric ``t`` (None when there is none)."""
    top = None
    for e in events:
        t = e.get("t")
        if isinstance(t, (int, float)) and (top is None or t > top):
            top = t
    return top


def _finding(e: Event) -> list[str | None] | None:
    """[label, region] of a pain or rhythm line, as the treatment note reads it (a value it
    would not show makes none): "pain 6" at its region ("pain 6 after" once the session
    ended), "rhythm 8/min" at its station."""
    region = e.get("station") if e.get("type") == "rhythm" else e.get("region")
    where = region if isinstance(region, str) and region else None
    if e.get("type") == "pain":
        value = pain_score(e.get("value"))
        if value is None:
            return None
        return [f"pain {value}" + (" after" if e.get("after") is True else ""), where]
    rate = rhythm_rate(e.get("rate"))
    if rate is None:
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
        float(p["target"]) for p in planned if isinstance(p, dict) and _length(p.get("target"))
    )
    if len(_TOTALS) >= _TOTALS_MAX:
        _TOTALS.clear()
    _TOTALS[id(planned)] = (planned, total)
    return total


def _length(value: Any) -> bool:
    """A phase's planned length a session can have: a planted NaN, 1e400 or -5 counts for
    nothing (NaN went into the index as NULL and stopped every logs list)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e7


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
