"""The running session: one object owns its recorder, journal writer, lock and sleep inhibitor.

Every way a session can stop (the End screen, quit, a signal, a lost terminal or browser tab,
an unexpected error) goes through :meth:`RunningSession.close` or :meth:`RunningSession.suspend`,
so the journal always says how it stopped and the lock is let go exactly once: when every line
is on disk, not before (another instance must not resume a journal still being written).

Made by :func:`begin` (a new session) or :func:`resume` (after a crash); the UI holds one and
hands it to its screens. No Textual here: a web front end drives the same object.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from sessiontimer.core.clock import Clock
from sessiontimer.core.cue_book import CueBook
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.events import CueDue, EngineEvent, PhaseEnded, SessionEnded
from sessiontimer.core.journal import session_path
from sessiontimer.core.journal_read import Progress, ResumeInfo, load_for_resume
from sessiontimer.core.journal_write import FileLayer, JournalWriter, ResumedFile
from sessiontimer.core.lock import SessionLock
from sessiontimer.core.model import Preset, Settings
from sessiontimer.core.recorder import SessionRecorder
from sessiontimer.core.visible import one_line

CUE_WAIT = 1.5  # seconds the close waits for the outcome of a cue still on its way
END_WAIT = 5.0  # seconds ``session_ended`` waits for the closing bell's outcome at most
# A cue taken back as its device already held it sounds a moment and fades; its word (outcome
# ``faded``) comes within tens of ms of the take-back, or never (dropped after all). The close
# and ``session_ended`` wait for it this long after the take-back, at most.
FADE_WAIT = 0.5
WITHDRAWN_KEPT = 8  # cues taken back whose late outcome (they began, then faded) is still placed
REFUSED_RUNNING = (
    "Another sessiontimer is running a session. This one can review logs, not run a session."
)
REFUSED_RESUMING = "This session is being resumed in another window."


class Inhibitor(Protocol):
    """Keeps the system awake while a session runs (``sessiontimer.inhibit``)."""

    message: str | None

    def acquire(self) -> bool: ...
    def release(self) -> None: ...


class SessionRefused(Exception):
    """The session lock is held by another instance: say so, run nothing."""


class RunningSession:
    """One session from its start (or resume) until its last line is on disk.

    ``state`` is "running", "ended" (the engine ended; the closing note may follow),
    "closed" (final: closing note and ``session_ended`` written) or "suspended" (quit,
    signal, lost terminal, error: offered for resume next time). Call from one thread.
    """

    def __init__(self, recorder: SessionRecorder, lock: SessionLock) -> None:
        self.recorder = recorder
        self.lock = lock
        self.phase_log: list[PhaseEnded] = []
        self.reason: str | None = None  # why it was suspended
        self.copied: Path | None = None  # where a complete copy was written, if it was
        self._inhibitor: Inhibitor | None = None
        self._inhibit_guard = threading.Lock()
        self._final = False
        self._on_saved: list[Callable[[], None]] = []
        self._saved = threading.Event()
        self._saved_guard = threading.Lock()  # a callback asked for as the writer finishes
        # How a report from another thread (an audio outcome) reaches the owner's thread;
        # the UI sets its loop's call_soon_threadsafe. The recorder is single-threaded.
        self.hand_over: Callable[[Callable[[], None]], None] = lambda run: run()
        self._cues = CueBook()
        self._withdrawn: dict[CueDue, float] = {}  # cues taken back: the moment each was for
        self._due: dict[CueDue, float] = {}  # time.monotonic() of each cue's moment
        # ``session_ended`` comes after the closing bell's line: the recorder holds it until
        # the cues of the end have their outcome (or END_WAIT passed, or the close).
        recorder.hold_end = True
        self._end_cues: set[tuple[object, ...]] = set()  # cues the end waits for (_which)
        self._heard: set[tuple[object, ...]] = set()  # cues whose line is written
        self._end_deadline: Callable[[], None] | None = None
        # How a deadline is set: ``later(seconds, run)`` returns a cancel; ``run`` is then
        # called through ``hand_over`` (tests pass a hand-driven one).
        self.later: Callable[[float, Callable[[], None]], Callable[[], None]] = _timer

    # -- what it is -----------------------------------------------------------------------

    @property
    def engine(self) -> SessionEngine:
        return self.recorder.engine

    @property
    def writer(self) -> JournalWriter:
        return self.recorder.writer

    @property
    def path(self) -> Path:
        return self.writer.path

    @property
    def client(self) -> str | None:
        return self.recorder.client

    @property
    def state(self) -> str:
        if self.reason is not None:
            return "suspended"
        if self._final:
            return "closed"
        return "ended" if self.engine.ended else "running"

    @property
    def final(self) -> bool:
        """Closed or suspended: no more lines will be written."""
        return self._final

    @property
    def pending(self) -> int:
        """Lines not yet on disk."""
        return self.writer.pending

    @property
    def saved(self) -> bool:
        """Final, and every line fsynced: "Session saved." may be said now."""
        return self._saved.is_set()

    def waiting_text(self) -> str | None:
        """What the screens say while lines wait for a disk that refuses; None otherwise.

        Lines on their way (a few milliseconds) are not news: only a failing disk is told.
        """
        n, why = self.pending, self.writer.problem
        if n == 0 or why is None:
            return None
        lines = "line" if n == 1 else "lines"
        return f"{n} {lines} waiting for the disk in {self.path.parent} ({why})"

    # -- running ------------------------------------------------------------------------

    def start(self, at: float | None = None) -> list[EngineEvent]:
        """A new session's first events (``session_started``, the first phase); ``at`` is
        its planned first moment when the start cue went ahead (``SessionEngine.start``)."""
        events = self.route(self.recorder.start(at))
        self.journal_cues()  # a cue sent ahead may have told its onset before the start
        return events

    def tick(self) -> list[EngineEvent]:
        """Time passes (nothing once suspended or closed: a timer may still fire)."""
        if self._final:
            return []
        return self.route(self.recorder.tick())

    def route(self, events: list[EngineEvent]) -> list[EngineEvent]:
        """Keep the phase log (the End screen lists it) from the events of any move."""
        for event in events:
            if isinstance(event, PhaseEnded):
                self.phase_log.append(event)
            elif isinstance(event, SessionEnded):
                self._release_inhibitor()  # nothing more to keep awake for
                self._hold_the_end([e for e in events if isinstance(e, CueDue)])
        return events

    def _hold_the_end(self, cues: list[CueDue]) -> None:
        """The engine ended: ``session_ended`` waits for the outcome of the cues it brought
        (the closing bell), checked first when the caller's turn is done (``hand_over``), so
        that what the caller writes in this turn, and the bell's line, come before it."""
        if not self.recorder.end_held:
            return
        # A cue sent ahead of its moment may have its line already (the tick that brought it
        # differs from the one sent only by its ``late``): the end does not wait for it.
        self._end_cues = {_which(c) for c in cues} - self._heard
        if self._end_cues:
            cancel = self.later(END_WAIT, lambda: self.hand_over(self._end_now))
            self._end_deadline = cancel
        self.hand_over(self._end_if_settled)

    def _resolved(self, event: CueDue) -> None:
        """A cue's line is written (or decided): the end may follow once all are."""
        self._heard.add(_which(event))
        self._end_cues.discard(_which(event))
        self._end_if_settled()

    def _end_if_settled(self) -> None:
        if self._end_cues or self._cues.out:
            return
        left = self._cues.fading_left()  # a cue taken back as it began: its word first
        if left > 0:
            if self.recorder.end_held:  # the end's cues are settled: only this word is left
                if self._end_deadline is not None:
                    self._end_deadline()
                self._end_deadline = self.later(left, lambda: self.hand_over(self._end_now))
            return
        self._end_now()

    def _end_now(self) -> None:
        """Write ``session_ended`` now, if still held: from here on no cue lines."""
        if self._end_deadline is not None:
            self._end_deadline()
            self._end_deadline = None
        self._end_cues.clear()
        self.recorder.write_end()

    @property
    def _cues_closed(self) -> bool:
        """Final, or ``session_ended`` written: cue lines would follow the end; not journaled."""
        return self._final or self.recorder.end_written

    def cue_result(self, event: CueDue, backend: str, outcome: str) -> None:
        """What became of a cue, decided here (no audio outcome to wait for)."""
        if not self._cues_closed:
            self.recorder.cue_result(event, backend, outcome)
            self._resolved(event)

    def cue_sent(self, event: CueDue, due: float | None = None) -> None:
        """A cue went to the audio side: the close will wait (briefly) for its outcome.

        ``due`` (``time.monotonic()``) is its moment when it went ahead of it."""
        self._due[event] = time.monotonic() - event.late if due is None else due
        # Sent again after it was taken back (the start cue, for a key): its outcome is this
        # sending's, not a late word on the one taken back, or the close waited for it.
        self._withdrawn.pop(event, None)
        self._cues.sent()

    def cue_withdrawn(self, event: CueDue, may_sound: bool = False) -> None:
        """A cue sent ahead of its moment was taken back (a move, mute, volume, the end).

        ``may_sound``: taken back so close to its moment that it may yet sound a moment and
        fade (``Ticket.may_sound``): the close and the end wait ``FADE_WAIT`` for its word."""
        due = self._due.pop(event, None)
        if due is not None:
            self._cues.withdrawn(event if may_sound else None, FADE_WAIT)
            self._withdrawn[event] = due  # too late to drop, it may still begin: its moment
            while len(self._withdrawn) > WITHDRAWN_KEPT:
                del self._withdrawn[next(iter(self._withdrawn))]

    def _moment(self, event: CueDue) -> float | None:
        """The moment a cue was sent for (``time.monotonic()``), also when withdrawn."""
        due = self._due.pop(event, None)
        withdrawn = self._withdrawn.pop(event, None)
        return due if due is not None else withdrawn

    def cue_arrived(self, event: CueDue, outcome: Any) -> None:
        """An audio outcome (a ``CueOutcome``), from any thread: kept, then journaled on the
        owner's thread (``hand_over``), or by the close if that comes first."""
        late = event in self._withdrawn  # its first outcome, after it was taken back
        self._cues.arrived(event, outcome, first=not outcome.update and not late)
        self.hand_over(self.journal_cues)

    def journal_cues(self) -> None:
        """Journal every outcome that has come back, each with the moment its sound began.

        Not before the session has started: a start cue sent ahead can tell its onset a
        moment before its planned start (its device plans it); it is journaled at the start."""
        if not self.recorder.engine.started:
            return
        for event, outcome in self._cues.take():
            if self._cues_closed:
                continue
            if outcome.update:
                reason = outcome.message or ""
                self.recorder.cue_updated(event, outcome.backend, outcome.outcome, reason)
                continue
            now = time.monotonic()
            delay = now - outcome.started_at  # how long ago it began, on the audio's clock
            # (told a moment ahead by a device that plans it: negative, by up to its buffer)
            if not -1.0 <= delay <= 10.0:  # a test double's made-up time: the onset is now
                delay = 0.0
            due = self._moment(event)
            late = (now - delay) - due if due is not None else 0.0
            began = event.t + max(0.0, late)  # the session clock may have stopped (the end)
            at = self.recorder.clock.wall() - timedelta(seconds=delay)
            self.recorder.cue_result(event, outcome.backend, outcome.outcome, began=began, at=at)
            self._heard.add(_which(event))
            self._end_cues.discard(_which(event))
        if self.recorder.end_held:  # a later word in this batch comes before the end too
            self._end_if_settled()

    def cue_merged(self, event: CueDue, into: CueDue, backend: str) -> None:
        if not self._cues_closed:
            self.recorder.cue_merged(event, into, backend)
            self._resolved(event)

    def audio_backend_changed(self, backend: str, previous: str | None, reason: str) -> None:
        if not self._cues_closed:
            self.recorder.audio_backend_changed(backend, previous, reason)

    def keep_awake(self, inhibitor: Inhibitor) -> str | None:
        """Hold ``inhibitor`` while the session runs (slow: call from a worker thread).

        Returns why it could not be held, for a notice. If the session stopped meanwhile,
        the inhibitor is let go at once.
        """
        held = inhibitor.acquire()
        with self._inhibit_guard:
            if self._final or self.engine.ended:
                inhibitor.release()
                return None
            self._inhibitor = inhibitor
        return None if held else inhibitor.message

    # -- the ways out -----------------------------------------------------------------------

    def close(self, closing_note: str | None = None) -> None:
        """The session is over: end it if it still runs, write the closing note, finish.

        ``session_ended`` follows the closing bell's line (waited for, bounded); the closing
        note follows it (after it come only what the End screen writes: docs/journal-format.md).
        """
        if self._final:
            return
        self._started_for_the_way_out()
        if not self.engine.ended:
            self.route(self.recorder.end("key"))
        self._settle_cues()
        self._end_now()
        text = (closing_note or "").strip()
        if text:
            self.recorder.closing_note(text)
        self._finish()

    def suspend(self, reason: str) -> None:
        """Stop without ending: ``suspended`` with ``reason``, offered for resume next time.

        A session that has already ended (the End screen) is closed instead, keeping what
        was typed as its closing note is the caller's part (:meth:`close`).
        """
        if self._final:
            return
        self._started_for_the_way_out()
        if self.engine.ended:
            self.close()
            return
        self._settle_cues()
        self.reason = reason
        self.recorder.suspend(reason)
        self._finish()

    def _started_for_the_way_out(self) -> None:
        """A session left while its clock waited for the sound (a signal in its first second)
        is started first, so its journal is whole: ``session_started``, then how it ended."""
        if not self.engine.started:
            self.start()

    def when_saved(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` (on the writer's thread) once every line is on disk.

        Kept or run under one guard with the writer's last step: asked for while the writer
        finishes, it still runs, once (a lost one left an ended session out of the index).
        """
        with self._saved_guard:
            if not self._saved.is_set():
                self._on_saved.append(callback)
                return
        callback()

    def wait(self, timeout: float | None) -> bool:
        """Wait up to ``timeout`` for every line to reach the disk; True if they have."""
        return self._saved.wait(timeout)

    def write_copy(self, folder: Path) -> Path:
        """The whole journal, as a new file in ``folder`` (its own folder refuses)."""
        copy = self.writer.write_copy(folder)
        self.copied = copy
        return copy

    def abandon(self) -> int:
        """The process leaves with lines not on disk: stop retrying; how many are lost."""
        lost = self.writer.stop()
        self._release_inhibitor()
        self.lock.let_go(self.path)
        return lost

    def _settle_cues(self) -> None:
        """Before the last lines: wait (bounded) for a cue on its way, e.g. the closing bell,
        and for the word on one taken back as it began (``FADE_WAIT``): its line says faded."""
        self._cues.wait(CUE_WAIT)
        self._cues.wait_fading(FADE_WAIT)
        self.journal_cues()

    def _finish(self) -> None:
        self._final = True
        self._release_inhibitor()
        self.writer.finish(self._all_written)

    def _all_written(self) -> None:
        self.lock.let_go(self.path)
        with self._saved_guard:
            self._saved.set()
            callbacks, self._on_saved = self._on_saved, []
        for callback in callbacks:
            callback()

    def _release_inhibitor(self) -> None:
        with self._inhibit_guard:
            inhibitor, self._inhibitor = self._inhibitor, None
        if inhibitor is not None:
            inhibitor.release()


WriterHooks = dict[str, Any]  # on_problem, on_recovered: see JournalWriter


def begin(
    preset: Preset,
    client: str | None,
    *,
    clock: Clock,
    settings: Settings,
    lock: SessionLock,
    sessions_dir: Path,
    app_version: str,
    hooks: WriterHooks | None = None,
    fs: FileLayer | None = None,
) -> RunningSession:
    """A new session (not started yet: call :meth:`RunningSession.start`).

    Raises SessionRefused when another instance runs a session. A lock file that cannot be
    written (the disk refuses) does not stop the session: ``lock.problem`` says why.
    """
    client = one_line(client) or None if client is not None else None
    path = session_path(sessions_dir, clock.wall())
    _take(lock, path, REFUSED_RUNNING)
    options: dict[str, Any] = {**(hooks or {}), **({"fs": fs} if fs is not None else {})}
    writer = JournalWriter(path, **options)
    engine = SessionEngine(preset, clock)
    recorder = SessionRecorder(
        engine, writer, clock, settings=settings, client=client, app_version=app_version
    )
    return RunningSession(recorder, lock)


@dataclass
class Loaded:
    """An interrupted journal read for resume, its lock held: hand it to :func:`resume` or
    :func:`close_interrupted`, or :meth:`give_up`."""

    path: Path
    info: ResumeInfo
    prior: ResumedFile
    lock: SessionLock

    def give_up(self) -> None:
        """Not resumed after all (stopped, the app moved on): the file and the lock go back."""
        self.prior.close()
        self.lock.let_go(self.path)


def load(
    path: Path,
    *,
    lock: SessionLock,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> Loaded:
    """Take the lock and read an interrupted journal: the slow part of a resume (seconds for
    a long or planted journal), meant for a worker. Raises as :func:`resume` does, and
    ResumeStopped once ``stop()`` is true; the lock is let go whenever it raises."""
    _take(lock, path, REFUSED_RESUMING)
    try:
        info, prior = load_for_resume(path, progress=progress, stop=stop)
    except BaseException:
        lock.let_go(path)
        raise
    return Loaded(path, info, prior, lock)


def resume(
    path: Path,
    how: str,
    *,
    clock: Clock,
    settings: Settings,
    lock: SessionLock,
    app_version: str,
    hooks: WriterHooks | None = None,
    fs: FileLayer | None = None,
    loaded: Loaded | None = None,
) -> tuple[RunningSession, list[EngineEvent]]:
    """Continue an interrupted session, the lock taken first; its first events.

    ``loaded``: the journal already read (:func:`load`, lock held); otherwise it is read
    here. Raises SessionRefused (another instance holds the lock) or JournalError (the
    journal cannot be resumed, e.g. another window closed it a moment ago).
    """
    from sessiontimer.core import recovery

    if loaded is None:
        _take(lock, path, REFUSED_RESUMING)
    try:
        recorder = recovery.resume_after_crash(
            path, how, clock, settings, app_version=app_version, fs=fs, **(hooks or {}),
            loaded=None if loaded is None else (loaded.info, loaded.prior),
        )  # fmt: skip
    except BaseException:
        lock.let_go(path)
        raise
    session = RunningSession(recorder, lock)
    return session, session.tick()


def close_interrupted(
    path: Path, *, clock: Clock, lock: SessionLock, loaded: Loaded | None = None
) -> bool:
    """Close an interrupted session as it stands, the lock taken first; True when on disk.

    Raises SessionRefused or JournalError as :func:`resume` does.
    """
    from sessiontimer.core import recovery

    if loaded is None:
        _take(lock, path, REFUSED_RESUMING)
    try:
        prior = None if loaded is None else (loaded.info, loaded.prior)
        return recovery.close_interrupted(path, clock, loaded=prior)
    finally:
        lock.let_go(path)


def _take(lock: SessionLock, path: Path, refused: str) -> None:
    if not lock.hold(path) and not lock.problem:
        raise SessionRefused(refused)


def _timer(seconds: float, run: Callable[[], None]) -> Callable[[], None]:
    """``run`` on a daemon thread after ``seconds``; returns its cancel."""
    timer = threading.Timer(seconds, run)
    timer.daemon = True
    timer.start()
    return timer.cancel


def _which(event: CueDue) -> tuple[object, ...]:
    """A cue without its ``late``: the one sent ahead and the one its moment's tick brought."""
    return (event.kind, event.phase, event.t, event.cue)
