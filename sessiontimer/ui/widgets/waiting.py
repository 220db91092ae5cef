"""The line that says how many journal lines wait for the disk, and where.

A closed session whose lines cannot be written yet stays held by the app (it keeps trying
for as long as the app runs); the End and Start screens say so until the disk takes them.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widgets import Static

from sessiontimer.ui.plain_text import plain

POLL = 1.0  # seconds: the count changes when the disk lets a batch through


class WaitingLine(Static):
    """Empty (and hidden) while every line is on disk."""

    DEFAULT_CSS = """
    WaitingLine { color: $warning; height: auto; display: none; }
    WaitingLine.-waiting { display: block; }
    """

    def __init__(self, text: Callable[[], str | None], *, always: bool = True) -> None:
        """``text`` says what waits now (None: nothing); the screen passes where to ask."""
        super().__init__(id="waiting")
        self._text = text
        self._always = always  # poll even while nothing waits (the End screen: it may start)
        self._timer: Timer | None = None
        self._shown: str | None = None

    def on_mount(self) -> None:
        self.check()

    def check(self) -> None:
        """Show the current count; poll while lines wait (or always, if so made)."""
        text = self._text()
        if text != self._shown:
            self._shown = text
            self.update(plain(text or ""))
            self.set_class(text is not None, "-waiting")
        if (text is not None or self._always) and self._timer is None:
            self._timer = self.set_interval(POLL, self.check)
        elif text is None and not self._always and self._timer is not None:
            self._timer.stop()
            self._timer = None
