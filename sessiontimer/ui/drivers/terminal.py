"""A terminal driver whose input thread sleeps until a key arrives (Linux and macOS).

Textual's ``LinuxDriver`` reads keys in a thread that wakes ten times a second, keys or not,
so that it notices when to stop and when a lone Escape is complete. In an untouched session
that polling is the largest single part of the app's idle CPU (about 0.12 % of a core, on a
goal of 0.3 %). Here the thread waits on the terminal and on a wake-up pipe: the pipe is
written when input is told to stop, and the key parser's own deadline (an Escape waiting to
see whether a sequence follows) is the only timeout. End of input or a read error (the
terminal closed, stdin at its end) stops the thread and tells the app once (``TerminalLost``):
Textual's own loop would spin on it. Everything else is Textual's driver.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from codecs import getincrementaldecoder
from functools import partial
from typing import Any

from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from sessiontimer.ui.drivers.escape_keys import EscapeFirst
from sessiontimer.ui.drivers.terminal_output import TerminalOutput
from sessiontimer.ui.loop_calls import call_soon
from sessiontimer.ui.textual_compat import (
    SYNC_END,
    SYNC_START,
    driver_app,
    driver_file,
    driver_loop,
    has_deadline,
    key_parser,
    output_ended,
    seconds_to_deadline,
    stop_output,
)

OUTPUT_STOP_WAIT = 2.0  # seconds the last frames may take to reach the terminal at exit


class TerminalLost(Message):
    """The terminal is gone: its input ended or failed. Sent once; no more keys follow."""


class WakingEvent(threading.Event):
    """The driver's stop flag; setting it also wakes the input thread through a pipe."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self._wake_fd = wake_fd

    def set(self) -> None:
        super().set()
        if self._wake_fd >= 0:
            with contextlib.suppress(OSError):  # full: the thread is already being woken
                os.write(self._wake_fd, b"\0")

    def detach(self) -> None:
        """Forget the pipe before it is closed: its number may soon name another file."""
        self._wake_fd = -1


class KeyWaitLinuxDriver(LinuxDriver):
    """``LinuxDriver`` with an input thread that blocks instead of polling."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read = self._wake_write = -1
        self._open_wake_pipe()
        self._frame: list[str] | None = None  # the pieces of a frame still being written
        self._output: TerminalOutput | None = None  # None: Textual's output thread writes

    def start_application_mode(self) -> None:
        """Textual's start, with frames written from the app's thread (see terminal_output)
        when the output is a terminal; from the first write on, so they stay in order."""
        restart = self._wake_read < 0  # back from a stop (SIGTSTP, then fg): it closed them
        if restart:
            self._open_wake_pipe()
        if self._output is not None:
            self._output.close(OUTPUT_STOP_WAIT)
        self._output = self._open_output()
        super().start_application_mode()  # type: ignore[no-untyped-call]
        if restart:  # the shell drew over the screen: every line again, not only the changes
            self._repaint_all()

    def _repaint_all(self) -> None:
        """Ask the app, from any thread, to draw the whole screen again."""
        call_soon(driver_loop(self), partial(driver_app(self).refresh, layout=True))

    def _open_wake_pipe(self) -> None:
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self.exit_event = WakingEvent(self._wake_write)

    def _open_output(self) -> TerminalOutput | None:
        try:
            file = driver_file(self)
            fd = file.fileno() if file is not None else -1
            if fd < 0 or not os.isatty(fd):
                return None
            return TerminalOutput(fd, self._repaint_all)
        except (OSError, ValueError, AttributeError):  # no terminal device: Textual's thread
            return None

    def write(self, data: str) -> None:
        """Write ``data`` to the terminal; never blocks the app.

        A frame Textual writes in three pieces (sync start, the frame, sync end) is written
        as one: one system call a frame, never half a frame on the terminal. Through
        Textual's output thread (no terminal device), a write after that thread ended is
        dropped (there is no terminal to draw on) instead of blocking the app for ever, so
        that a signal or the lost terminal can still be handled and the session suspended."""
        if data == SYNC_START:
            self._frame = [data]
            return
        if self._frame is not None:
            self._frame.append(data)
            if data != SYNC_END:
                return
            data, self._frame = "".join(self._frame), None
        if self._output is not None:
            self._output.write(data.encode(self._encoding, self._errors))
            return
        if output_ended(self):
            return
        super().write(data)

    @property
    def _encoding(self) -> str:
        return getattr(driver_file(self), "encoding", None) or "utf-8"

    @property
    def _errors(self) -> str:
        return getattr(driver_file(self), "errors", None) or "strict"

    def run_input_thread(self) -> None:
        """Textual's input loop, waiting for input, a stop, or the parser's deadline."""
        parser = key_parser(self)
        if not has_deadline(parser):  # a Textual this was not written for
            super().run_input_thread()
            return
        selector = selectors.SelectSelector()  # what Textual uses for terminals
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(self._wake_read, selectors.EVENT_READ)
        decode = getincrementaldecoder("utf-8")().decode
        keys = EscapeFirst(parser)  # an Escape before a key is never read as alt+key

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> bool:
            """Handle what is ready; False once the terminal is gone (end of input, error)."""
            for key, mask in ready:
                if key.fd == self._wake_read:
                    with contextlib.suppress(OSError):
                        os.read(self._wake_read, 64)
                elif mask & selectors.EVENT_READ:
                    try:
                        raw = os.read(self.fileno, 1024 * 4)
                    except OSError:  # EIO: the terminal was closed under us
                        raw = b""
                    if not raw:  # end of input: a closed terminal, or stdin at its end
                        return False
                    for event in keys.feed(decode(raw, final=final)):
                        self.process_message(event)
            for event in parser.tick():  # a lone Escape whose deadline has passed
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not process(selector.select(seconds_to_deadline(parser))):
                    self._terminal_lost()
                    return  # nothing more will come: never spin on a dead terminal
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()

    def _terminal_lost(self) -> None:
        """Tell the app once; it suspends the session and exits ("terminal closed")."""
        driver_app(self).post_message(TerminalLost())

    def close(self) -> None:
        # Textual's close is only the output thread's stop, which could wait for ever.
        if self._output is not None:
            self._output.close(OUTPUT_STOP_WAIT)
        stop_output(self, OUTPUT_STOP_WAIT)
        if isinstance(self.exit_event, WakingEvent):
            self.exit_event.detach()
        fds, (self._wake_read, self._wake_write) = (self._wake_read, self._wake_write), (-1, -1)
        for fd in fds:
            if fd >= 0:  # closed once only: a number closed twice may be another file's
                with contextlib.suppress(OSError):
                    os.close(fd)
