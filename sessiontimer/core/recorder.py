"""The recorder: drives the engine and writes everything that happens to the journal.

The UI calls the recorder, never the engine directly, so that no move, note or cue can
happen without its journal line. Checkpoint policy: every line carries ``t`` and ``phase``
and the reader replays the whole journal, so a line after each event already tells where
the session stood; a ``checkpoint`` (with run, phase elapsed, target, paused) is added by
``tick()`` whenever 15 s of session time passed since the last line. A crash therefore loses
at most 15 s of knowledge, however quiet the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sessiontimer.core.clock import Clock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.events import (
    CueDue,
    EngineEvent,
    Paused,
    PhaseEnded,
    PhaseStarted,
    Resumed,
    SessionEnded,
    TargetChanged,
)
from sessiontimer.core.journal import make_event, planned_phases, preset_to_dict
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.model import Settings
from sessiontimer.core.recorded import (
    Finding,
    FinishedToggle,
    NoteMoment,
    NoteRecord,
    OpenToggle,
    ToggleResult,
    finding_of,
    finished_of,
    note_record,
    pain_label,
    rhythm_label,
)
from sessiontimer.core.rhythm import RhythmReading, RhythmTapper

if TYPE_CHECKING:  # the crash-recovery reader loads only when a session is resumed
    from sessiontimer.core.journal_read import ResumeInfo

CHECKPOINT_EVERY = 15.0  # seconds of session time


class SessionRecorder:
    """One session's engine plus its journal. Call from one thread (the UI's)."""

    def __init__(
        self,
        engine: SessionEngine,
        writer: JournalWriter,
        clock: Clock,
        *,
        settings: Settings,
        client: str | None,
        app_version: str,
        next_id: int = 1,
    ) -> None:
        self.engine, self.writer, self.clock = engine, writer, clock
        self.settings, self.client, self.app_version = settings, client, app_version
        self._next_id = next_id
        self._last_t = 0.0
        self.recent_notes: list[NoteRecord] = []
        # Earlier notes of a resumed journal not held here (replay.NOTES_HELD): in the journal.
        self.notes_not_held = 0
        self.undone: NoteRecord | None = None  # the last note undone: it can come back once
        self.region: str | None = None
        self.region_index: int | None = None
        self.open_toggles: dict[str, OpenToggle] = {}
        self.finished_toggles: list[FinishedToggle] = []
        self.findings: list[Finding] = []  # pain scores and rhythm readings, as taken
        self._cue_lines: dict[CueDue, str] = {}  # the line id of each cue journaled
        # The rhythm series being tapped (the session keys tap it): every way out journals it
        # before ``session_ended`` / ``suspended`` (:meth:`finish_rhythm`).
        self.tapper = RhythmTapper()
        # The owner (RunningSession) writes ``session_ended`` itself, after the closing bell's
        # line: the end is held here until :meth:`write_end`.
        self.hold_end = False
        self._held_end: tuple[float, int | None, str, datetime] | None = None
        self.end_written = False

    # -- writing ----------------------------------------------------------------------------

    def _write(
        self,
        type: str,
        *,
        t: float | None = None,
        phase: int | None = None,
        at: datetime | None = None,
        on_durable: Callable[[], None] | None = None,
        **fields: Any,
    ) -> str:
        ident = f"e{self._next_id}"
        self._next_id += 1
        t = self.engine.session_time() if t is None else t
        at = self.clock.wall() if at is None else at
        self.writer.append(
            make_event(type, id=ident, at=at, t=t, phase=phase, **fields), on_durable
        )
        self._last_t = max(self._last_t, t)
        return ident

    def _phase(self) -> int | None:
        return self.engine.phase_index if self.engine.started else None

    def _journal(self, events: list[EngineEvent]) -> list[EngineEvent]:
        """One line per engine event; cues are journaled by :meth:`cue_result` once played."""
        for event in events:
            if isinstance(event, SessionEnded):
                self.finish_rhythm()
                self._end_toggles(event.t)
            line = self._line(event)
            if isinstance(event, SessionEnded) and self.hold_end and line is not None:
                self._held_end = (event.t, line[1], event.reason, self.clock.wall())
                continue
            if line is not None:
                self._write(line[0], t=event.t, phase=line[1], **line[2])
            if isinstance(event, PhaseStarted):
                self._follow_protocol(event)
        return events

    def _follow_protocol(self, event: PhaseStarted) -> None:
        """A phase with a ``region`` (a protocol step) moves the hands there as it starts."""
        name = self.engine.preset.phases[event.phase].region
        if name is None or name == self.region:
            return
        index = next(
            (i for i, r in enumerate(self.settings.regions, 1) if r.casefold() == name.casefold()),
            None,
        )
        if index is not None:
            self.region_index, self.region = index, self.settings.regions[index - 1]
            self._write("region_set", t=event.t, phase=event.phase, index=index, name=self.region)

    def _line(self, event: EngineEvent) -> tuple[str, int | None, dict[str, Any]] | None:
        """The journal type, phase and fields for an engine event (None: not journaled)."""
        if isinstance(event, PhaseStarted):
            target = self.engine.preset.phases[event.phase].target
            return "phase_started", event.phase, {"run": event.run, "target": target}
        if isinstance(event, PhaseEnded):
            run = self.engine.runs.get(event.phase, 1)
            fields = {"run": run, "reason": event.reason, "length": round(event.length, 3)}
            return "phase_ended", event.phase, fields
        if isinstance(event, TargetChanged):
            return "target_changed", event.phase, {"old": event.old, "new": event.new}
        if isinstance(event, Paused):
            return "paused", self._phase(), {}
        if isinstance(event, Resumed):
            return "resumed", self._phase(), {"paused_for": round(event.paused_for, 3)}
        if isinstance(event, SessionEnded):
            return "session_ended", self._phase(), {"reason": event.reason}
        return None  # CueDue (see cue_result) and TargetReached (derivable from the target)

    def write_end(self) -> bool:
        """Write the held ``session_ended`` (stamped with the moment the engine ended); False
        when none is held. After it only the closing note, plans and amendments follow."""
        if self._held_end is None:
            return False
        t, phase, reason, at = self._held_end
        self._held_end = None
        self._write("session_ended", t=t, phase=phase, at=at, reason=reason)
        self.end_written = True
        return True

    @property
    def end_held(self) -> bool:
        return self._held_end is not None

    def _checkpoint_if_due(self) -> None:
        if not self.engine.started or self.engine.ended:
            return
        if self.engine.session_time() - self._last_t < CHECKPOINT_EVERY:
            return
        p = self.engine.resume_point()
        elapsed = round(p.phase_elapsed, 3)
        self._write("checkpoint", t=p.session_elapsed, phase=p.phase_index, run=p.run,
                    phase_elapsed=elapsed, target=p.target, paused=p.paused)  # fmt: skip

    # -- moves ------------------------------------------------------------------------------

    def start(self, at: float | None = None) -> list[EngineEvent]:
        """Write ``session_started``, then start the engine (``at``: its planned moment, see
        ``SessionEngine.start``) and journal its events."""
        preset = self.engine.preset
        since = 0.0 if at is None else max(0.0, self.clock.now() - at)  # its moment, passed
        self._write("session_started", t=0.0, app=self.app_version, preset=preset_to_dict(preset),
                    client=self.client, planned=planned_phases(preset),
                    at=self.clock.wall() - timedelta(seconds=since))  # fmt: skip
        return self._journal(self.engine.start(at))

    def tick(self) -> list[EngineEvent]:
        """Let time pass in the engine; journal what it produced; checkpoint when due."""
        events = self._journal(self.engine.tick())
        self._checkpoint_if_due()
        return events

    def pause(self) -> list[EngineEvent]:
        return self._journal(self.engine.pause())

    def resume(self) -> list[EngineEvent]:
        return self._journal(self.engine.resume())

    def toggle_pause(self) -> list[EngineEvent]:
        return self._journal(self.engine.toggle_pause())

    def next(self) -> list[EngineEvent]:
        return self._journal(self.engine.next())

    def previous(self) -> list[EngineEvent]:
        return self._journal(self.engine.previous())

    def extend(self, seconds: float = 60) -> list[EngineEvent]:
        return self._journal(self.engine.extend(seconds))

    def shorten(self, seconds: float = 60) -> list[EngineEvent]:
        return self._journal(self.engine.shorten(seconds))

    def end(self, reason: str = "key") -> list[EngineEvent]:
        return self._journal(self.engine.end(reason))

    # -- notes, toggles, regions ----------------------------------------------------------

    def note(
        self,
        tag: str | None = None,
        text: str | None = None,
        key: str | None = None,
        region: str | None = None,
        on_saved: Callable[[], None] | None = None,
        *,
        felt_at: str | None = None,
        words: bool = False,
        begun: NoteMoment | None = None,
    ) -> str:
        """Journal a note; ``on_saved`` runs (on the writer thread) once it is fsynced.

        The note carries the current region unless ``region`` names another one;
        ``felt_at`` is where the response showed, ``words`` marks the client's own words.
        A typed note ``begun`` earlier is filed at that moment (its time, phase and region),
        with ``saved_t``: when it was saved.
        """
        t, phase, here = self.engine.session_time(), self._phase(), self.region
        fields: dict[str, Any] = {"tag": tag} if tag else {}
        at = self.clock.wall()
        if begun is not None:
            fields["saved_t"] = round(t, 3)
            t, phase, here, at = begun.t, begun.phase, begun.region, begun.at
        where = region or here
        if text:
            fields["text"] = text
        if felt_at:
            fields["felt_at"] = felt_at
        if words:
            fields["words"] = True
        ident = self._write("note", t=t, phase=phase, at=at, on_durable=on_saved,
                            region=where, key=key, **fields)  # fmt: skip
        record = NoteRecord(ident, round(t, 3), phase, tag, text, where, key, felt_at, words, at)
        self.recent_notes.append(record)
        self.undone = None  # a new note: what was undone before stays undone
        return ident

    def begin_note(self) -> NoteMoment:
        """The moment a typed note is begun, to file it there once it is saved."""
        t = round(self.engine.session_time(), 3)
        return NoteMoment(t, self._phase(), self.region, self.clock.wall())

    def undo(self) -> str | None:
        """Retract the last note not yet retracted; its id, or None when there is none."""
        note = self.undo_note()
        return None if note is None else note.id

    def undo_note(self) -> NoteRecord | None:
        """Retract the last note not yet retracted and return it (it can be restored once)."""
        if not self.recent_notes:
            return None
        note = self.recent_notes.pop()
        self._write("note_retracted", phase=self._phase(), note=note.id)
        self.undone = note
        return note

    def redo(self) -> NoteRecord | None:
        """Bring back the note undone last: a new note line at the same moment, ``restores``
        naming the retracted one (a reader that knows nothing of it sees the note again)."""
        note, self.undone = self.undone, None
        if note is None:
            return None
        fields: dict[str, Any] = {"tag": note.tag} if note.tag else {}
        if note.text:
            fields["text"] = note.text
        if note.felt_at:
            fields["felt_at"] = note.felt_at
        if note.words:
            fields["words"] = True
        ident = self._write("note", t=note.t, phase=note.phase, at=note.at, region=note.region,
                            key=note.key, restores=note.id, **fields)  # fmt: skip
        restored = replace(note, id=ident)
        self.recent_notes.append(restored)
        return restored

    def toggle(
        self,
        tag: str,
        key: str | None = None,
        on_saved: Callable[[], None] | None = None,
        *,
        felt_at: str | None = None,
    ) -> ToggleResult:
        """Start the toggle ``tag``, or end it and record how long it lasted (session time).

        ``on_saved`` runs (on the writer thread) once the line is fsynced; ``felt_at`` (on
        a start) is where the response showed.
        """
        t, phase = self.engine.session_time(), self._phase()
        opened = self.open_toggles.pop(tag, None)
        if opened is None:
            where: dict[str, Any] = {"felt_at": felt_at} if felt_at else {}
            ident = self._write(
                "toggle_started",
                t=t,
                phase=phase,
                on_durable=on_saved,
                tag=tag,
                key=key,
                region=self.region,
                **where,
            )
            self.open_toggles[tag] = OpenToggle(ident, tag, key, t, self.region)
            return ToggleResult(ident, tag, True, None)
        duration = round(t - opened.t, 3)
        ident = self._write("toggle_ended", t=t, phase=phase, on_durable=on_saved, tag=tag,
                            key=key, duration=duration, started=opened.id)  # fmt: skip
        self._finished(ident, opened, duration)
        return ToggleResult(ident, tag, False, duration)

    def _end_toggles(self, t: float) -> None:
        for tag in list(self.open_toggles):
            opened = self.open_toggles.pop(tag)
            duration = round(t - opened.t, 3)
            ident = self._write("toggle_ended", t=t, phase=self._phase(), tag=tag,
                                key=opened.key, duration=duration, started=opened.id)  # fmt: skip
            self._finished(ident, opened, duration)

    def _finished(self, ident: str, opened: OpenToggle, duration: float) -> None:
        self.finished_toggles.append(
            FinishedToggle(ident, opened.tag, opened.t, duration, opened.region)
        )

    def set_region(self, index: int) -> str | None:
        """Hands at region ``index`` (1..10); its name, or None when no such region is set up."""
        if not 1 <= index <= len(self.settings.regions):
            return None
        self.region_index, self.region = index, self.settings.regions[index - 1]
        self._write("region_set", phase=self._phase(), index=index, name=self.region)
        return self.region

    # -- cues, closing, quitting ----------------------------------------------------------

    def cue_result(
        self,
        cue_event: CueDue,
        backend: str,
        outcome: str,
        *,
        began: float | None = None,
        at: datetime | None = None,
    ) -> str | None:
        """Journal a cue at its onset: ``began`` (session s) and ``at`` are when it sounded,
        ``late`` how far that was behind its due moment ``t``. Outcome: played, failed,
        muted or visual.

        The audio service reports from its own thread; a report that arrives after the
        session was closed is dropped (the journal is final by then; raising would stop the
        app). Returns the line's id.
        """
        if self.writer.closed:
            return None
        began = cue_event.t + cue_event.late if began is None else max(cue_event.t, began)
        ident = self._write("cue", t=cue_event.t, phase=cue_event.phase, at=at,
                            kind=cue_event.kind.value, sound=cue_event.cue.sound,
                            backend=backend, outcome=outcome, began=round(began, 3),
                            late=round(began - cue_event.t, 3))  # fmt: skip
        self._cue_lines[cue_event] = ident
        return ident

    def cue_merged(self, cue_event: CueDue, into: CueDue, backend: str) -> str | None:
        """A cue due with a more important one in the same moment: not played, journaled."""
        if self.writer.closed:
            return None
        return self._write("cue", t=cue_event.t, phase=cue_event.phase,
                           kind=cue_event.kind.value, sound=cue_event.cue.sound,
                           backend=backend, outcome="merged", into=into.kind.value,
                           late=round(cue_event.late, 3))  # fmt: skip

    def cue_updated(self, cue_event: CueDue, backend: str, outcome: str, reason: str) -> None:
        """A later word on a cue already journaled (e.g. cut short: failed); never a rewrite."""
        if self.writer.closed:
            return
        self._write("cue_updated", t=self.engine.session_time(), phase=cue_event.phase,
                    cue=self._cue_lines.get(cue_event), kind=cue_event.kind.value,
                    backend=backend, outcome=outcome, reason=reason)  # fmt: skip

    def audio_backend_changed(self, backend: str, previous: str | None, reason: str) -> None:
        if self.writer.closed:  # reported from the audio thread after the session closed
            return
        self._write("audio_backend_changed", backend=backend, previous=previous, reason=reason)

    def closing_note(self, text: str) -> str:
        return self._write("closing_note", phase=self._phase(), text=text)

    def pain(
        self, value: int, on_saved: Callable[[], None] | None = None, *, after: bool = False
    ) -> str:
        """The client's pain, 0..10, where the hands are now (the note's before and after);
        ``after``: given once the session ended (the End screen), so always "pain after"."""
        extra: dict[str, Any] = {"after": True} if after else {}
        t = self.engine.session_time()
        self.findings.append(Finding(t, pain_label(value, after), self.region))
        return self._write("pain", t=t, phase=self._phase(), on_durable=on_saved, value=value,
                           region=self.region, **extra)  # fmt: skip

    def rhythm(self, reading: RhythmReading) -> str:
        """A craniosacral rhythm reading, stamped when its last tap was made."""
        fields: dict[str, Any] = {"rate": reading.rate, "taps": reading.taps}
        if reading.qualities:
            fields["qualities"] = dict(reading.qualities)
        phase = reading.phase if reading.phase is not None else self._phase()
        t = max(reading.t, 0.0)
        self.findings.append(Finding(t, rhythm_label(reading.rate), reading.station))
        return self._write("rhythm", t=t, phase=phase,
                           station=reading.station, **fields)  # fmt: skip

    def finish_rhythm(self) -> RhythmReading | None:
        """Journal the series being tapped now (the session ends or is left), if it has a
        rate (three taps); fewer taps have none and leave no line."""
        reading = self.tapper.finish()
        if reading is not None:
            self.rhythm(reading)
        return reading

    def plan(self, text: str) -> str:
        """ "Plan for next time" (the End screen); the latest plan line is the plan."""
        return self._write("plan", phase=self._phase(), text=text)

    def amend(self, note_id: str, **fields: Any) -> str:
        """A later correction of a note; the original line is never rewritten."""
        return self._write("amended", note=note_id, fields=fields)

    def suspend(self, reason: str = "quit") -> None:
        """The app stops mid-session (quit, signal, lost terminal, error): say so and why,
        so the next start offers to resume (and does not call it a crash). A rhythm series
        being tapped is journaled first."""
        self.finish_rhythm()
        self._write("suspended", phase=self._phase(), reason=reason)

    def close(self, timeout: float | None = 5.0) -> bool:
        """Wait for the disk (up to ``timeout``) and stop the writer; False if lines remain."""
        return self.writer.close(timeout)

    # -- crash recovery -------------------------------------------------------------------

    def restore(self, info: ResumeInfo, gap: float, how: str) -> None:
        """Take over a crashed session's notes, region and toggles, and journal the resume.

        Called by :func:`sessiontimer.core.recovery.resume_after_crash`; ``how`` says how the
        ``gap`` (wall seconds since the last durable line) is counted: "pause" or "session".
        """
        self._last_t = info.session_elapsed
        self.region_index, self.region = info.region_index, info.region_name
        self.recent_notes = [note_record(n) for n in info.notes]
        self.notes_not_held = info.notes_not_held
        self.findings = [f for f in map(finding_of, info.findings) if f is not None]
        self.finished_toggles = [
            f for f in map(finished_of, info.finished_toggles) if f is not None
        ]
        self.open_toggles = {
            tag: OpenToggle(str(e["id"]), tag, e.get("key"), float(e["t"]), e.get("region"))
            for tag, e in info.open_toggles.items()
        }
        if not info.suspended:
            self._write("suspended", t=info.session_elapsed, at=info.last_wall,
                        phase=info.phase_index, reason="crash")  # fmt: skip
        self._write("resumed_after_crash", phase=info.phase_index, gap=round(gap, 3), counted=how)
