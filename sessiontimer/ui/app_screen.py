"""Screens of this app reach it through one typed accessor, never a cast of their own.

Textual types ``Screen.app`` as ``App[Any]``; the screens need sessiontimer's app (its paths,
settings, running session). The one cast lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import events
from textual.dom import DOMNode
from textual.screen import Screen

from sessiontimer.ui.textual_compat import PaintAtOnceScreen

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp

R = TypeVar("R")


def timer_app(node: DOMNode) -> SessionTimerApp:
    """The running sessiontimer app of any widget or screen (functions shared by screens)."""
    return cast("SessionTimerApp", node.app)


def stop_if_left(screen: Screen[Any], event: events.Key) -> None:
    """A key that reaches ``screen`` after it was left (typed before the Enter that left it,
    in one read of the terminal) stops here: going on up, the app would look it up in the
    *next* screen's bindings ('m' of a name typed into the preset list muted the session)."""
    if screen.app.screen is not screen:
        event.stop()
        event.prevent_default()


class AppScreen(PaintAtOnceScreen[R]):
    """A full screen of sessiontimer."""

    @property
    def st_app(self) -> SessionTimerApp:
        return timer_app(self)

    def on_key(self, event: events.Key) -> None:
        stop_if_left(self, event)
