"""Cues sent to the audio side and not yet journaled: so the session's close can wait for them.

Outcomes arrive on audio threads. The UI journals them from its own loop, but a session that
closes right after its closing bell must not lose that bell's line, so the close waits here
(briefly, bounded) for every cue still out, then journals what came back.
"""

from __future__ import annotations

import threading
from typing import Any


class CueBook:
    """Thread-safe: ``sent`` and ``take`` from the UI, ``arrived`` from any thread."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._out = 0
        self._inbox: list[tuple[Any, Any]] = []

    def sent(self) -> None:
        with self._cond:
            self._out += 1

    def withdrawn(self) -> None:
        """A cue sent ahead of its moment was taken back before it had an outcome."""
        with self._cond:
            self._out = max(0, self._out - 1)
            self._cond.notify_all()

    @property
    def out(self) -> int:
        """Cues sent whose first outcome has not come back."""
        with self._cond:
            return self._out

    def arrived(self, event: Any, outcome: Any, *, first: bool = True) -> None:
        """An outcome (``first``) or a later word on a cue already reported."""
        with self._cond:
            self._inbox.append((event, outcome))
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
