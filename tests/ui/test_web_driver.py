"""The served app's driver: its idle input thread sleeps, keys and meta still arrive, a
reattached tab gets a full screen, and a vanished server raises the app's SIGHUP way out."""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import sys
import threading
import time
from typing import Any

import pytest
from textual import events

from sessiontimer.ui.drivers import web as web_driver
from sessiontimer.ui.drivers.web import MODES, KeyWaitWebDriver

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")


class _App:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refreshed = 0

    def post_message(self, message: Any) -> None:
        self.messages.append(message)

    def refresh(self, **_: Any) -> None:
        self.refreshed += 1

    @property
    def screen(self) -> _App:
        return self


def _packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def _wait(condition: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A KeyWaitWebDriver reading a pipe (the server's end), its input thread running."""
    read_end, write_end = os.pipe()
    app = _App()

    class _NoReader:  # Textual's own polling reader is made but never used by this driver
        def close(self) -> None:
            pass

    monkeypatch.setattr("textual.drivers.web_driver.InputReader", _NoReader)
    loop = asyncio.new_event_loop()
    loop_thread = threading.Thread(target=loop.run_forever, daemon=True)
    loop_thread.start()

    async def make() -> KeyWaitWebDriver:
        return KeyWaitWebDriver(app, size=(80, 24))  # type: ignore[arg-type]

    made = asyncio.run_coroutine_threadsafe(make(), loop).result(5)
    made._stdin = read_end
    written: list[bytes] = []
    monkeypatch.setattr(made, "_write", written.append)
    monkeypatch.setattr(made, "process_message", app.messages.append)
    signals: list[int] = []
    monkeypatch.setattr(web_driver.os, "kill", lambda pid, sig: signals.append(sig))
    selects: list[float | None] = []
    real_select = selectors.SelectSelector.select

    def counting(self: Any, timeout: float | None = None) -> Any:
        selects.append(timeout)
        return real_select(self, timeout)

    monkeypatch.setattr(selectors.SelectSelector, "select", counting)
    thread = threading.Thread(target=made.run_input_thread, daemon=True)
    thread.start()
    state = {"write_end": write_end}
    yield made, app, state, thread, selects, written, signals
    made.exit_event.set()
    thread.join(5)
    made.close()
    loop.call_soon_threadsafe(loop.stop)
    loop_thread.join(5)
    loop.close()
    os.close(read_end)
    if state["write_end"] >= 0:
        os.close(state["write_end"])


def test_the_idle_input_thread_sleeps_until_a_packet_comes(driver: Any) -> None:
    made, app, state, thread, selects, _, _ = driver
    assert _wait(lambda: len(selects) >= 1)
    time.sleep(1.0)
    assert selects == [None]  # one wait without a timeout: no wake-ups at all while idle
    os.write(state["write_end"], _packet(b"D", b"s"))
    assert _wait(lambda: any(isinstance(m, events.Key) and m.key == "s" for m in app.messages))
    started = time.monotonic()
    made.exit_event.set()
    thread.join(2)
    assert not thread.is_alive() and time.monotonic() - started < 1.0


def test_a_lone_escape_arrives_by_the_parser_deadline(driver: Any) -> None:
    _, app, state, _, selects, _, _ = driver
    os.write(state["write_end"], _packet(b"D", b"\x1b"))
    assert _wait(lambda: any(isinstance(m, events.Key) and m.key == "escape" for m in app.messages))
    assert any(t is not None and t <= 1.0 for t in selects)


def test_meta_from_the_server_still_works(driver: Any) -> None:
    _, app, state, _, _, _, _ = driver
    resize = json.dumps({"type": "resize", "width": 100, "height": 30}).encode()
    os.write(state["write_end"], _packet(b"M", resize))
    assert _wait(lambda: any(isinstance(m, events.Resize) for m in app.messages))
    (event,) = [m for m in app.messages if isinstance(m, events.Resize)]
    assert (event.size.width, event.size.height) == (100, 30)


def test_a_reattached_tab_gets_the_modes_again_and_a_full_repaint(driver: Any) -> None:
    _, app, state, _, _, written, _ = driver
    meta = json.dumps({"type": "sessiontimer.reattached"}).encode()
    os.write(state["write_end"], _packet(b"M", meta))
    assert _wait(lambda: app.refreshed >= 1)
    assert any(MODES.encode() in w for w in written)


def test_the_server_gone_raises_sighup_once_for_an_app_without_leave(driver: Any) -> None:
    import signal

    _, _, state, thread, _, _, signals = driver
    os.close(state["write_end"])
    state["write_end"] = -1
    thread.join(5)
    assert not thread.is_alive()
    assert signals == [signal.SIGHUP]


def test_a_failed_write_is_the_server_gone_too(
    driver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    made, _, _, _, _, _, signals = driver

    def broken(data: bytes) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(made, "_write", broken)
    made.write("frame")
    made.send_to_page("cue", sound="soft-bell")
    assert signals == [signal.SIGHUP]


def test_messages_for_the_page_carry_our_prefix(driver: Any) -> None:
    made, _, _, _, _, written, _ = driver
    made.send_to_page("cue", sound="soft-bell", volume=0.5)
    (packet,) = [w for w in written if w.startswith(b"M")]
    assert json.loads(packet[5:]) == {
        "type": "sessiontimer.cue",
        "sound": "soft-bell",
        "volume": 0.5,
    }


def test_the_server_gone_or_a_leave_request_makes_our_app_leave_once(
    driver: Any,
) -> None:
    _, app, state, thread, _, _, signals = driver
    left: list[str] = []
    app.leave = left.append
    leave = json.dumps({"type": "sessiontimer.leave"}).encode()
    os.write(state["write_end"], _packet(b"M", leave))
    assert _wait(lambda: left == ["connection lost"])
    os.close(state["write_end"])
    state["write_end"] = -1
    thread.join(5)
    time.sleep(0.1)
    assert left == ["connection lost"] and signals == []  # once, and no signal needed
