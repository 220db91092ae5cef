"""The driver for ``sessiontimer serve``: Textual's web driver, waiting instead of polling.

Textual's ``WebDriver`` reads the server's packets in a thread that wakes ten times a second
whether or not anything came (the served app's idle CPU was 1.4x the terminal's, and never
zero while paused). Here the thread sleeps on the pipe from the server and a wake-up pipe,
with the key parser's Escape deadline as the only timeout, as :mod:`terminal_driver` does for
the terminal. It also knows what the server needs beyond textual-serve's protocol:

- ``sessiontimer.reattached``: a new browser tab took over the running app; its terminal
  is blank, so the modes (alternate screen, mouse, hidden cursor) are sent again and the
  whole screen is repainted.
- ``sessiontimer.leave`` (no tab came back within the grace period, or the server stops),
  the server's end of the pipe closing (the server was killed) or a write failing: the
  browser connection is lost for good, so the app leaves with "connection lost" (the
  session is suspended) instead of running on as an orphan holding the session lock.
- :meth:`send_to_page`: a meta packet for the page (a cue to play, whether a session runs).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sys
import threading
from codecs import getincrementaldecoder
from typing import Any

from textual.drivers.web_driver import WebDriver

from sessiontimer.ui.drivers.escape_keys import EscapeFirst
from sessiontimer.ui.drivers.terminal import WakingEvent
from sessiontimer.ui.loop_calls import call_soon
from sessiontimer.ui.textual_compat import (
    ByteStream,
    ExitInput,
    driver_app,
    driver_loop,
    has_deadline,
    key_parser,
    seconds_to_deadline,
)

MODES = "\x1b[?1049h\x1b[?1000h\x1b[?1003h\x1b[?1015h\x1b[?1006h\x1b[?25l\x1b[?2004h"
PAGE_META = "sessiontimer."
LOST = "connection lost"  # the journal's ``suspended`` reason for a browser gone for good


class KeyWaitWebDriver(WebDriver):
    """``WebDriver`` whose input thread blocks; it reattaches and notices a lost server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self.exit_event = WakingEvent(self._wake_write)
        self._stdin = sys.__stdin__.fileno() if sys.__stdin__ is not None else 0
        self._lost = threading.Event()

    def write(self, data: str) -> None:
        try:
            super().write(data)
        except OSError:
            self._server_lost()

    def write_meta(self, data: dict[str, object]) -> None:
        try:
            super().write_meta(data)
        except OSError:
            self._server_lost()

    def send_to_page(self, kind: str, **fields: object) -> None:
        """A message for the page's own script (not the terminal): ``sessiontimer.<kind>``."""
        self.write_meta({"type": PAGE_META + kind, **fields})

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "sessiontimer.reattached":
            self._reattached()
        elif packet_type == "sessiontimer.leave":
            self._server_lost()
        else:
            super().on_meta(packet_type, payload)

    def _reattached(self) -> None:
        call_soon(driver_loop(self), self._repaint)  # input thread -> app's loop

    def _repaint(self) -> None:
        self.write(MODES)
        app = driver_app(self)
        app.refresh(repaint=True, layout=True)
        app.screen.refresh(repaint=True, layout=True)

    def _server_lost(self) -> None:
        """The browser is gone for good: once, the app's "connection lost" way out."""
        if self._lost.is_set() or self.exit_event.is_set():
            return
        self._lost.set()
        leave = getattr(
            driver_app(self), "leave", None
        )  # SessionTimerApp.leave; any other app: HUP
        if callable(leave) and call_soon(driver_loop(self), leave, LOST):
            return
        with contextlib.suppress(OSError):
            os.kill(os.getpid(), signal.SIGHUP)

    def run_input_thread(self) -> None:
        """Textual's web input loop, waiting for packets, a stop, or the parser's deadline."""
        parser = key_parser(self)
        if not has_deadline(parser):  # a Textual this was not written for
            super().run_input_thread()
            return
        selector = selectors.SelectSelector()  # works for any stdin, as Textual's terminal one
        selector.register(self._stdin, selectors.EVENT_READ)
        selector.register(self._wake_read, selectors.EVENT_READ)
        decode = getincrementaldecoder("utf-8")().decode
        stream = ByteStream()
        keys = EscapeFirst(parser)  # an Escape before a key is never read as alt+key
        try:
            while not self.exit_event.is_set():
                for key, _ in selector.select(seconds_to_deadline(parser)):
                    if key.fd == self._wake_read:
                        with contextlib.suppress(OSError):
                            os.read(self._wake_read, 64)
                        continue
                    data = os.read(self._stdin, 64 * 1024)
                    if not data:
                        self._server_lost()
                        return
                    for packet_type, payload in stream.feed(data):
                        if packet_type == "D":
                            for event in keys.feed(decode(payload)):
                                self.process_message(event)
                        else:
                            self._on_meta(packet_type, payload)
                for event in parser.tick():
                    self.process_message(event)
        except ExitInput:
            pass
        finally:
            selector.close()

    def close(self) -> None:
        super().close()
        if isinstance(self.exit_event, WakingEvent):
            self.exit_event.detach()
        fds, (self._wake_read, self._wake_write) = (self._wake_read, self._wake_write), (-1, -1)
        for fd in fds:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
