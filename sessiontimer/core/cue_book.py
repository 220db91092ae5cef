"""Cues sent to the audio side and not yet journaled: so the session's close can wait for them.

Outcomes arrive on audio threads. The UI journals them from its own loop, but a session that
closes right after its closing bell must not lose that bell's line, so the close waits here
(briefly, bounded) for every cue still out, then journals what came back.

A cue taken back so close to its moment that its device may already hold its sound (it then
sounds a moment and fades) is *fading*: its word (``faded``) may still come, or never (it was
dropped in time after all). The close waits for that word too, at most ``until`` after the
cue was taken back (``RunningSession``'s ``FADE_WAIT``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class CueBook:
    """Thread-safe: ``sent`` and ``take`` from the UI, ``arrived`` from any thread."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._cond = threading.Condition()
        self._out = 0
        self._inbox: list[tuple[Any, Any]] = []
        self._now = now
        self._fading: dict[Any, float] = {}  # cue -> when its word is given up (``now``)

    def sent(self) -> None:
        with self._cond:
            self._out += 1

    def withdrawn(self, fading: Any = None, until: float = 0.0) -> None:
        """A cue sent ahead of its moment was taken back before it had an outcome; if it may
        still sound (``fading``: the cue), its word is waited for ``until`` seconds more."""
        with self._cond:
            self._out = max(0, self._out - 1)
            if fading is not None:
                self._fading[fading] = self._now() + until
            self._cond.notify_all()

    def fading_left(self) -> float:
        """Seconds until the last word still awaited on a fading cue is given up (0: none)."""
        with self._cond:
            return self._fading_left()

    def _fading_left(self) -> float:
        now = self._now()
        self._fading = {cue: end for cue, end in self._fading.items() if end > now}
        return max(self._fading.values(), default=now) - now

    def wait_fading(self, timeout: float) -> bool:
        """Until no fading cue's word is awaited (True), or ``timeout`` passed (False)."""
        with self._cond:
            left = self._fading_left()
            if left <= 0:
                return True
            return self._cond.wait_for(lambda: self._fading_left() <= 0, min(timeout, left))

    @property
    def out(self) -> int:
        """Cues sent whose first outcome has not come back."""
        with self._cond:
            return self._out

    def arrived(self, event: Any, outcome: Any, *, first: bool = True) -> None:
        """An outcome (``first``) or a later word on a cue already reported."""
        with self._cond:
            self._inbox.append((event, outcome))
            self._fading.pop(event, None)  # its word came
            if first:
                self._out = max(0, self._out - 1)
            self._cond.notify_all()

    def take(self) -> list[tuple[Any, Any]]:
        """Everything that arrived since the last take, in order."""
        with self._cond:
            items, self._inbox = self._inbox, []
            return items

    def wait(self, timeout: float) -> bool:
        """Until every cue sent has its first outcome (True) or ``timeout`` passed (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._out == 0, timeout)
