"""The base of every dialog: it closes once, whatever arrives after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

from sessiontimer.ui.app_screen import stop_if_left, timer_app

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp

R = TypeVar("R")


class Modal(ModalScreen[R]):
    """A modal screen whose second dismiss does nothing.

    Keys queued in a flood can submit a dialog twice before it is gone. Textual's ``dismiss``
    pops whatever screen is on top, so the second one would close the screen below the
    dialog (the running session) or fail on the last screen.
    """

    HOLD_AFTER: frozenset[str] = frozenset({"enter", "escape"})  # see ui/key_hold.py

    @property
    def st_app(self) -> SessionTimerApp:
        return timer_app(self)

    def on_key(self, event: events.Key) -> None:
        stop_if_left(self, event)

    def stays_open(self) -> None:
        """A closing key did not close it (a message instead): held keys come here now."""
        hold = getattr(self.app, "key_hold", None)
        if hold is not None:
            hold.release(self)

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete.nothing()  # type: ignore[no-untyped-call, no-any-return]
        return super().dismiss(result)
