"""The real app behind the real server, a socket client standing in for the browser: a note
made from the tab reaches the journal; a tab closed and opened again finds the same session;
stopping the server, or killing it, suspends the session with "connection lost" and leaves
no app process and no lock behind."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sessiontimer.core.lock import SessionLock
from tests.serve.served_app import ServedApp, Tab, journal_events

OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and /proc")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedApp]:
    app = ServedApp(tmp_path / "home")
    try:
        yield app
    finally:
        app.close()


async def _start_session_and_note(tab: Tab) -> None:
    assert await tab.wait_for("Craniosacral 60"), tab.screen[-2000:]
    await tab.keys("\r")  # the first preset
    assert await tab.wait_for("left in this phase")
    tab.mark()
    await tab.keys("r")
    assert await tab.wait_for("Saved: release")


def _types(home: Path) -> list[list[object]]:
    return [[e["type"] for e in events] for events in journal_events(home)]


async def _until(condition: object, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_note_from_the_tab_reaches_the_journal_and_a_reopened_tab_the_session(
    served: ServedApp,
) -> None:
    tab = Tab(served)
    await tab.open()
    await _start_session_and_note(tab)
    (pid,) = served.app_pids()
    await tab.close()
    await asyncio.sleep(0.5)
    assert served.app_pids() == [pid]  # the session runs on without a tab
    again = Tab(served)
    await again.open()
    assert await again.wait_for("left in this phase")  # the whole screen, drawn again
    again.mark()
    await again.keys("h")
    assert await again.wait_for("Saved: heat")
    assert served.app_pids() == [pid]
    (events,) = journal_events(served.home)  # one session, not a new one per tab
    assert [e.get("tag") for e in events if e["type"] == "note"] == ["release", "heat"]
    await again.close()
    assert served.stop() == 0
    (events,) = journal_events(served.home)
    assert events[-1]["type"] == "suspended" and events[-1]["reason"] == "connection lost"
    assert served.app_pids() == []
    assert not SessionLock(served.home / "data" / "session.lock").held_elsewhere()


async def test_a_killed_server_leaves_no_app_running_and_the_session_suspended(
    served: ServedApp,
) -> None:
    tab = Tab(served)
    await tab.open()
    await _start_session_and_note(tab)
    (pid,) = served.app_pids()
    served.proc.kill()  # no chance to clean up: the app must notice on its own
    served.proc.wait(10)
    assert await _until(lambda: not Path(f"/proc/{pid}").exists() or _zombie(pid))
    (events,) = journal_events(served.home)
    assert events[-1]["type"] == "suspended" and events[-1]["reason"] == "connection lost"
    assert not SessionLock(served.home / "data" / "session.lock").held_elsewhere()
    await tab.close()


async def test_after_the_grace_period_the_session_is_suspended_and_offered_again(
    tmp_path: Path,
) -> None:
    served = ServedApp(tmp_path / "home", "--grace", "0.05")  # 3 s
    try:
        tab = Tab(served)
        await tab.open()
        await _start_session_and_note(tab)
        await tab.close()
        assert await _until(lambda: served.app_pids() == [], 30)
        (events,) = journal_events(served.home)
        assert events[-1]["type"] == "suspended" and events[-1]["reason"] == "connection lost"
        again = Tab(served)
        await again.open()
        assert await again.wait_for("was interrupted", 30), again.screen[-3000:]  # the offer
        again.mark()
        await again.keys("c")
        assert await again.wait_for("left in this phase")
        (events,) = journal_events(served.home)  # the same journal, continued
        assert events[-1]["type"] in ("resumed_after_crash", "checkpoint", "phase_started")
        assert any(e["type"] == "resumed_after_crash" for e in events)
        await again.close()
    finally:
        served.stop()
        served.close()


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] == "Z"
    except OSError:
        return True


def test_signals_used_here_exist() -> None:
    assert signal.SIGTERM and signal.SIGKILL


async def test_a_10_kb_client_name_typed_in_the_tab_then_the_tab_closed_at_once(
    served: ServedApp,
) -> None:
    """Markup, control characters and 10 kB pasted into the client field (a bracketed paste,
    as the page's terminal sends one), and the tab gone the moment Enter is sent: the session
    starts anyway, one journal, and the next tab finds it running and readable."""
    name = ("[b]Ann[/b] \x07\x00 " * 700)[:10_000]
    tab = Tab(served)
    await tab.open()
    assert await tab.wait_for("Craniosacral 60")
    await tab.keys("\t")  # to the client field
    await asyncio.sleep(0.5)
    await tab.keys("\x1b[200~" + name + "\x1b[201~")
    await tab.keys("\r")
    await tab.close()  # the worst moment: the session is starting, nobody is watching
    assert await _until(lambda: journal_events(served.home) != [])
    (pid,) = served.app_pids()
    again = Tab(served)
    await again.open()
    assert await again.wait_for("[b]Ann[/b]")  # the whole screen drawn again, name included
    drawn = OSC.sub(b"", again.screen)  # a BEL ends an OSC sequence (the pointer's shape)
    assert b"\x07" not in drawn and b"\x00" not in drawn  # the name's own are never sent
    again.mark()
    await again.keys("r")
    assert await again.wait_for("Saved: release")  # the name left room for it
    assert served.app_pids() == [pid]
    (events,) = journal_events(served.home)
    started = next(e for e in events if e["type"] == "session_started")
    client = str(started.get("client", ""))
    assert client.startswith("[b]Ann[/b]"), client[:80]  # kept as typed, never markup
    await again.close()
    assert served.stop() == 0
    (events,) = journal_events(served.home)
    assert events[-1]["type"] == "suspended" and events[-1]["reason"] == "connection lost"
    assert served.app_pids() == []
