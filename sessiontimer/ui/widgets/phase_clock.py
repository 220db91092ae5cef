"""The big, calm clock."""

from __future__ import annotations

from textual.widgets import Digits


class PhaseClock(Digits):
    """A ``Digits`` that repaints only when its text really changes (idle CPU)."""

    def show(self, text: str) -> None:
        if text != self.value:
            self.update(text)
