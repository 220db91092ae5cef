"""Glue between the app and the core services: audio, journal notices, sleep inhibitor.

The running session itself is ``sessiontimer.core.running``; no widgets here. Every callback
that arrives on another thread (journal writer, audio) comes back to the UI as a message,
which Textual queues thread-safely, or through the session's ``hand_over``.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

from sessiontimer.audio.base import BackendChange, CueOutcome
from sessiontimer.audio.starting import StartingAudio
from sessiontimer.core import readable
from sessiontimer.core.events import CueDue
from sessiontimer.core.lock import SessionLock
from sessiontimer.core.model import Cue, Preset
from sessiontimer.core.notices import OTHER, SOUND, URGENT
from sessiontimer.core.running import RunningSession
from sessiontimer.inhibit import SleepInhibitor
from sessiontimer.paths import bundled_sounds_dir
from sessiontimer.ui import loop_calls
from sessiontimer.ui.sound_mark import NO_SOUND_NOTICE, start_notice

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp
    from sessiontimer.ui.screens.session.running import SessionScreen

TEST_CHIME = Cue("singing-bowl")
LATER_PREPARE_DELAY = 3.0  # seconds: past the first frames of the screen
START_WAIT = 2.0  # seconds a new session's clock waits, at most, for its first cue to sound
FIRST_CUE_GRACE = 2.0  # seconds the other sounds wait for the first cue's onset
# After the first cue's onset is told, its device is still starting (and, on the paced sink,
# a process): the scaling (hundreds of ms of CPU on a cold cache) waits this long more.
FIRST_CUE_SETTLE = 0.2
# Once the sound is ready, a new session's start cue goes to the audio side this long before
# its moment, and the session's clock starts at that moment: the device starts meanwhile, as
# for the cues sent ahead during the session (``SessionScreen``'s AHEAD).
FIRST_AHEAD = 0.25


@dataclass
class ServiceNotice(Message):
    """Something a background service wants the practitioner to know, calmly."""

    text: str
    severity: str = "information"
    backend: str = ""  # set when the notice already says where cues now play
    kind: str = OTHER  # SOUND notices are shown first (``core.notices``)


@dataclass
class SessionSaved(Message):
    """Every line of a closed session reached the disk (posted from the writer's thread)."""

    session: RunningSession


@dataclass
class BackendChanged(Message):
    """The audio service moved to another backend, or restarted its worker."""

    change: BackendChange
    journaled: bool = False  # already journaled, in order with the cue lines (backend_changed)


def change_reason(change: BackendChange) -> str:
    """The reason an ``audio_backend_changed`` line carries."""
    return change.reason or ("worker restarted" if change.previous == change.current else "")


def backend_changed(app: SessionTimerApp, change: BackendChange) -> None:
    """From the audio thread: the change is journaled through the session's hand-over, the
    way the cue outcomes that follow it go, so its line comes before the first cue line that
    names the new backend; the notice follows as a message."""
    session = app.session
    journaled = session is not None and not session.final
    if session is not None and journaled:
        session.hand_over(
            lambda: session.audio_backend_changed(
                change.current, change.previous, change_reason(change)
            )
        )
    app.post_message(BackendChanged(change, journaled))


@dataclass
class CueFinished(Message):
    """The audio service reports what became of the test chime (cues go to their session)."""

    outcome: CueOutcome


def open_audio(app: SessionTimerApp, first: str | None = None) -> StartingAudio:
    """Start the audio service in a daemon thread after the first frame; cues wait meanwhile.

    With no service at all (it failed to start), every cue is answered as visual.

    Scaling sounds is Python work that competes with the screen for the interpreter, so the
    cues of the preset about to run (``first``, else the last one used) are prepared at once
    and the other presets' a little later, when the screen is drawn and idle.
    """
    deferred = StartingAudio()
    soon, later = _cues_by_urgency(app.settings.presets, first or app.ui_state.last_preset)
    if first:  # a direct run: the test chime (a 20 s bowl to scale) is not wanted soon
        soon, later = soon[1:], [soon[0], *later]

    def start() -> None:
        try:
            from sessiontimer.audio.service import AudioService

            service = AudioService(app.settings.audio, [bundled_sounds_dir()])
        except Exception as error:  # no audio must never mean no session
            deferred.failed(f"sound could not start: {error}")
            app.post_message(ServiceNotice(NO_SOUND_NOTICE, "warning", "visual", SOUND))
            return
        service.on_backend_changed = partial(backend_changed, app)
        deferred.ready(service)
        # The backend, then the first cue's sound: a new session's clock waits for these.
        told = service.prepare(soon[:1], app.ui_state.volume)
        deferred.prepared()
        said = start_notice(service)  # told before the slow scaling, so the story is in order
        if said:
            app.post_message(ServiceNotice(said, "warning", service.backend_name, SOUND))
        # Scaling holds the interpreter: let the first cue start before it, and its device
        # and the worker have a core a moment longer.
        if first and deferred.wait_first_answer(FIRST_CUE_GRACE):
            time.sleep(FIRST_CUE_SETTLE)
        told += [t for t in service.prepare(soon[1:], app.ui_state.volume) if t not in told]
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
    if first:  # a direct run: its first cue is due now, so the device matters more
        thread.start()
    else:
        app.call_after_refresh(thread.start)
    return deferred


def _cues_by_urgency(presets: Sequence[Preset], first: str | None) -> tuple[list[Cue], list[Cue]]:
    """Preset ``first``'s first cue, the test chime and the rest of that preset's cues; then
    every other preset's cues."""
    soon: list[Cue] = [TEST_CHIME]
    later: list[Cue] = []
    for preset in presets:
        cues: list[Cue | None] = []
        for phase in preset.phases:
            c = phase.cues
            cues += [c.start, c.warning, c.interval, c.overtime]
        cues.append(preset.end_cue)
        (soon if preset.name == first else later).extend(c for c in cues if c is not None)
    if len(soon) > 1:  # the cue a session opens with first: its clock waits for that one
        soon[0], soon[1] = soon[1], soon[0]
    return soon, later


def start_now(app: SessionTimerApp, session: RunningSession, screen: SessionScreen) -> None:
    """Start a new session's clock at once: a key came first, the sound is ready, or the wait
    is over (a key may come before the screen's first refresh: its widgets then follow it)."""
    app.pending_start = None
    if app.session is session and not session.final and not session.engine.started:
        if screen.is_mounted:
            screen.take_back_first(starting=True)  # sent ahead for later: it goes now
        moved = session.start()
        if screen.is_mounted:
            screen.show_moved(moved)
        else:
            screen.call_after_refresh(screen.show_moved, moved)


def start_ahead(app: SessionTimerApp, session: RunningSession, screen: SessionScreen) -> None:
    """Start a new session whose first cue can sound: that cue goes to the audio side
    ``FIRST_AHEAD`` s before its moment, and the clock starts at that moment (a key typed
    meanwhile starts it at once). Without a service that takes cues ahead, at once."""
    if app.session is not session or session.final or session.engine.started:
        app.pending_start = None
        return
    planned = screen.send_first_ahead(FIRST_AHEAD) if screen.is_mounted else None
    if planned is None:
        start_now(app, session, screen)
        return

    def early() -> None:  # a key (or the end) before the moment: the clock starts now
        start_now(app, session, screen)

    def at_moment() -> None:
        if app.pending_start is not early:
            return  # started already
        app.pending_start = None
        if app.session is session and not session.final and not session.engine.started:
            screen.show_moved(session.start(at=planned))

    app.pending_start = early
    # A bare loop timer never fires before its moment (the screen's WAKE_MARGIN).
    delay = max(0.0, planned - app.clock.now()) + 0.0001
    asyncio.get_running_loop().call_later(delay, at_moment)


def start_when_ready(app: SessionTimerApp, session: RunningSession, screen: SessionScreen) -> None:
    """Start a new session's clock now that its screen is up, once its first cue can sound.

    The audio service may still be starting (a worker process, the device, the first sound
    to scale): started meanwhile, the start cue would sound that much after its moment. The
    clock waits for it, at most ``START_WAIT`` s; a key typed meanwhile starts it at once.
    Starting and sending the start cue happen in one call, so its ``late`` is the truth.
    """
    if session.engine.started:
        return  # a key started it already (start_now)
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()  # Textual's (the active app): timers started in go need it
    timer: Any = None

    def go() -> None:
        if app.pending_start is not go:
            return  # started already (a key, the timer or the sound, whichever came first)
        if timer is not None:
            timer.stop()
        start_ahead(app, session, screen)

    def prepared() -> None:  # from the audio's thread: back to the UI loop, in its context
        loop_calls.call_soon(loop, go, context=context)  # dropped if the app has gone

    app.pending_start = go
    when_prepared = getattr(app.audio, "when_prepared", None)
    if when_prepared is None:  # a service that is ready from the start
        go()
        return
    timer = app.set_timer(START_WAIT, go)
    when_prepared(prepared)


def writer_hooks(app: SessionTimerApp) -> dict[str, Any]:
    """Callbacks that turn disk trouble into one calm notice (the writer keeps every line)."""
    return {
        "on_problem": lambda text: app.post_message(ServiceNotice(text, "warning", kind=URGENT)),
        "on_recovered": lambda: app.post_message(
            ServiceNotice("The session log is saved again.", kind=URGENT)
        ),
    }


def keep_awake(app: SessionTimerApp, session: RunningSession) -> None:
    """Ask the system not to sleep while ``session`` runs (spawning the helper is slow)."""

    def hold() -> None:
        message = session.keep_awake(SleepInhibitor())
        if message:
            app.post_message(ServiceNotice(message, "warning"))

    app.run_worker(hold, thread=True, exit_on_error=False, group="inhibit")


def interrupted_sessions(
    app: SessionTimerApp, problems: list[str] | None = None
) -> list[tuple[Any, str]]:
    """Unfinished journals with a one-line description each, newest first (a worker thread).

    None while another instance runs a session: its journal is unfinished because it is
    being written, not because it was interrupted. Journals that cannot be read are said in
    ``problems`` and skipped.
    """
    if SessionLock(app.paths.lock_file).held_elsewhere():
        return []
    from sessiontimer.core.interrupted import resume_offers
    from sessiontimer.review.store import open_store

    said = [] if problems is None else problems
    found = []
    store = open_store(app.paths.state_dir, create=False)  # which journals are known ended
    try:
        offers = resume_offers(app.paths.sessions_dir, said, store.ended_stamps if store else None)
    finally:
        if store is not None:
            store.close()
    for path, info in offers:
        phase = info.preset.phases[info.phase_index].name
        minutes = readable.minutes_in(info.session_elapsed)
        who = f" for {info.client}" if info.client else ""
        when = f"{info.last_wall:%Y-%m-%d %H:%M}" if info.last_wall else "unknown time"
        found.append((path, f"{info.preset.name}{who}, in {phase} at {minutes} ({when})"))
    return found


def index_journal(app: SessionTimerApp, path: Path) -> None:
    """Write the session's rows into the review index now, off the UI thread (a few ms)."""
    import threading

    sessions_dir = app.paths.sessions_dir
    try:
        rel = Path(path).relative_to(sessions_dir).as_posix()
    except ValueError:
        return

    def run() -> None:
        from sessiontimer.review.index import update

        update(sessions_dir, app.paths.state_dir, [rel])

    threading.Thread(target=run, name="index-session").start()


def play_cue(app: SessionTimerApp, event: CueDue, session: RunningSession) -> None:
    """Send the cue to the audio service; its outcome goes to the session that played it.

    The service reports from its own thread: the journal line is written on the UI loop
    (``hand_over``), and a failure is told by a notice.
    """

    def finished(outcome: CueOutcome) -> None:
        session.cue_arrived(event, outcome)  # kept for the close, journaled on the UI loop
        if outcome.outcome == "failed" and outcome.message:
            app.post_message(ServiceNotice(cue_trouble(outcome), "warning"))

    session.cue_sent(event)
    app.audio.play(event.cue, app.ui_state.volume, app.muted, finished)


def send_ahead(app: SessionTimerApp, event: CueDue, session: RunningSession, at: float) -> Any:
    """Hand a cue to the audio side before its moment ``at`` (``time.monotonic()``), so the
    sound starts then on the device's clock; its ticket, or None if it was not taken (no
    service yet): then it is sent at its moment as usual."""

    def finished(outcome: CueOutcome) -> None:
        session.cue_arrived(event, outcome)
        if outcome.outcome == "failed" and outcome.message:
            app.post_message(ServiceNotice(cue_trouble(outcome), "warning"))

    if getattr(app.audio, "cancel", None) is None:  # a stand-in that plays only at once
        return None
    ticket = app.audio.play(event.cue, app.ui_state.volume, app.muted, finished, at)
    if ticket is not None:
        session.cue_sent(event, due=at)
    return ticket


def take_back(app: SessionTimerApp, event: CueDue, session: RunningSession, ticket: Any) -> bool:
    """A cue sent ahead is no longer due then (a move, pause, mute, volume, the end): True if
    it had no outcome yet. One taken back at its moment may yet sound and fade: the session
    then waits (``FADE_WAIT``) for its word."""
    if not app.audio.cancel(ticket):
        return False
    session.cue_withdrawn(event, may_sound=bool(getattr(ticket, "may_sound", False)))
    return True


def cue_trouble(outcome: CueOutcome) -> str:
    """A failed cue in words: one that sounded and was cut short is not one that never played."""
    message = outcome.message or ""
    if outcome.update and message.startswith("cut short"):
        return f"A cue was {message}."
    return f"A cue could not play: {message}"


def merge_cue(app: SessionTimerApp, event: CueDue, into: CueDue, session: RunningSession) -> None:
    """A cue due together with a more important one: journaled as merged, not played."""
    session.cue_merged(event, into, app.audio.backend_name)


def test_chime(app: SessionTimerApp) -> None:
    """Play the test chime at the current volume (Start screen)."""
    app.audio.play(
        TEST_CHIME,
        app.ui_state.volume,
        app.muted,
        lambda outcome: app.post_message(CueFinished(outcome)),
    )
