"""The terminal driver whose input thread sleeps until a key arrives.

In a real pty (Pilot uses Textual's headless driver, which has no input thread): keys,
a lone Escape, quitting promptly; and, on the driver alone, that an idle input thread does
not wake and a stop wakes it at once.
"""

from __future__ import annotations

import asyncio
import os
import pty
import selectors
import signal
import sys
import threading
import time
import tty
from pathlib import Path
from typing import Any

import pytest
from textual import events

from sessiontimer.core.journal_read import read_journal
from sessiontimer.ui.drivers.terminal import KeyWaitLinuxDriver
from tests.reliability.ptyapp import PtyApp, sessions

ESCAPE_ALONE_WITHIN = 2.0  # seconds: Textual's parser waits about 0.1 s for a sequence


def _settle(app: PtyApp, seconds: float = 0.3) -> int:
    """Read what the app draws for a moment (an unread pty blocks its writes); the mark."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.pump(0.05)
    return len(app.text())


def test_keys_a_lone_escape_and_quit_in_a_real_terminal(tmp_path: Path) -> None:
    (tmp_path / "config.toml").touch()
    app = PtyApp(tmp_path, ["run", "--preset", "Demo"])
    try:
        assert app.wait_for("left in this phase", 30), app.text()[-2000:]
        mark = _settle(app)
        app.send(b"r")
        assert app.wait_for("Saved: release", 10, mark)
        mark = _settle(app)
        app.send(b"n")
        assert app.wait_for("enter saves, escape cancels", 10, mark)
        app.send(b"abc")
        mark = _settle(app)
        app.send(b"\x1b")  # alone: only the parser's deadline can complete it
        # the dialog closes: the session screen under it is drawn again
        assert app.wait_for("left in this phase", ESCAPE_ALONE_WITHIN, mark), app.text()[-1500:]
        mark = _settle(app)
        app.send(b"\x11")  # ctrl+q
        assert app.wait_for("Quit?", 10, mark)
        _settle(app)
        app.send(b"\r")
        started = time.monotonic()
        while app.proc.poll() is None and time.monotonic() - started < 10:
            app.pump(0.05)
        assert time.monotonic() - started < 3.0  # the input thread stopped at once
        assert app.proc.returncode == 0
    finally:
        app.close()
    (journal,) = sessions(tmp_path)
    notes = [e for e in read_journal(journal).events if e["type"] == "note"]
    assert [n.get("tag") for n in notes] == ["release"]  # the cancelled note saved nothing


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal driver")
def test_stopped_and_continued_the_app_takes_keys_again(tmp_path: Path) -> None:
    """SIGTSTP (a job stopped from the shell) then SIGCONT (fg): Textual stops and starts the
    driver again; our input thread's wake pipe had been closed by the stop, and the restart
    crashed the app with a traceback ("Invalid file descriptor: -1")."""
    (tmp_path / "config.toml").touch()
    app = PtyApp(tmp_path, ["run", "--preset", "Demo"])
    try:
        assert app.wait_for("left in this phase", 30), app.text()[-2000:]
        _settle(app)
        os.kill(app.proc.pid, signal.SIGTSTP)
        stopped = time.monotonic() + 15
        while time.monotonic() < stopped and not _stopped(app.proc.pid):
            app.pump(0.05)
        assert _stopped(app.proc.pid)
        mark = len(app.text())
        os.kill(app.proc.pid, signal.SIGCONT)
        assert app.wait_for("left in this phase", 30, mark), app.text()[-2000:]
        mark = _settle(app)
        app.send(b"r")
        assert app.wait_for("Saved: release", 15, mark), app.text()[-2000:]
        assert "Traceback" not in app.text()
        app.send(b"\x11")  # ctrl+q
        assert app.wait_for("Quit?", 15)
        _settle(app)
        app.send(b"\r")
        assert app.wait_exit(30) == 0
    finally:
        app.close()
    (journal,) = sessions(tmp_path)
    notes = [e for e in read_journal(journal).events if e["type"] == "note"]
    assert [n.get("tag") for n in notes] == ["release"]


def _stopped(pid: int) -> bool:
    try:
        return "T (stopped)" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


class _App:
    """Stands in for the app: the driver's messages are collected."""

    def __init__(self) -> None:
        self.messages: list[Any] = []


@pytest.fixture
def driver_on_pty(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A KeyWaitLinuxDriver reading a pty's slave end, its input thread running."""
    master, slave = pty.openpty()
    tty.setraw(slave)  # as the app puts its terminal: bytes as they come, no line editing
    app = _App()
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}

    async def make() -> KeyWaitLinuxDriver:  # a driver is made inside the app's loop
        return KeyWaitLinuxDriver(app, size=(80, 24))  # type: ignore[arg-type]

    driver = asyncio.run(make())
    for sig, handler in saved.items():  # the driver takes ctrl+z handlers; give them back
        signal.signal(sig, handler)
    driver.fileno = slave
    monkeypatch.setattr(driver, "process_message", app.messages.append)
    selects: list[float | None] = []
    real_select = selectors.SelectSelector.select

    def counting(self: Any, timeout: float | None = None) -> Any:
        selects.append(timeout)
        return real_select(self, timeout)

    monkeypatch.setattr(selectors.SelectSelector, "select", counting)
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    yield driver, app, master, thread, selects
    driver.exit_event.set()
    thread.join(5)
    driver.close()
    os.close(master)
    os.close(slave)


def _wait(condition: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal driver")
def test_the_idle_input_thread_sleeps_and_a_stop_wakes_it(driver_on_pty: Any) -> None:
    driver, app, master, thread, selects = driver_on_pty
    assert _wait(lambda: len(selects) >= 1)
    time.sleep(1.0)
    assert len(selects) == 1 and selects[0] is None  # one wait, no timeout: no polling
    os.write(master, b"s")
    assert _wait(lambda: any(isinstance(m, events.Key) and m.key == "s" for m in app.messages))
    started = time.monotonic()
    driver.exit_event.set()
    thread.join(2)
    assert not thread.is_alive() and time.monotonic() - started < 1.0


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal driver")
def test_a_lone_escape_is_delivered_by_the_parser_deadline(driver_on_pty: Any) -> None:
    _, app, master, _, selects = driver_on_pty
    os.write(master, b"\x1b")
    assert _wait(
        lambda: any(isinstance(m, events.Key) and m.key == "escape" for m in app.messages),
        ESCAPE_ALONE_WITHIN,
    )
    assert any(t is not None and t <= 1.0 for t in selects)  # it waited for the deadline only


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal driver")
def test_after_close_the_wake_pipe_numbers_are_left_alone(
    driver_on_pty: Any, tmp_path: Path
) -> None:
    """A stop after close must not write into a file that took the pipe's old number."""
    driver, _, _, thread, _ = driver_on_pty
    driver.exit_event.set()
    thread.join(2)
    pipe_fds = {driver._wake_read, driver._wake_write}
    driver.close()
    opened: list[int] = []
    try:
        while not pipe_fds <= set(opened) and len(opened) < 256:  # until both are reused
            opened.append(os.open(tmp_path / f"f{len(opened)}", os.O_RDWR | os.O_CREAT))
        assert pipe_fds <= set(opened)
        driver.exit_event.clear()
        driver.exit_event.set()
        driver.close()  # twice: it must not close the new files
        for fd in opened:
            assert os.fstat(fd).st_size == 0
    finally:
        for fd in opened:
            os.close(fd)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal driver")
def test_the_app_runs_on_the_key_wait_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual import constants

    from tests.ui.conftest import build_app

    monkeypatch.setattr(constants, "DRIVER", None)
    assert build_app().driver_class is KeyWaitLinuxDriver


async def test_writes_after_the_output_thread_ended_never_block_the_app() -> None:
    """Textual's output thread ended (stopped at exit, or a write error on the terminal): a
    write used to wait for ever on its full queue (30 writes), and with it the whole app, so
    no signal or lost terminal could be handled (seen: a hung app holding the session lock)."""
    import io
    import threading

    from textual.app import App
    from textual.drivers._writer_thread import WriterThread

    from sessiontimer.ui.drivers.terminal import KeyWaitLinuxDriver

    driver = KeyWaitLinuxDriver(App())
    writer = WriterThread(io.StringIO())
    writer.start()
    writer.stop()
    writer.join(5)
    driver._writer_thread = writer
    burst = threading.Thread(target=lambda: [driver.write("frame") for _ in range(40)])
    burst.daemon = True
    burst.start()
    burst.join(5)
    assert not burst.is_alive()


async def test_closing_with_the_output_thread_ended_and_its_queue_full_never_blocks() -> None:
    """Seen in the signal tests: an app that had left its session sat for ever in the driver's
    close, whose stop mark waited on the full queue of an output thread that had ended."""
    import io
    import threading

    from textual.app import App
    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    from sessiontimer.ui.drivers.terminal import KeyWaitLinuxDriver

    driver = KeyWaitLinuxDriver(App())
    writer = WriterThread(io.StringIO())
    writer.start()
    writer.stop()
    for _ in range(MAX_QUEUED_WRITES):  # frames queued as the thread ended
        writer._queue.put("frame")
    driver._writer_thread = writer
    closing = threading.Thread(target=driver.close, daemon=True)
    closing.start()
    closing.join(5)
    assert not closing.is_alive()


async def test_closing_with_the_output_thread_stuck_on_its_terminal_gives_up() -> None:
    import threading

    from textual.app import App
    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    from sessiontimer.ui.drivers import terminal as terminal_driver
    from sessiontimer.ui.drivers.terminal import KeyWaitLinuxDriver

    stuck = threading.Event()

    class Terminal:  # nobody reads it: every write waits
        def write(self, text: str) -> None:
            stuck.wait(30)

        def flush(self) -> None:
            pass

    driver = KeyWaitLinuxDriver(App())
    writer = WriterThread(Terminal())  # type: ignore[arg-type]
    writer.start()
    for _ in range(MAX_QUEUED_WRITES + 1):
        writer._queue.put("frame")
    driver._writer_thread = writer
    closing = threading.Thread(target=driver.close, daemon=True)
    closing.start()
    closing.join(2 * terminal_driver.OUTPUT_STOP_WAIT + 3)
    stuck.set()
    assert not closing.is_alive()


async def test_a_frame_written_in_pieces_reaches_the_terminal_as_one_write() -> None:
    """Textual writes sync start, the frame and sync end apart: one write (and no half frame
    on the terminal) instead of three."""
    from textual.app import App

    from sessiontimer.ui.textual_compat import SYNC_END, SYNC_START

    written: list[bytes] = []

    class Output:
        def write(self, data: bytes) -> None:
            written.append(data)

    driver = KeyWaitLinuxDriver(App())
    driver._output = Output()  # type: ignore[assignment]
    driver.write("\x1b[?25l")  # outside a frame: written as it comes
    for piece in (SYNC_START, "\x1b[4;3H7:46 é", SYNC_END):
        driver.write(piece)
    assert written == [b"\x1b[?25l", f"{SYNC_START}\x1b[4;3H7:46 é{SYNC_END}".encode()]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal driver")
async def test_on_a_terminal_frames_go_out_directly_elsewhere_through_textual() -> None:
    import io

    from textual.app import App

    from sessiontimer.ui.drivers.terminal_output import TerminalOutput

    master, slave = pty.openpty()
    try:
        driver = KeyWaitLinuxDriver(App())
        driver._file = os.fdopen(os.dup(slave), "w")  # type: ignore[assignment]
        output = driver._open_output()
        assert isinstance(output, TerminalOutput)
        output.write(b"7:46")
        os.set_blocking(master, False)
        got = bytearray()
        assert _wait(lambda: (got.extend(_read(master)), bytes(got) == b"7:46")[1])
        output.close(1.0)
        driver._file = io.StringIO()  # type: ignore[assignment]  # not a terminal
        assert driver._open_output() is None
    finally:
        os.close(master)
        os.close(slave)


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 100)
    except BlockingIOError:
        return b""
