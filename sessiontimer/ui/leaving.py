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
from pathlib import Path
from typing import TYPE_CHECKING

from sessiontimer.core.running import RunningSession
from sessiontimer.ui import held_signals
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
    """TERM, HUP, QUIT and an INT from outside suspend the session instead of killing it."""
    loop = asyncio.get_running_loop()
    for signum, name in SIGNALS.items():
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue  # started under nohup (HUP ignored): a closed terminal ends input instead
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, app.leave, f"signal {name}")


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
