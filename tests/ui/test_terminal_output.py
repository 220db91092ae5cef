"""Frames reach the terminal whole and in order, and a terminal that does not read never
blocks the app (tested on a real pseudo-terminal)."""

from __future__ import annotations

import contextlib
import os
import pty
import sys
import threading
import time
import tty
from collections.abc import Iterator

import pytest

from sessiontimer.ui.drivers import terminal_output
from sessiontimer.ui.drivers.terminal_output import TerminalOutput

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    master, slave = pty.openpty()
    tty.setraw(slave)  # as the app's terminal: bytes pass unchanged
    yield master, slave
    for fd in (master, slave):
        with contextlib.suppress(OSError):
            os.close(fd)


def read_all(master: int, expected: int, timeout: float = 20.0) -> bytes:
    got = bytearray()
    deadline = time.monotonic() + timeout
    os.set_blocking(master, False)
    while len(got) < expected and time.monotonic() < deadline:
        try:
            got += os.read(master, 65536)
        except BlockingIOError:
            time.sleep(0.005)
    return bytes(got)


def frames(count: int, size: int) -> list[bytes]:
    """Distinct frames with multi-byte characters, so a split character would show."""
    return [(f"[{n}]" + "█é" * (size // 5)).encode() + b"\n" for n in range(count)]


def test_a_frame_the_terminal_takes_is_written_at_once_by_the_caller(
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    out = TerminalOutput(slave, repaint=lambda: None)
    out.write(b"clock 7:46")
    assert read_all(master, 10) == b"clock 7:46"
    assert out._thread is None  # no other thread was needed, so none was woken
    out.close(1.0)


def test_a_terminal_that_does_not_read_never_blocks_and_gets_everything_in_order(
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    out = TerminalOutput(slave, repaint=lambda: None)
    sent = frames(40, 8000)  # about 130 kB: far more than the terminal holds unread
    writer = threading.Thread(target=lambda: [out.write(f) for f in sent], daemon=True)
    writer.start()
    writer.join(5)
    assert not writer.is_alive()  # all written while nobody read
    expected = b"".join(sent)
    assert read_all(master, len(expected)) == expected  # whole, in order, no split character
    assert out.drain(5.0)
    out.write(b"after")  # the backlog is gone: straight to the terminal again
    assert read_all(master, 5) == b"after"
    out.close(1.0)


def test_past_the_backlog_limit_frames_drop_and_the_screen_is_painted_afresh(
    terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    master, slave = terminal
    monkeypatch.setattr(terminal_output, "BACKLOG_LIMIT", 50_000)
    repainted = threading.Event()
    out = TerminalOutput(slave, repaint=repainted.set)
    for frame in frames(60, 8000):  # nobody reads: the backlog fills, then frames drop
        out.write(frame)
    assert not repainted.is_set()
    deadline = time.monotonic() + 30
    while not repainted.is_set() and time.monotonic() < deadline:  # the terminal reads again
        read_all(master, 10**9, timeout=0.05)
    assert repainted.is_set()
    out.close(1.0)


def test_a_closed_terminal_ends_the_output_and_later_writes_return(
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    out = TerminalOutput(slave, repaint=lambda: None)
    os.close(master)  # the terminal window was closed: writes fail with EIO
    writer = threading.Thread(target=lambda: [out.write(f) for f in frames(20, 8000)])
    writer.daemon = True
    writer.start()
    writer.join(5)
    assert not writer.is_alive()
    assert out.drain(5.0)
    assert out.ended
    out.close(1.0)


def test_closing_waits_for_the_backlog_but_not_for_ever(terminal: tuple[int, int]) -> None:
    _master, slave = terminal
    out = TerminalOutput(slave, repaint=lambda: None)
    for frame in frames(20, 8000):  # nobody reads: a backlog that will never drain
        out.write(frame)
    started = time.monotonic()
    out.close(0.5)
    assert time.monotonic() - started < 5.0
    out.write(b"after close")  # dropped, never blocks
