"""A session's way through the app: begun (or resumed), shown, ended, let go once on disk.

The app holds the one running session (``app.session``) and the closed ones whose lines
still wait for the disk (``app.held``); these functions are the only ones that change them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from sessiontimer import __version__
from sessiontimer.core import running
from sessiontimer.core.events import EngineEvent
from sessiontimer.core.model import Preset
from sessiontimer.core.running import RunningSession, SessionRefused
from sessiontimer.ui import loop_calls, page, service_glue
from sessiontimer.ui.textual_compat import switchable_first_screen

if TYPE_CHECKING:
    from textual.screen import Screen

    from sessiontimer.ui.app import SessionTimerApp
    from sessiontimer.ui.screens.session.running import SessionScreen


def first_screen(app: SessionTimerApp, preset: str | None, client: str | None) -> Screen[None]:
    """A direct run (``run --preset``) opens on its session; the Start screen is built only
    when it is needed. A refused session (another instance holds the lock) opens on Start."""
    if preset is not None:
        if app.audio is None:  # its first cue is due as soon as the screen is up
            app.audio = service_glue.open_audio(app, first=preset)
        screen = new_session(app, app.settings.preset(preset), client)
        if screen is not None:
            return switchable_first_screen(screen)
    from sessiontimer.ui.screens.session.start import StartScreen

    return switchable_first_screen(StartScreen())


def start(app: SessionTimerApp, preset: Preset, client: str | None) -> None:
    """Enter on Start: a new session on its own screen (or a notice why not)."""
    screen = new_session(app, preset, client)
    if screen is not None:
        app.push_screen(screen)
    else:  # refused: the keys typed after Enter stay on this screen
        app.key_hold.release(app.screen)


def new_session(app: SessionTimerApp, preset: Preset, client: str | None) -> SessionScreen | None:
    """Lock, journal and a started session on a new session screen; None when refused."""
    try:
        session = running.begin(
            preset, client, clock=app.clock, settings=app.settings,
            lock=app.session_lock, sessions_dir=app.paths.sessions_dir,
            app_version=__version__, hooks=service_glue.writer_hooks(app),
        )  # fmt: skip
    except SessionRefused as refused:
        app.notify(str(refused), severity="warning", timeout=8)
        return None
    if app.session_lock.problem:  # the disk refuses: run anyway, notes kept in memory
        app.notify(
            f"The session log folder is not writable: {app.session_lock.problem}. "
            "The session goes on; notes are kept until they can be written.",
            severity="warning",
            timeout=10,
        )
    app.ui_state = replace(app.ui_state, last_preset=preset.name)
    app.save_state()
    adopt(app, session)
    return session_screen(app, session, None)


def loop_hand_over(loop: asyncio.AbstractEventLoop) -> Callable[[Callable[[], None]], None]:
    """Run a report from another thread on ``loop``; once the loop has closed (the app has
    gone, its way out journaled what had come back), the report is dropped, and the
    reporting thread (the audio thread, a cue's late outcome) goes on."""

    def hand_over(run: Callable[[], None]) -> None:
        loop_calls.call_soon(loop, run)

    return hand_over


def adopt(app: SessionTimerApp, session: RunningSession) -> None:
    """The app holds the session; reports from other threads reach it on this loop."""
    session.hand_over = loop_hand_over(asyncio.get_running_loop())
    app.session = session
    page.session_running(app, True)
    if app.keep_awake:  # spawning the inhibitor waits for the first frame of the session
        app.call_after_refresh(service_glue.keep_awake, app, session)


def session_screen(
    app: SessionTimerApp, session: RunningSession, first: list[EngineEvent] | None
) -> SessionScreen:
    """The screen for ``session``: a resumed one shows its ``first`` events; a new one
    (``first`` None) starts its clock once the screen is up and the first cue can sound."""
    from sessiontimer.ui.screens.session.running import SessionScreen

    app.muted = False  # every session starts with sound, at the remembered volume
    screen = SessionScreen(session)
    if first is None:
        # A key before the screen's first refresh (type-ahead) starts the clock at once:
        # a note must never reach the journal before ``session_started``.
        app.pending_start = partial(service_glue.start_now, app, session, screen)
        screen.call_after_refresh(service_glue.start_when_ready, app, session, screen)
    else:
        screen.call_after_refresh(screen.show_moved, first)
    return screen


def show_end(app: SessionTimerApp, screen: Screen[None]) -> None:
    """The session on ``screen`` ended: its End screen takes its place."""
    from sessiontimer.ui.screens.session.end import EndScreen

    if app.screen is screen and app.session is not None:
        page.session_running(app, False)  # ended: a tablet's screen may sleep again
        app.switch_screen(EndScreen(app.session))


def close(app: SessionTimerApp, session: RunningSession, closing_note: str | None) -> None:
    """The End screen is done: close the session; it is held until its lines are on disk."""
    session.close(closing_note)
    session.when_saved(lambda: service_glue.index_journal(app, session.path))
    app.muted = False  # mute lasts for its session only
    let_go(app, session)


def let_go(app: SessionTimerApp, session: RunningSession) -> None:
    """The app no longer runs ``session``; "Session saved." once its lines are on disk."""
    if app.session is session:
        app.session = None
        page.session_running(app, False)
    app.sessions_closed += 1
    if session.saved:
        app.notify("Session saved.", timeout=3)
        return
    app.held.append(session)

    def saved() -> None:
        app.post_message(service_glue.SessionSaved(session))

    session.when_saved(saved)


def kept(app: SessionTimerApp) -> list[RunningSession]:
    """Every session the app still holds: the closed ones waiting for the disk, the current."""
    return [*app.held, *([app.session] if app.session is not None else [])]


def waiting_text(app: SessionTimerApp) -> str | None:
    """How many lines wait for the disk, and where (Start and End screens say it)."""
    texts = [t for t in (s.waiting_text() for s in kept(app)) if t]
    return "\n".join(texts) or None


def saved(app: SessionTimerApp, session: RunningSession) -> None:
    """Every line of a closed session is on disk (on the UI loop): only now is it "saved"."""
    if session in app.held:
        app.held.remove(session)
        app.notify("Session saved.", timeout=3)
