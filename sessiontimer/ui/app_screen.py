"""Screens of this app reach it through one typed accessor, never a cast of their own.

Textual types ``Screen.app`` as ``App[Any]``; the screens need sessiontimer's app (its paths,
settings, running session). The one cast lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import Screen

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp

R = TypeVar("R")


def timer_app(node: DOMNode) -> SessionTimerApp:
    """The running sessiontimer app of any widget or screen (functions shared by screens)."""
    return cast("SessionTimerApp", node.app)


class AppScreen(Screen[R]):
    """A full screen of sessiontimer."""

    @property
    def st_app(self) -> SessionTimerApp:
        return timer_app(self)
