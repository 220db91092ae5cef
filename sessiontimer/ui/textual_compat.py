"""Every private Textual name the app relies on, in one place, each checked by a test.

Textual's drivers read input through a key parser and, for the web driver, a packet stream
that are not public API. The quiet drivers need them to wait for input instead of polling;
when Textual changes one of these, the test of this module fails first, and the drivers fall
back to Textual's own input loop (see :func:`parser_deadline`).
"""

from __future__ import annotations

from typing import Any

from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.driver import Driver
from textual.drivers._byte_stream import ByteStream
from textual.drivers.web_driver import _ExitInput as ExitInput

__all__ = [
    "ByteStream",
    "ExitInput",
    "XTermParser",
    "app_driver",
    "get_time",
    "has_deadline",
    "parser_deadline",
]


def app_driver(app: App[Any]) -> Driver | None:
    """The driver the app runs on (None before it starts): Textual keeps it private."""
    driver: Driver | None = getattr(app, "_driver", None)
    return driver


def has_deadline(parser: Any) -> bool:
    """True when the parser exposes the deadline the quiet input loops wait for."""
    return hasattr(parser, "_timeout_time")


def parser_deadline(parser: Any) -> float | None:
    """When a lone Escape (a sequence still incomplete) must be delivered; None: no deadline."""
    deadline: float | None = parser._timeout_time
    return deadline


def seconds_to_deadline(parser: Any) -> float | None:
    """How long the input thread may sleep: until the parser's deadline, or for ever."""
    deadline = parser_deadline(parser)
    return None if deadline is None else max(0.0, deadline - get_time())
