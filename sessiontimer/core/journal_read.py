"""Reading journals back: tolerant parsing, unfinished sessions, and where a session stood.

A journal is read after crashes, by newer and older versions, and by review: so reading never
raises for bad content and never touches the file. Garbage lines become ``problems``; a
half-written last line (the app died mid-write) is only flagged; unknown types are skipped by
every consumer here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sessiontimer.core.engine import ResumePoint
from sessiontimer.core.journal import FORMAT_VERSION, SCHEMA, preset_from_dict
from sessiontimer.core.model import Preset

Event = dict[str, Any]
_ENDED = b'"type":"session_ended"'


class JournalError(ValueError):
    """A journal that cannot be resumed (no session start, unreadable preset)."""


@dataclass
class JournalRead:
    """Everything readable in one file, plus what was wrong with the rest."""

    events: list[Event]
    problems: list[str]
    truncated_tail: bool


def read_journal(path: Path) -> JournalRead:
    """Parse a journal; never raises for its content and never modifies it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return JournalRead([], [f"cannot read {path}: {exc.strerror or exc}"], False)
    lines = data.split(b"\n")
    tail = lines.pop()  # empty when the file ends with a newline, as every complete file does
    events: list[Event] = []
    problems: list[str] = []
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            _parse_into(path, number, raw, events, problems)
    truncated = False
    if tail.strip():
        event = _parse(tail)
        if isinstance(event, dict):
            events.append(event)  # complete JSON, only the newline missing
        else:
            truncated = True
    return JournalRead(events, problems, truncated)


def _parse(raw: bytes) -> Event | str:
    try:
        value = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError as exc:
        return f"not valid JSON ({getattr(exc, 'msg', exc)})"
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return "not a journal event (an object with a type is expected)"
    return value


def _parse_into(path: Path, n: int, raw: bytes, events: list[Event], problems: list[str]) -> None:
    event = _parse(raw)
    if isinstance(event, str):
        problems.append(f"{path}, line {n}: {event}; the line is skipped")
    elif isinstance(event.get("v"), int) and event["v"] > FORMAT_VERSION:
        problems.append(f"{path}, line {n}: written by a newer version (v{event['v']}); skipped")
    else:
        events.append(event)


def is_finished(path: Path) -> bool:
    """True when the journal has a ``session_ended`` line (looks at the tail first: fast)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 4096))
            if _ENDED in f.read():
                return True
    except OSError:
        return False
    return any(e.get("type") == "session_ended" for e in read_journal(path).events)


def unfinished_sessions(sessions_dir: Path) -> list[Path]:
    """Journals that started but never ended (power cut, kill -9, quit), oldest first."""
    found = []
    for path in sorted(Path(sessions_dir).glob("*/*.jsonl")):
        if is_finished(path):
            continue
        events = read_journal(path).events
        if any(e.get("type") == "session_started" for e in events):
            found.append(path)
    return found


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


def resume_state(events: list[Event]) -> ResumeInfo:
    """Replay the events of one journal; JournalError if it has no usable session start."""
    start = next((e for e in events if e.get("type") == "session_started"), None)
    if start is None:
        raise JournalError("this journal has no session_started line: nothing to resume")
    try:
        preset = preset_from_dict(start.get("preset"))
    except ValueError as exc:
        raise JournalError(f"the preset in this journal cannot be rebuilt: {exc}") from exc
    client = start.get("client")
    info = ResumeInfo(
        preset=preset,
        client=client if isinstance(client, str) else None,
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
    _Replay(info).run(events)
    return info


def load_for_resume(path: Path) -> tuple[ResumeInfo, bytes]:
    """Where an unfinished session stood, plus the file's bytes (for the writer's ``prior``).

    JournalError (with a message for the practitioner) when it cannot be resumed.
    """
    read = read_journal(path)
    info = resume_state(read.events)
    if info.ended:
        raise JournalError(f"{path}: this session has already ended; there is nothing to resume")
    try:
        prior = Path(path).read_bytes()
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return info, prior


class _Replay:
    """Applies events in order to a ResumeInfo; unknown types and bad values are skipped."""

    def __init__(self, info: ResumeInfo) -> None:
        self.info = info
        self.phase_start_t = 0.0

    def run(self, events: list[Event]) -> None:
        for event in events:
            try:
                self.apply(event)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # a damaged line must not stop recovery
        info = self.info
        info.phase_elapsed = max(0.0, info.session_elapsed - self.phase_start_t)

    def apply(self, e: Event) -> None:
        info, kind = self.info, e["type"]
        if kind not in SCHEMA:
            return  # a type from a later version: skipped whole, envelope included
        t = e.get("t")
        if isinstance(t, (int, float)):
            info.session_elapsed = max(info.session_elapsed, float(t))
        if isinstance(e.get("at"), str):
            info.last_wall = datetime.fromisoformat(e["at"])
        ident = e.get("id")
        if isinstance(ident, str) and ident[:1] == "e" and ident[1:].isdigit():
            info.last_id = max(info.last_id, int(ident[1:]))
        info.suspended = kind == "suspended"
        handler = getattr(self, f"on_{kind}", None)
        if handler is not None:
            handler(e)

    def on_phase_started(self, e: Event) -> None:
        info = self.info
        info.phase_index, info.run, info.target = int(e["phase"]), int(e["run"]), e["target"]
        info.start_cue_played = False
        info.runs[info.phase_index] = max(info.run, info.runs.get(info.phase_index, 0))
        self.phase_start_t = float(e["t"])

    def on_checkpoint(self, e: Event) -> None:
        info = self.info
        info.phase_index, info.run, info.target = int(e["phase"]), int(e["run"]), e["target"]
        info.paused = bool(e["paused"])
        self.phase_start_t = float(e["t"]) - float(e["phase_elapsed"])

    def on_target_changed(self, e: Event) -> None:
        if e["phase"] == self.info.phase_index:
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
        self.info.open_toggles[str(e["tag"])] = e

    def on_toggle_ended(self, e: Event) -> None:
        self.info.open_toggles.pop(str(e["tag"]), None)

    def on_note(self, e: Event) -> None:
        self.info.notes.append(dict(e))

    def on_note_retracted(self, e: Event) -> None:
        self.info.notes = [n for n in self.info.notes if n.get("id") != e["note"]]

    def on_amended(self, e: Event) -> None:
        for note in self.info.notes:
            if note.get("id") == e["note"]:
                note.update(dict(e["fields"]))

    def on_session_ended(self, e: Event) -> None:
        self.info.ended = True
