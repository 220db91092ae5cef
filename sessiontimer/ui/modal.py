"""The base of every dialog: it closes once, whatever arrives after."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

R = TypeVar("R")


class Modal(ModalScreen[R]):
    """A modal screen whose second dismiss does nothing.

    Keys queued in a flood can submit a dialog twice before it is gone. Textual's ``dismiss``
    pops whatever screen is on top, so the second one would close the screen below the
    dialog (the running session) or fail on the last screen.
    """

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete.nothing()  # type: ignore[no-untyped-call, no-any-return]
        return super().dismiss(result)
