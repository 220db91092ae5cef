"""One session in full, for the timeline view, ``logs show`` and the Markdown export.

Built from the journal read once, one line at a time (in a worker): phases with planned and
real length, notes with session and wall time (retractions removed, amendments applied),
still points and other toggles, pain scores and rhythm readings, pauses, cues, the closing
note and the plan.

Bounded whatever the file holds: at most ``LIMIT`` notes and closing notes and ``LIMIT``
other events (phases, cues, pauses...) are kept; the lines past either cap are counted in
``hidden`` and the timeline says so (a session of many hours writes a cue line every few
minutes; a planted journal can hold millions). Checkpoints are passed over undecoded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sessiontimer.core import readable
from sessiontimer.core.journal_read import JournalStream
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


LIMIT = 10_000  # notes (and closing notes) kept, and other events kept, each


@dataclass
class Timeline:
    summary: Summary
    phases: list[PhaseRun]
    path: Path
    notes: list[Event]  # notes as they stand (amended, not retracted)
    closing: str
    hidden: int = 0  # lines the timeline would show but did not keep (past LIMIT)
    page: int = 0  # which LIMIT other events are kept: the first (0), the next (1), ...
    before: int = 0  # other events of the pages before this one (not kept)
    shown: int = 0  # other events kept on this page (0: a page past the last)

    def each_event(self) -> Iterator[Event]:
        """Every line as read, one at a time (the JSON and events exports stream them)."""
        return iter(JournalStream(self.path))


def load_timeline(path: Path, sessions_dir: Path, page: int = 0) -> Timeline:
    """Read one journal line by line; a damaged file gives what could be read.

    ``page``: which ``LIMIT`` other events (cues, pauses, phases) are kept; the notes kept
    are the same on every page. A planted journal of a million lines is read in pages, each
    in bounded memory, rather than cut at the first ``LIMIT``.
    """
    summary = summarize(path, sessions_dir)
    kept = _Kept(page * LIMIT)
    planned: list[Any] | None = None
    stopped: Any = None  # the reason of the last `suspended` line
    stream = JournalStream(path, _READ)
    for e in stream:
        kind = e.get("type")
        if kind == "session_started":
            if planned is None:
                raw_plan = e.get("planned")
                planned = raw_plan if isinstance(raw_plan, list) else []
            continue
        if kind == "suspended":
            stopped = e.get("reason")
        elif kind == "resumed_after_crash":
            e = {**e, "after": stopped}  # how it stopped decides what the resume is called
        try:
            kept.place(e, planned or [])
        except (TypeError, ValueError, KeyError, AttributeError):
            continue
    for problem in stream.problems:  # a line the list's fast read passed over undecoded
        problem = problem.replace(f"{path}, ", "")
        if problem not in summary.problems:
            summary.problems.append(problem)
    phases = kept.phases
    for phase in phases:
        phase.items = [e for e in phase.items if e.get("type") != "note" or _live(e, kept)]
    notes = list(kept.notes.values())
    return Timeline(
        summary, phases, path, notes, summary.closing, kept.hidden, page, kept.before, kept.other
    )


def _live(note: Event, kept: _Kept) -> bool:
    return kept.notes.get(str(note.get("id"))) is note


def hidden_line(tl: Timeline, *, keys: bool = True) -> str:
    """What the timeline says of the lines it did not keep ("" when it kept them all);
    ``keys``: name the screen's page keys; else ``logs show``'s ``--page`` and ``--all``."""
    if not tl.hidden and not tl.before:
        return ""
    first = tl.before + 1
    said = (
        f"Other events from no. {first:,} on are shown (a timeline shows at most "
        f"{LIMIT:,} notes and {LIMIT:,} other events at a time)"
    )
    show = f"`sessiontimer logs show {tl.summary.id} --page"
    if tl.hidden:
        said += f"; {tl.hidden:,} more lines are not shown" + (
            ": page down with ]" if keys else f": {show} {tl.page + 2}` shows them, `--all` all"
        )
    if tl.before:
        said += "; [ goes back to the earlier ones" if keys else f"; {show} {tl.page}` goes back"
    return f"{said}. `sessiontimer logs export {tl.summary.id} --format events` lists every line."


class _Kept:
    """What the timeline holds while it reads: phases, their items, the notes by id."""

    def __init__(self, skip: int = 0) -> None:
        self.phases: list[PhaseRun] = []
        self.notes: dict[str, Event] = {}
        self.cues: dict[str, Event] = {}  # by id: a later word on one (cue_updated) goes there
        self.clinical = 0  # notes and closing notes kept
        self.other = 0  # phases and other items kept
        self.hidden = 0
        self.skip = skip  # other events of the pages before: passed over, counted
        self.before = 0

    def _room(self, clinical: bool) -> bool:
        """Count one more kept line of its kind; False (counted as hidden) when full."""
        if clinical and self.clinical < LIMIT:
            self.clinical += 1
            return True
        if not clinical and self.before < self.skip:
            self.before += 1
            return False
        if not clinical and self.other < LIMIT:
            self.other += 1
            return True
        self.hidden += 1
        return False

    def place(self, e: Event, planned: list[Any]) -> None:
        kind = e.get("type")
        if kind == "note_retracted":
            self.notes.pop(str(e.get("note")), None)
        elif kind == "amended":
            note = self.notes.get(str(e.get("note")))
            if note is not None and isinstance(e.get("fields"), dict):
                note.update(e["fields"])
                note["amended"] = True
        elif kind == "cue_updated":
            cue = self.cues.get(str(e.get("cue")))
            if cue is not None:
                cue["later"] = e.get("reason") or e.get("outcome")
        elif kind == "phase_started":
            index = int(e["phase"])
            name = planned[index].get("name") if index < len(planned) else None
            if not isinstance(name, str):  # past the plan, or a planted name
                name = f"phase {index + 1}"
            run = PhaseRun(index, str(name), e.get("target"), start_t=float(e["t"]))
            if self._room(False) or not self.phases:  # a page's items need a phase to be in
                self.phases.append(run)
            elif self.before <= self.skip and self.other == 0:
                self.phases[-1] = run  # still before this page: its latest phase holds them
        elif kind == "phase_ended" and self.phases:
            self.phases[-1].real = float(e["length"])
        elif kind in _SHOWN and self.phases:
            if not self._room(kind in ("note", "closing_note")):
                return
            if kind == "note":
                e = dict(e)
                self.notes[str(e.get("id"))] = e
                _file_note(e, self.phases)
                return
            if kind == "cue":
                e = dict(e)
                self.cues[str(e.get("id"))] = e
            self.phases[-1].items.append(e)


STOPPED = {
    "quit": "the app was quit",
    "signal": "the app was stopped by the system",
    "terminal closed": "the terminal was closed",
    "error": "the app stopped on an error",
    "connection lost": "the connection was lost",
    "crash": "the app stopped unexpectedly",
}
# A cue's outcome as the timeline says it, where the journal's one word is not enough.
OUTCOMES = {"faded": "cut short as it began: faded out"}

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
    "audio_backend_changed",
    "pain",
    "rhythm",
}
_READ = frozenset({"session_started", "phase_started", "phase_ended", "note_retracted",
                   "amended", "cue_updated", *_SHOWN})  # fmt: skip


def _file_note(e: Event, phases: list[PhaseRun]) -> None:
    """Under the phase run it was taken in, in time order: a typed note is written when it
    is saved, but stands at the moment its key was pressed (its ``t`` and ``phase``)."""
    t, phase = e.get("t"), e.get("phase")
    if not isinstance(t, (int, float)) or isinstance(t, bool):
        phases[-1].items.append(e)
        return
    runs = [r for r in phases if r.index == phase and r.start_t <= t] or [phases[-1]]
    items = runs[-1].items
    at = len(items)
    while at > 0 and _t_of(items[at - 1]) > t:
        at -= 1
    items.insert(at, e)


def _t_of(e: Event) -> float:
    t = e.get("t")
    return float(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else 0.0


def describe(e: Event) -> str:
    """One line of text for an event in the timeline."""
    kind = e.get("type")
    where = f" @ {e['region']}" if e.get("region") else ""
    if kind == "note":
        text = f"“{e['text']}” (the client's words)" if e.get("words") and e.get("text") else None
        label = " · ".join(str(x) for x in (e.get("tag"), text or e.get("text")) if x)
        felt = f", felt at {e['felt_at']}" if e.get("felt_at") else ""
        return f"note: {label}{where}{felt}" + (" (amended)" if e.get("amended") else "")
    if kind in ("pain", "rhythm"):
        return _finding(e)
    if kind == "toggle_started":
        return f"{e.get('tag')} began{where}"
    if kind == "toggle_ended":
        return f"{e.get('tag')} ended after {_secs(e.get('duration'))}"
    if kind == "paused":
        return "paused"
    if kind == "resumed":
        return f"resumed after {_secs(e.get('paused_for'))}"
    if kind == "cue":
        outcome = OUTCOMES.get(str(e.get("outcome")), e.get("outcome"))
        if e.get("later"):  # it began, then a later line said what became of it
            outcome = f"{outcome}, then {e['later']}"
        return f"cue {e.get('kind')}: {e.get('sound')} ({outcome})"
    if kind == "audio_backend_changed":
        change = f"{e['previous']} -> {e.get('backend')}" if e.get("previous") else e.get("backend")
        return f"sound: {change}" + (f" ({e['reason']})" if e.get("reason") else "")
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


def _finding(e: Event) -> str:
    """A pain score or a rhythm reading, in the treatment note's words."""
    if e.get("type") == "pain":
        after = " (after the session)" if e.get("after") is True else ""
        where = f" @ {e['region']}" if e.get("region") else ""
        return f"pain {e.get('value')}/10{where}{after}"
    where = f" @ {e['station']}" if e.get("station") else ""
    qualities = e.get("qualities")
    given = ""
    if isinstance(qualities, dict) and qualities:
        given = "; " + ", ".join(f"{k} {v}" for k, v in qualities.items() if isinstance(v, str))
    rate = e.get("rate")
    shown = f"{rate:g}" if isinstance(rate, (int, float)) else "?"  # the reader checked it
    return f"rhythm {shown}/min ({e.get('taps')} taps{given}){where}"


def _secs(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "?"
    return readable.clock(value)


def stamp(e: Event) -> tuple[str, str]:
    """Session time (M:SS) and wall time (HH:MM:SS) of an event."""
    at = e.get("at")
    wall = at[11:19] if isinstance(at, str) else ""
    return _secs(e.get("t")), wall
