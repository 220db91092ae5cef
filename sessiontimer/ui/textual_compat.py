"""Every private Textual name the app relies on, in one place, each checked by a test
(and the one private asyncio name: :func:`forget_signal_handler`).

Textual's drivers read input through a key parser and, for the web driver, a packet stream
that are not public API. The quiet drivers need them to wait for input instead of polling;
when Textual changes one of these, the test of this module fails first, and the drivers fall
back to Textual's own input loop (see :func:`parser_deadline`).
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterable
from queue import Empty, Full
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.dom import DOMNode
from textual.driver import Driver
from textual.geometry import Size
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.drivers._byte_stream import ByteStream
    from textual.drivers.web_driver import _ExitInput as ExitInput

__all__ = [
    "SYNC_END",
    "SYNC_START",
    "ByteStream",
    "ExitInput",
    "PaintAtOnceScreen",
    "UnhandledErrorApp",
    "XTermParser",
    "app_driver",
    "css_generation",
    "deliver_pending",
    "driver_file",
    "driver_loop",
    "forget_signal_handler",
    "get_time",
    "has_deadline",
    "key_parser",
    "lay_out_offscreen",
    "parser_deadline",
    "preparse_default_css",
    "render_offscreen",
    "seconds_to_deadline",
    "set_return_code",
    "start_offscreen",
    "stop_output",
    "switchable_first_screen",
]

ReturnType = TypeVar("ReturnType")

# What Textual writes around each frame when the terminal can hold its drawing until the
# frame is complete (mode 2026); Textual's own constants live in a private module.
SYNC_START = "\x1b[?2026h"
SYNC_END = "\x1b[?2026l"


def __getattr__(name: str) -> Any:
    """The web driver's names, imported only when asked for (``serve``): the terminal app's
    start-up never pays for the web driver module (about 30 ms)."""
    if name == "ByteStream":
        from textual.drivers._byte_stream import ByteStream

        return ByteStream
    if name == "ExitInput":
        from textual.drivers.web_driver import _ExitInput

        return _ExitInput
    raise AttributeError(name)


class UnhandledErrorApp(App[ReturnType]):
    """An App whose unhandled exceptions reach :meth:`unhandled_error` first.

    Textual's only hook for them is the private ``_handle_exception``; overriding it here keeps
    the app module free of private names.
    """

    def _handle_exception(self, error: Exception) -> None:
        if not self.unhandled_error(error):
            super()._handle_exception(error)

    def unhandled_error(self, error: Exception) -> bool:
        """Handle ``error``; False hands it to Textual (which shows it and exits)."""
        return False


class PaintAtOnceScreen(Screen[ReturnType]):
    """A screen that paints in the loop turn that changed it, not at Textual's next frame.

    Textual paints a screen from a 60 Hz timer that an idle screen resumes: every change
    costs the loop a second wake-up about 17 ms after the first. A screen whose changes come
    once a second (the session clock) paints at once when its messages are done instead; a
    burst of changes still paints once, at the end of the burst (idle comes only then).
    """

    async def _on_idle(self, event: events.Idle) -> None:
        if not self.app._batch_count and self.is_current and _paint_due(self):
            event.prevent_default()
            self._on_timer_update()  # paints now and pauses the (not resumed) frame timer
            return
        await super()._on_idle(event)


def _paint_due(screen: Screen[Any]) -> bool:
    return bool(
        screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._recompose_required
        or screen._dirty_widgets
    )


def preparse_default_css(app: App[Any], widget_types: Iterable[type[DOMNode]]) -> None:
    """The default CSS of widget types not shown yet, added to the app's stylesheet and
    parsed now, at a quiet moment. Textual adds a widget's default CSS when its first
    instance mounts and parses the stylesheet again then: on the Sessions screen's first
    open, the largest part of its mount. Textual finds the same sources already there later
    and parses nothing (``Stylesheet.add_source`` skips CSS it holds)."""
    sheet = app.stylesheet
    for widget_type in _with_kin(widget_types):
        node = widget_type.__new__(widget_type)  # what it reads is the class's
        try:
            sources = node._get_default_css()
        except (AttributeError, TypeError):  # another Textual: the first mount parses them
            return
        for read_from, css, tie_breaker, scope in sources:
            sheet.add_source(
                css,
                read_from=read_from,
                is_default_css=True,
                tie_breaker=tie_breaker,
                scope=scope,
            )
    sheet.rules  # noqa: B018 - parsed here, not at the first mount


def _with_kin(widget_types: Iterable[type[DOMNode]]) -> list[type[DOMNode]]:
    """Each type and the node types defined in its module: those it composes (ProgressBar's
    Bar, PercentageStatus and ETAStatus live in a private module, named nowhere else)."""
    found: dict[type[DOMNode], None] = {}
    for widget_type in widget_types:
        found[widget_type] = None
        module = sys.modules.get(widget_type.__module__)
        for value in vars(module).values() if module else ():
            same_module = getattr(value, "__module__", None) == widget_type.__module__
            if same_module and isinstance(value, type) and issubclass(value, DOMNode):
                found[value] = None
    return list(found)


def start_offscreen(app: App[Any], screen: Screen[Any]) -> None:
    """Start ``screen`` (compose, mount) without showing it, as a push would start it: a
    later push finds it running and only shows it."""
    app._register(app, screen)


def lay_out_offscreen(screen: Screen[Any], size: Size) -> None:
    """Lay out a screen not shown yet for ``size``: as it shows, the layout is done."""
    screen._refresh_layout(size)


def render_offscreen(screen: Screen[Any]) -> None:
    """Render a screen not shown yet, the result dropped: its widgets keep the lines they
    rendered, which its first frame reuses."""
    screen._compositor.render_update(full=True)


def css_generation(app: App[Any]) -> tuple[int, bool]:
    """What every screen's styles follow from the app: Textual's count of its CSS changes
    (a theme, a stylesheet) and whether the terminal has focus. The same: styles applied
    before it still hold."""
    return app._css_update_count, app.app_focus


def set_return_code(app: App[Any], code: int) -> None:
    """The status the process exits with, set without ``exit()`` (which would also leave)."""
    app._return_code = code


def switchable_first_screen(screen: Screen[Any]) -> Screen[Any]:
    """Let ``switch_screen`` replace the first screen (a session ends on its End screen).

    Textual's switch pops the result callback that a push adds; the first screen was not
    pushed, so it is given the same empty callback a switch gives its new screen.
    """
    screen._push_result_callback(screen, None)
    return screen


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


def deliver_pending(parser: Any) -> Any:
    """What the parser holds waiting for its deadline (a lone ESC), delivered now: the key
    after it arrived, and it is not part of a sequence (ui/drivers/escape_keys)."""
    parser._timeout_time = 0.0
    return parser.tick()


def seconds_to_deadline(parser: Any) -> float | None:
    """How long the input thread may sleep: until the parser's deadline, or for ever."""
    deadline = parser_deadline(parser)
    return None if deadline is None else max(0.0, deadline - get_time())


def output_ended(driver: Any) -> bool:
    """True when the driver's output thread has ended (stopped at exit, or died on a write
    error): Textual's write would then wait for ever on the thread's full queue."""
    writer = getattr(driver, "_writer_thread", None)
    return writer is not None and not writer.is_alive()


def stop_output(driver: Any, timeout: float) -> None:
    """Stop the driver's output thread as Textual's ``close`` does, but never for ever.

    Textual puts a stop mark on the thread's queue and joins it; with the thread ended (a
    write error on a closed terminal) and its queue full, or the thread stuck writing to a
    terminal nobody reads, that waited for ever at exit, holding the session lock.
    """
    writer = getattr(driver, "_writer_thread", None)
    if writer is None:
        return
    queue = writer._queue
    if not writer.is_alive():
        with contextlib.suppress(Empty):
            while True:
                queue.get_nowait()  # frames for a terminal that is gone
        return
    try:
        queue.put(None, timeout=timeout)
    except Full:
        return
    writer.join(timeout)


def key_parser(driver: Driver) -> XTermParser:
    """Textual's key parser, set up as the driver's own input loop sets it up (its debug flag
    is private)."""
    return XTermParser(driver._debug)


def driver_file(driver: Driver) -> Any:
    """The file the Linux driver writes frames to (private in Textual: ``sys.__stderr__``)."""
    return getattr(driver, "_file", None)


def driver_app(driver: Driver) -> App[Any]:
    """The app a driver serves (private in Textual): where a driver posts what it learns."""
    return driver._app


def driver_loop(driver: Driver) -> Any:
    """The event loop the driver was made on (private in Textual): where input threads hand
    their work back to the app."""
    return driver._loop


def forget_signal_handler(loop: Any, signum: int) -> None:
    """The loop forgets its handler for ``signum`` and the signal keeps its disposition.

    asyncio's ``remove_signal_handler`` (which the loop's close also calls) puts the default
    action back first: a SIGTERM in that moment killed an app that was already leaving
    (status -15). Called once the signal is ignored. Without the loop's private table (another
    loop), the public removal is used and the caller ignores the signal again.
    """
    handlers = getattr(loop, "_signal_handlers", None)
    if not isinstance(handlers, dict):
        loop.remove_signal_handler(signum)
        return
    handlers.pop(signum, None)
    if not handlers:  # as asyncio does: no byte for a closed loop's pipe (its number reused)
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(-1)


def set_css_variables(app: App[Any]) -> None:
    """Give the stylesheet the app's CSS variables (a theme set without its watcher), so the
    first parse uses the theme's colours instead of parsing the whole stylesheet twice."""
    app.stylesheet.set_variables(app.get_css_variables())
