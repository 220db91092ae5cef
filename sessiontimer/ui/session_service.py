"""Glue between the app and the core services: lock, journal, recorder, audio, sleep inhibitor.

No widgets here. Every callback that arrives on another thread (journal writer, audio) comes
back to the UI as a message, which Textual queues thread-safely.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.message import Message

from sessiontimer import __version__
from sessiontimer.audio.deferred import DeferredAudio
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.events import CueDue
from sessiontimer.core.journal import session_path
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.lock import SessionLock
from sessiontimer.core.model import Cue, Preset
from sessiontimer.core.recorder import SessionRecorder
from sessiontimer.inhibit import SleepInhibitor
from sessiontimer.paths import bundled_sounds_dir

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp

TEST_CHIME = Cue("singing-bowl")
LATER_PREPARE_DELAY = 3.0  # seconds: past the first frames of the screen


class ServiceNotice(Message):
    """Something a background service wants the practitioner to know, calmly."""

    def __init__(self, text: str, severity: str = "information", backend: str = "") -> None:
        super().__init__()
        self.text = text
        self.severity = severity
        self.backend = backend  # set when the notice already says where cues now play


class BackendChanged(Message):
    """The audio service moved to another backend, or restarted its worker."""

    def __init__(self, change: Any) -> None:
        super().__init__()
        self.change = change


class CueFinished(Message):
    """The audio service reports what became of a cue (to journal it)."""

    def __init__(self, event: CueDue | None, recorder: Any, outcome: Any) -> None:
        super().__init__()
        self.event = event
        self.recorder = recorder
        self.outcome = outcome


def open_audio(app: SessionTimerApp, first: str | None = None) -> DeferredAudio:
    """Start the audio service in a daemon thread after the first frame; cues wait meanwhile.

    With no service at all (it failed to start), every cue is answered as visual.

    Scaling sounds is Python work that competes with the screen for the interpreter, so the
    cues of the preset about to run (``first``, else the last one used) are prepared at once
    and the other presets' a little later, when the screen is drawn and idle.
    """
    deferred = DeferredAudio()
    soon, later = _cues_by_urgency(app.settings.presets, first or app.ui_state.last_preset)

    def on_change(change: Any) -> None:
        app.post_message(BackendChanged(change))

    def start() -> None:
        try:
            from sessiontimer.audio.service import AudioService

            service = AudioService(app.settings.audio, [bundled_sounds_dir()])
        except Exception as error:  # no audio must never mean no session
            deferred.failed(f"sound could not start: {error}")
            app.post_message(ServiceNotice(f"Sound is off ({error}); cues will be visual only."))
            return
        service.on_backend_changed = on_change
        deferred.ready(service)
        service.prepare([], app.ui_state.volume)  # starts the backend, falling back as needed
        if service.fallback_message:  # told before the slow scaling, so the story is in order
            app.post_message(ServiceNotice(service.fallback_message, backend=service.backend_name))
        told = service.prepare(soon, app.ui_state.volume)
        for text in told:
            app.post_message(ServiceNotice(text, "warning"))
        time.sleep(LATER_PREPARE_DELAY)
        for text in service.prepare(later, app.ui_state.volume):
            if text not in told:
                app.post_message(ServiceNotice(text, "warning"))

    # After the first frame: importing the audio code, the worker process and the scaling
    # must not delay the screen. A daemon thread, not a Textual worker: quitting must never
    # wait for sounds still being prepared.
    thread = threading.Thread(target=start, name="sessiontimer-audio-start", daemon=True)
    app.call_after_refresh(thread.start)
    return deferred


def _cues_by_urgency(presets: Sequence[Preset], first: str | None) -> tuple[list[Cue], list[Cue]]:
    """The test chime and the cues of preset ``first``; then every other preset's cues."""
    soon: list[Cue] = [TEST_CHIME]
    later: list[Cue] = []
    for preset in presets:
        cues: list[Cue | None] = [preset.end_cue]
        for phase in preset.phases:
            c = phase.cues
            cues += [c.start, c.warning, c.interval, c.overtime]
        (soon if preset.name == first else later).extend(c for c in cues if c is not None)
    return soon, later


def _writer(app: SessionTimerApp, path: Any) -> dict[str, Any]:
    """Callbacks that turn disk trouble into one calm notice (the writer keeps every line)."""
    return {
        "on_problem": lambda text: app.post_message(
            ServiceNotice(
                f"{text} Notes are kept in memory and written when the disk allows.", "warning"
            )
        ),
        "on_recovered": lambda: app.post_message(ServiceNotice("The session log is saved again.")),
    }


def _take_lock(app: SessionTimerApp) -> bool:
    if app.session_lock is None:
        app.session_lock = SessionLock(app.paths.lock_file)
    if app.session_lock.acquire() or app.session_lock.problem:
        if app.session_lock.problem:  # the disk refuses: run anyway, notes kept in memory
            app.notify(
                f"The session log folder is not writable: {app.session_lock.problem}. "
                "The session goes on; notes are kept until they can be written.",
                severity="warning",
                timeout=10,
            )
        if app.keep_awake:  # spawning the inhibitor waits for the first frame of the session
            app.call_after_refresh(_keep_awake, app)
        return True
    app.notify(
        "Another sessiontimer is running a session. This one can review logs, not run a session.",
        severity="warning",
        timeout=8,
    )
    return False


def _keep_awake(app: SessionTimerApp) -> None:
    inhibitor = app.inhibitor = SleepInhibitor()

    def hold() -> None:
        if not inhibitor.acquire() and inhibitor.message:
            app.post_message(ServiceNotice(inhibitor.message))

    app.run_worker(hold, thread=True, exit_on_error=False, group="inhibit")


def begin(app: SessionTimerApp, preset: Preset, client: str | None) -> SessionRecorder | None:
    """A new session: lock, journal file, engine, recorder (not started yet)."""
    if not _take_lock(app):
        return None
    path = session_path(app.paths.sessions_dir, app.clock.wall())
    writer = JournalWriter(path, **_writer(app, path))
    engine = SessionEngine(preset, app.clock)
    return SessionRecorder(
        engine, writer, app.clock, settings=app.settings, client=client, app_version=__version__
    )


def resume(app: SessionTimerApp, path: Any, how: str) -> SessionRecorder | None:
    """Continue an interrupted session ("pause": gap as a pause, "session": gap counted)."""
    from sessiontimer.core import recovery
    from sessiontimer.core.journal_read import JournalError

    if not _take_lock(app):
        return None
    try:
        return recovery.resume_after_crash(
            path, how, app.clock, app.settings, app_version=__version__, **_writer(app, path)
        )
    except JournalError as error:
        app.notify(f"Cannot resume: {error}", severity="warning", timeout=8)
        release(app)
        return None


def close_interrupted(app: SessionTimerApp, path: Any) -> None:
    """Close an interrupted session as it stands, without resuming."""
    from sessiontimer.core import recovery
    from sessiontimer.core.journal_read import JournalError

    try:
        recovery.close_interrupted(path, app.clock)
    except JournalError as error:
        app.notify(f"Cannot close that session: {error}", severity="warning", timeout=8)


def interrupted_sessions(app: SessionTimerApp) -> list[tuple[Any, str]]:
    """Unfinished journals with a one-line description each, newest first (a worker thread).

    None while another instance runs a session: its journal is unfinished because it is
    being written, not because it was interrupted.
    """
    if SessionLock(app.paths.lock_file).held_elsewhere():
        return []
    from sessiontimer.core.journal_read import (
        JournalError,
        read_journal,
        resume_state,
        unfinished_sessions,
    )

    found = []
    for path in sorted(unfinished_sessions(app.paths.sessions_dir), reverse=True):
        try:
            info = resume_state(read_journal(path).events)
        except JournalError:
            continue
        phase = info.preset.phases[info.phase_index].name
        minutes = int(info.session_elapsed // 60)
        who = f" for {info.client}" if info.client else ""
        when = f"{info.last_wall:%Y-%m-%d %H:%M}" if info.last_wall else "unknown time"
        found.append((path, f"{info.preset.name}{who}, in {phase} at {minutes} min ({when})"))
    return found


def close(app: SessionTimerApp, recorder: SessionRecorder) -> None:
    """The session is over (or suspended): let the disk catch up, release lock and inhibitor."""
    if not recorder.close(timeout=5.0):
        app.notify(
            f"Some lines could not be written to {recorder.writer.path}. {recorder.writer.problem}",
            severity="error",
            timeout=15,
        )
    release(app)


def release(app: SessionTimerApp) -> None:
    if app.inhibitor is not None:
        app.inhibitor.release()
        app.inhibitor = None
    if app.session_lock is not None:
        app.session_lock.release()


def play_cue(app: SessionTimerApp, event: CueDue, recorder: SessionRecorder) -> None:
    """Send the cue to the audio service; the outcome comes back as a CueFinished message."""
    app.audio.play(
        event.cue,
        app.ui_state.volume,
        app.ui_state.muted,
        lambda outcome: app.post_message(CueFinished(event, recorder, outcome)),
    )


def test_chime(app: SessionTimerApp) -> None:
    """Play the test chime at the current volume (Start screen)."""
    app.audio.play(
        TEST_CHIME,
        app.ui_state.volume,
        app.ui_state.muted,
        lambda outcome: app.post_message(CueFinished(None, None, outcome)),
    )
