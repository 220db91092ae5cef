"""Frames to the terminal from the app's own thread when the terminal takes them at once.

Textual hands every write to an output thread. Each frame then wakes that thread, and it
waits again for the interpreter lock the app's loop still holds: two wake-ups a frame on top
of the loop's own, for a clock that changes once a second. Here a frame is written straight
to the terminal, through a second, non-blocking opening of the same terminal device: a write
the terminal takes at once costs the loop one system call and wakes nothing. What the
terminal does not take at once (nobody reads it: a stalled connection, a suspended terminal)
goes to a thread that waits for it, in order, so the clock, the cues and the journal never
wait for a terminal. That backlog is bounded: past it frames are dropped and, once the
terminal takes data again, the app is asked to paint the whole screen afresh.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable

BACKLOG_LIMIT = 1 << 20  # bytes waiting for a terminal that does not read; then frames drop


class TerminalOutput:
    """Write bytes to a terminal without ever blocking the caller."""

    def __init__(self, fd: int, repaint: Callable[[], None]) -> None:
        """``fd`` is the terminal as the app opened it (blocking); ``repaint`` is called from
        the output thread when dropped frames must be made good."""
        self._fd = fd
        self._direct = os.open(os.ttyname(fd), os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
        self._repaint = repaint
        self._cond = threading.Condition()
        self._backlog = bytearray()
        self._busy = False  # the thread is writing what it took from the backlog
        self._dropped = False
        self._ended = False  # the terminal failed (closed): nothing more is written
        self._closed = False
        self._thread: threading.Thread | None = None

    @property
    def ended(self) -> bool:
        return self._ended

    def write(self, data: bytes) -> None:
        """Write ``data`` after everything written before; never waits for the terminal."""
        with self._cond:
            if self._ended or self._closed:
                return
            if not self._backlog and not self._busy:
                try:
                    written = os.write(self._direct, data)
                except BlockingIOError:
                    written = 0
                except OSError:
                    self._ended = True
                    return
                if written == len(data):
                    return
                data = data[written:]
            if len(self._backlog) + len(data) > BACKLOG_LIMIT:
                self._dropped = True  # the screen is painted afresh when the terminal reads
                return
            self._backlog += data
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="terminal-backlog", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the backlog to reach the terminal; True if it did."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._ended or not (self._backlog or self._busy), timeout
            )

    def close(self, timeout: float) -> None:
        """Let the backlog reach the terminal (up to ``timeout`` s), then write no more."""
        self.drain(timeout)
        with self._cond:
            self._closed = True
            self._backlog = bytearray()  # what the terminal did not take in time: never later
            self._cond.notify_all()
            fd, self._direct = self._direct, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._backlog) or self._closed)
                if self._closed:
                    return
                chunk, self._backlog = bytes(self._backlog), bytearray()
                self._busy = True
            failed = False
            try:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(self._fd, view) :]  # waits for the terminal
            except OSError:
                failed = True
            with self._cond:
                self._busy = False
                self._ended = self._ended or failed
                repaint = self._dropped and not self._backlog and not self._ended
                self._dropped = self._dropped and not repaint
                self._cond.notify_all()
                if self._ended:
                    self._backlog = bytearray()
                    return
            if repaint:
                with contextlib.suppress(Exception):
                    self._repaint()
