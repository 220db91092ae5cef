"""The big, calm clock: solid block digits as large as the box the layout gives it.

The layout gives the clock whatever rows the other lines leave (``height: 1fr``); the digits
take the tallest size that fits (:mod:`sessiontimer.ui.big_digits`), centred. The size is
measured on the widest text of the same shape, so it does not jump when 10:00 becomes 9:59.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from sessiontimer.ui import big_digits


class PhaseClock(Widget, can_focus=False):
    """Shows one time text; repaints only when the text or its box changes (idle CPU)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""

    @property
    def value(self) -> str:
        """The text shown, e.g. ``4:05`` or ``+0:12``."""
        return self._text

    def show(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.refresh()

    def digit_rows(self) -> int:
        """How tall the digits are drawn now (0 when the box is too small: plain text)."""
        size = self._fit()
        return size.height if size else 0

    def _fit(self) -> big_digits.Size | None:
        width, height = self.content_size
        return big_digits.fit(big_digits.template(self._text), width, height)

    def render(self) -> Content:
        size = self._fit()
        if size is None:
            return Content(self._text)
        lines = big_digits.render(self._text, size)
        above = (self.content_size.height - size.height) // 2
        return Content("\n" * above + "\n".join(lines))
