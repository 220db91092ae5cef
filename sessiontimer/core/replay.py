"""Where an unfinished session stood: the journal's events replayed onto a ResumeInfo.

Journals come back after crashes, from older versions and from other hands: a line whose
values cannot be (a phase the preset lacks, a target that is not a number of seconds) is
skipped as damage; it never moves the session or stops the replay.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sessiontimer.core.engine import ResumePoint
from sessiontimer.core.journal import SCHEMA, preset_from_dict
from sessiontimer.core.model import Preset
from sessiontimer.core.renames import renamed_client

Event = dict[str, Any]

# A resumed session holds the last NOTES_HELD notes of its journal (what its screen shows and
# undo reaches back to); the earlier ones stay in the journal, which keeps every line. A real
# session writes tens of notes; a planted one of a million must not be held to be resumed.
NOTES_HELD = 1000
TOGGLES_HELD = 100  # open still points held; a toggle's tags come from the config


class JournalError(ValueError):
    """A journal that cannot be resumed (no session start, unreadable preset)."""


class UnusablePreset(JournalError):
    """A journal read well enough, whose preset snapshot holds what no session can have."""


class NoSessionStart(JournalError):
    """Not a session's journal at all (empty, or no ``session_started`` line)."""


@dataclass
class ResumeInfo:
    """Where a session stood at its last durable line: enough to rebuild the engine and UI."""

    preset: Preset
    client: str | None
    app: str
    session_elapsed: float
    phase_index: int
    run: int
    phase_elapsed: float
    target: float | None
    start_cue_played: bool
    paused: bool
    last_wall: datetime | None
    region_index: int | None
    region_name: str | None
    open_toggles: dict[str, Event] = field(default_factory=dict)  # tag -> toggle_started line
    notes: list[Event] = field(default_factory=list)  # not retracted, amendments applied
    notes_not_held: int = 0  # earlier notes of the journal left out of ``notes`` (NOTES_HELD)
    findings: list[Event] = field(default_factory=list)  # pain and rhythm lines, the last held
    # toggles that ended (still points), the last held: the start line with the end's duration
    finished_toggles: list[Event] = field(default_factory=list)
    runs: dict[int, int] = field(default_factory=dict)  # phase -> highest run started
    last_id: int = 0  # the highest "e<n>" number: new lines continue after it
    suspended: bool = False  # the last line is already a ``suspended``
    ended: bool = False

    def gap_until(self, wall: datetime) -> float:
        """Wall seconds between the last durable line and ``wall`` (never negative)."""
        if self.last_wall is None:
            return 0.0
        return max(0.0, (wall - self.last_wall).total_seconds())

    def resume_point(self, how: str, gap: float) -> ResumePoint:
        """The engine's restart point; ``how == "session"`` counts the gap as session time."""
        extra = gap if how == "session" and not self.paused else 0.0
        return ResumePoint(
            phase_index=self.phase_index,
            run=self.run,
            phase_elapsed=self.phase_elapsed + extra,
            session_elapsed=self.session_elapsed + extra,
            target=self.target,
            start_cue_played=self.start_cue_played,
            paused=self.paused,
        )


def resume_state(events: Iterable[Event], *, light: bool = False) -> ResumeInfo:
    """Replay the events of one journal; JournalError if it has no usable session start.

    ``light``: where the session stood only, for the offer at start: notes and open toggles
    are not kept (a planted journal of a million notes must not be held to describe it).
    """
    events = iter(events)
    start = next((e for e in events if e.get("type") == "session_started"), None)
    if start is None:
        raise NoSessionStart("this journal has no session_started line: nothing to resume")
    try:
        preset = preset_from_dict(start.get("preset"))
    except ValueError as exc:
        raise UnusablePreset(f"the preset in this journal cannot be rebuilt: {exc}") from exc
    client = start.get("client")
    info = ResumeInfo(
        preset=preset,
        client=client if isinstance(client, str) and client else None,
        app=str(start.get("app", "")),
        session_elapsed=0.0,
        phase_index=0,
        run=1,
        phase_elapsed=0.0,
        target=preset.phases[0].target,
        start_cue_played=False,
        paused=False,
        last_wall=None,
        region_index=None,
        region_name=None,
    )
    _Replay(info, start.get("id"), keep=not light).run(itertools.chain([start], events))
    return info


def wall_time(text: str) -> datetime:
    """An ISO wall time; one without an offset (a hand-edited or foreign line) is local time."""
    stamp = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return stamp if stamp.tzinfo is not None else stamp.astimezone()


def _seconds(value: Any, *, none: bool = False) -> bool:
    """A finite, non-negative number of seconds (or None where ``none``)."""
    if value is None:
        return none
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e9


class _Replay:
    """Applies events in order to a ResumeInfo; unknown types and bad values are skipped."""

    def __init__(self, info: ResumeInfo, start_id: object = None, *, keep: bool = True) -> None:
        self.info, self.start_id = info, start_id
        self.keep = keep  # notes and open toggles are kept (a resume, not an offer)
        self.phase_start_t = 0.0
        self.notes: dict[str, Event] = {}  # the last NOTES_HELD notes by id, oldest first

    def run(self, events: Iterable[Event]) -> None:
        for event in events:
            try:
                self.apply(event)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # a damaged line must not stop recovery
        info = self.info
        info.phase_elapsed = max(0.0, info.session_elapsed - self.phase_start_t)
        info.notes = list(self.notes.values())

    def apply(self, e: Event) -> None:
        info, kind = self.info, e["type"]
        if kind not in SCHEMA:
            return  # a type from a later version: skipped whole, envelope included
        t = e.get("t")
        if isinstance(t, (int, float)) and math.isfinite(t):
            info.session_elapsed = max(info.session_elapsed, float(t))
        if isinstance(e.get("at"), str):
            info.last_wall = wall_time(e["at"])
        ident = e.get("id")
        if isinstance(ident, str) and ident[:1] == "e" and ident[1:].isdigit():
            info.last_id = max(info.last_id, int(ident[1:]))
        info.suspended = kind == "suspended"
        handler = getattr(self, f"on_{kind}", None)
        if handler is not None:
            handler(e)

    def where(self, e: Event) -> tuple[int, int, float | None]:
        """The line's phase index, run and target; ValueError when they cannot be (damage)."""
        index, run, target = int(e["phase"]), int(e["run"]), e["target"]
        if not 0 <= index < len(self.info.preset.phases):
            raise ValueError(f"phase {index} is not in the preset")
        if run < 1 or not _seconds(target, none=True):
            raise ValueError("run or target out of range")
        return index, run, None if target is None else float(target)

    def on_phase_started(self, e: Event) -> None:
        info = self.info
        (info.phase_index, info.run, info.target), t = self.where(e), float(e["t"])
        info.start_cue_played = False
        info.runs[info.phase_index] = max(info.run, info.runs.get(info.phase_index, 0))
        self.phase_start_t = t

    def on_checkpoint(self, e: Event) -> None:
        info = self.info
        where, t, elapsed = self.where(e), e["t"], e["phase_elapsed"]
        if not (_seconds(t) and _seconds(elapsed)):
            raise ValueError("t or phase_elapsed out of range")
        info.phase_index, info.run, info.target = where
        info.paused = bool(e["paused"])
        self.phase_start_t = float(t) - float(elapsed)

    def on_target_changed(self, e: Event) -> None:
        if e["phase"] == self.info.phase_index and _seconds(e["new"], none=True):
            self.info.target = e["new"]

    def on_paused(self, e: Event) -> None:
        self.info.paused = True

    def on_resumed(self, e: Event) -> None:
        self.info.paused = False

    def on_cue(self, e: Event) -> None:
        info = self.info
        if e["kind"] == "phase_start" and e.get("phase") == info.phase_index:
            info.start_cue_played = info.start_cue_played or e["outcome"] != "failed"

    def on_region_set(self, e: Event) -> None:
        self.info.region_index, self.info.region_name = int(e["index"]), str(e["name"])

    def on_toggle_started(self, e: Event) -> None:
        toggles, tag = self.info.open_toggles, str(e["tag"])
        if self.keep:
            toggles.pop(tag, None)
            toggles[tag] = e
            if len(toggles) > TOGGLES_HELD:  # planted: the oldest one opened is let go
                del toggles[next(iter(toggles))]

    def on_toggle_ended(self, e: Event) -> None:
        started = self.info.open_toggles.pop(str(e["tag"]), None)
        if started is not None and "duration" in e:  # kept for the End screen's list
            ended = {**started, "id": e.get("id"), "duration": e["duration"]}
            self._held(self.info.finished_toggles, ended)

    def on_pain(self, e: Event) -> None:
        self._finding(e)

    def on_rhythm(self, e: Event) -> None:
        self._finding(e)

    def _finding(self, e: Event) -> None:
        self._held(self.info.findings, dict(e))

    def _held(self, kept: list[Event], e: Event) -> None:
        """Kept for the resumed session's lists (the End screen), the last NOTES_HELD."""
        if self.keep:
            kept.append(e)
            if len(kept) > NOTES_HELD:
                del kept[0]

    def on_note(self, e: Event) -> None:
        if not self.keep:
            return
        notes = self.notes
        notes[str(e.get("id"))] = dict(e)
        if len(notes) > NOTES_HELD:  # the oldest held goes: the journal keeps it
            del notes[next(iter(notes))]
            self.info.notes_not_held += 1

    def on_note_retracted(self, e: Event) -> None:
        ident = str(e["note"])
        if self.notes.pop(ident, None) is None and self.info.notes_not_held:
            self.info.notes_not_held -= 1  # one of the notes left out (they are in the journal)

    def on_amended(self, e: Event) -> None:
        name = renamed_client(e, self.start_id)
        if name is not None:
            self.info.client = name or None
            return
        note = self.notes.get(str(e["note"]))
        if note is not None:
            note.update(dict(e["fields"]))

    def on_session_ended(self, e: Event) -> None:
        self.info.ended = True
