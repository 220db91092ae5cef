"""Signals while the app is not up yet, or already gone: held, never a kill half-way.

The app's loop turns TERM, HUP, QUIT and INT into a way out (``leaving``). Before that loop
has its handlers (imports, config, the first screen: a second or more on a slow machine) and
after it has closed (threads finishing, the last lines reaching the disk), the default action
would kill the process mid-way: a session begun by ``run --preset`` without its ``suspended``
line, an exit under way without its status. Here such a signal is only noted (standard
library only: this is set up before Textual is imported):

- before the app is up, the app leaves for the first one noted as soon as it can (the session,
  if one was begun, is suspended with the reason) and exits 128+N, as if it had come later;
- once the app is leaving, they are ignored: the way out already under way keeps its status
  (kill -9 still stops a process that would not end).
"""

from __future__ import annotations

import signal
from types import FrameType

SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGINT)
_noted: list[int] = []  # before the app was up
_held = False  # only the app's own process holds signals (not a test calling in)


def hold() -> None:
    """Note TERM, HUP, QUIT and INT instead of dying of them (those ignored stay ignored)."""
    global _held
    _held = True
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup: HUP stays ignored
            signal.signal(signum, _note)


def holding() -> bool:
    """True in the app's own process (``hold`` was called), never in a test calling in."""
    return _held


def noted() -> int | None:
    """The first signal noted before the app was up, if any."""
    return _noted[0] if _noted else None


def app_gone() -> None:
    """The app is leaving: ignore the signals until the process ends.

    Ignored, not noted: the interpreter puts the default action back for every signal with a
    Python handler while it finalizes (tens of milliseconds for the app's heap), and a signal
    then would kill the exit half-way; an ignored one stays ignored.
    """
    if _held:
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


def _note(signum: int, frame: FrameType | None) -> None:
    _noted.append(signum)
