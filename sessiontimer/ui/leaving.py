"""Every way out of the app goes through here, and through the running session.

A quit key, a signal (TERM, HUP, QUIT, an INT from outside), a terminal that went away and an
unexpected error all end the same way: the session is suspended with the reason (or closed
with what was typed as its closing note, on the End screen), the lines still waiting for the
disk are given a moment, the terminal is restored by Textual's own exit, the lock is let go,
and the process exits with a documented status (README, "Exit statuses").
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sessiontimer.core.running import RunningSession
from sessiontimer.ui import held_signals
from sessiontimer.ui.errors import log_exception
from sessiontimer.ui.textual_compat import forget_signal_handler

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_LINES_LOST = 3  # quit although lines could not be written anywhere
EXIT_TERMINAL_CLOSED = 129  # as for SIGHUP: the terminal is gone
SIGNALS = {
    signal.SIGTERM: "TERM",
    signal.SIGHUP: "HUP",
    signal.SIGQUIT: "QUIT",
    signal.SIGINT: "INT",
}
QUIET_WAIT = 2.0  # seconds a way out without a person gives the disk before copying elsewhere


def exit_status(reason: str) -> int:
    """The documented exit status for a way out."""
    if reason == "quit":
        return EXIT_OK
    if reason == "terminal closed":
        return EXIT_TERMINAL_CLOSED
    if reason.startswith("signal "):
        name = reason.split(" ", 1)[1]
        return 128 + int(getattr(signal, f"SIG{name}", 0))
    return EXIT_ERROR


def install_signal_handlers(app: SessionTimerApp) -> None:
    """TERM, HUP, QUIT and an INT from outside suspend the session instead of killing it.

    The errors of bare loop callbacks (these handlers, reports handed over from other
    threads) go to the error log too: asyncio only prints them, to a stderr Textual captures,
    and a lost SIGTERM stayed invisible that way.
    """
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(partial(_log_loop_error, app.paths.error_log))
    for signum, name in SIGNALS.items():
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue  # started under nohup (HUP ignored): a closed terminal ends input instead
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, app.leave, f"signal {name}")


def _log_loop_error(
    error_log: Path, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
) -> None:
    error = context.get("exception")
    if isinstance(error, BaseException):
        log_exception(error_log, error, "loop callback")  # not its message: it may quote a note
    loop.default_exception_handler(context)


def remove_signal_handlers() -> None:
    """The app is leaving: its loop lets the signals go and they are held until the process
    ends (``held_signals``), so that one arriving during the exit cannot kill it half-way.

    In the app's own process they are ignored first and only then forgotten by the loop,
    never through the default action (the loop's own removal puts it back: a SIGTERM in
    that moment gave -15). A test's process gets the defaults back (asyncio's removal).
    """
    held = held_signals.holding()
    held_signals.app_gone()
    with contextlib.suppress(RuntimeError):
        loop = asyncio.get_running_loop()
        for signum in SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                if held:
                    forget_signal_handler(loop, signum)
                else:
                    loop.remove_signal_handler(signum)
    held_signals.app_gone()  # again, had a loop without asyncio's table put a default back


def early_signal() -> str | None:
    """The way out for a signal that came before the app was up (``held_signals``)."""
    signum = held_signals.noted()
    return None if signum is None else f"signal {SIGNALS[signal.Signals(signum)]}"


def finalize(session: RunningSession | None, reason: str, closing_note: str | None) -> None:
    """Suspend a running session with ``reason``; close an ended one with its closing note."""
    if session is None or session.final:
        return
    if session.engine.ended:
        session.close(closing_note)
    else:
        session.suspend(reason)


def rescue(sessions: list[RunningSession], timeout: float) -> list[str]:
    """Give the disk ``timeout``; then copy each journal still waiting to the home folder.

    Nobody is there to ask (a signal, a lost terminal): the journal's own folder refuses,
    so a complete copy goes where the practitioner will find it. Returns what to print.
    """
    told: list[str] = []
    for session in sessions:
        if session.wait(timeout):
            continue
        n = session.pending
        try:
            copy = session.write_copy(Path.home())
        except (OSError, RuntimeError) as error:  # RuntimeError: no home folder to be found
            session.abandon()
            why = getattr(error, "strerror", None) or error
            told.append(
                f"sessiontimer: {n} line(s) of {session.path} could not be written "
                f"({why}); they are lost."
            )
            continue
        session.abandon()
        told.append(
            f"sessiontimer: {session.path.parent} refused {n} line(s); the whole journal "
            f"was written to {copy}."
        )
    return told


def tell(lines: list[str]) -> None:
    """After the terminal is restored: what happened to lines that waited for the disk."""
    for line in lines:
        with contextlib.suppress(OSError, ValueError):
            print(line, file=sys.stderr)


class WayOut:
    """The app's way out: once, whatever asks for it (a key, a signal, a lost terminal, an
    error), and never with a line dropped without a word."""

    def __init__(self, app: SessionTimerApp) -> None:
        self.app = app
        self.leaving = False
        self.signals_taken = False  # the loop handles TERM, HUP, QUIT, INT (not headless)

    def quit_asked(self) -> None:
        """Quit from any screen; the screen that owns a session decides how (it may ask).

        Over a dialog, the screen under it that owns the session is asked: a dialog open
        during a session must not make ctrl+q quit without asking.
        """
        for screen in reversed(self.app.screen_stack):
            handler = getattr(screen, "quit_requested", None)
            if callable(handler):
                handler()
                return
        self.leave("quit")

    def leave(self, reason: str, closing_note: str | None = None) -> None:
        """Suspend (or close) the session, then exit with ``reason``'s status.

        Quitting by key with lines that cannot reach the disk asks first (what to do with
        them); a signal, a lost terminal or an error cannot ask, so a complete copy goes to
        the home folder. Nothing is ever dropped without saying so.

        An error on the way is logged and the way out goes on: a signal's call runs on the
        bare loop, which would drop the error and the app would carry on as if no signal
        had come (seen: a SIGTERM while the End screen was being built).
        """
        from sessiontimer.ui.errors import log_exception

        app = self.app
        if self.leaving:
            return
        try:
            if closing_note is None:  # a signal on the End screen keeps the typed note too
                closing_note = self._typed_closing_note()
            finalize(app.session, reason, closing_note)
            waiting = self._waiting_sessions()
            if reason == "quit" and waiting and not all(s.wait(1.0) for s in waiting):
                self._ask_about_waiting(waiting)
                return
        except Exception as error:
            log_exception(app.paths.error_log, error, f"leaving ({reason})")
            with contextlib.suppress(Exception):
                finalize(app.session, reason, None)
        self.leaving = True
        try:
            app.after_exit += rescue(self._waiting_sessions(), QUIET_WAIT)
        except Exception as error:
            log_exception(app.paths.error_log, error, f"leaving ({reason})")
        self._exit_with(reason)

    def unhandled_error(self, error: Exception) -> bool:
        """Last net: the traceback goes to the error log, never to the screen; the session
        is suspended ("error") like every other way out. False: Textual's own handling
        (headless tests, or a test that wants the error raised)."""
        from sessiontimer.ui.errors import log_exception
        from sessiontimer.ui.textual_compat import set_return_code

        app = self.app
        log_exception(app.paths.error_log, error, "unhandled")
        with contextlib.suppress(Exception):
            finalize(app.session, "error", None)
            app.after_exit += rescue(self._waiting_sessions(), QUIET_WAIT)
        self.close_audio()
        if app.is_headless or app.reraise_errors:
            return False
        set_return_code(app, 1)
        self.leaving = True
        self.hand_back_signals()
        app.exit(
            return_code=EXIT_ERROR,
            message=(
                "sessiontimer stopped after an unexpected error. Your notes are saved and the "
                f"session will be offered for resume. Details: {app.paths.error_log}"
            ),
        )
        return True

    def close_audio(self) -> None:
        """Close the audio service (worker, players, temporary folder) on every way out.

        After the session's close, which waits briefly for cues still on their way.
        Safe to call twice.
        """
        close = getattr(self.app.audio, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()

    def take_signals(self) -> None:
        """TERM, HUP, QUIT and an INT from outside become ways out; only a real terminal's
        app takes them (on mount), never one run headless in tests."""
        if not self.signals_taken:
            install_signal_handlers(self.app)
            self.signals_taken = True

    def hand_back_signals(self) -> None:
        """The app is leaving: the loop lets the signals go (``remove_signal_handlers``)."""
        if self.signals_taken:
            self.signals_taken = False
            remove_signal_handlers()

    def _typed_closing_note(self) -> str | None:
        """What the End screen holds (its plan and pain after are journaled here), even
        under a screen opened from it (the treatment-note preview)."""
        for screen in reversed(self.app.screen_stack):
            typed = getattr(screen, "keep_typed", None)
            if callable(typed):
                return str(typed())
        return None

    def _exit_with(self, reason: str, lost: bool | None = None) -> None:
        # From here a signal is held (``held_signals``) until the process ends: the way out
        # under way keeps its status; the default action would kill the exit half-way.
        self.hand_back_signals()
        self.close_audio()
        if lost is None:
            lost = any(s.pending for s in self._waiting_sessions() if not s.copied)
        status = exit_status(reason)
        if lost and status == EXIT_OK:
            status = EXIT_LINES_LOST
        self.app.exit(return_code=status)

    def _waiting_sessions(self) -> list[RunningSession]:
        from sessiontimer.ui import session_flow

        return [s for s in session_flow.kept(self.app) if s.final and not s.saved]

    def _ask_about_waiting(self, waiting: list[RunningSession]) -> None:
        from sessiontimer.ui import navigation, session_flow
        from sessiontimer.ui.dialogs.session import WaitingLinesDialog

        app = self.app

        def chosen(where: str | None) -> None:
            if where == WaitingLinesDialog.ALL_WRITTEN:  # the disk took them meanwhile
                self.leaving = True
                self._exit_with("quit", lost=False)
                return
            if where is None:  # stay: the app keeps trying; the Start screen says how it goes
                if app.session is not None and app.session.final:
                    session_flow.let_go(app, app.session)
                    app.call_after_refresh(navigation.back_to_start, app)
                return
            self.leaving = True
            saved = bool(where) and self._write_copies(waiting, where)
            for session in waiting:
                session.abandon()
            self._exit_with("quit", lost=not saved)

        n = sum(s.pending for s in waiting)
        texts = [s.waiting_text() or "" for s in waiting]
        app.push_screen(
            WaitingLinesDialog(n, texts, lambda: sum(s.pending for s in waiting)), chosen
        )

    def _write_copies(self, waiting: list[RunningSession], folder: str) -> bool:
        """A complete journal of each in ``folder``; True if every one was written."""
        done = True
        for session in waiting:
            try:
                copy = session.write_copy(Path(folder).expanduser())
            except OSError as error:
                done = False
                self.app.after_exit.append(
                    f"sessiontimer: could not write {session.pending} line(s) to {folder} "
                    f"({error.strerror or error}); they are lost."
                )
            else:
                self.app.after_exit.append(
                    f"sessiontimer: the whole journal was written to {copy}."
                )
        return done
