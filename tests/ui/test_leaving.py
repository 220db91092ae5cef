"""Ways out through the app: the End screen's ctrl+q, a full disk at the end, quitting with
lines that cannot be written (issue 12, cases 1 and 5)."""

from __future__ import annotations

import asyncio
import errno
import functools
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from sessiontimer.core import running
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter, OsFileLayer
from sessiontimer.ui import held_signals, leaving, session_flow
from sessiontimer.ui.app import SessionTimerApp
from sessiontimer.ui.dialogs.session import WaitingLinesDialog
from sessiontimer.ui.screens.session.end import EndScreen
from tests.ui.conftest import build_app


class FullDisk(OsFileLayer):
    """Writes fail with ENOSPC while ``full`` is set (a tmpfs can't be filled on cue)."""

    def __init__(self) -> None:
        self.full = threading.Event()

    def write(self, handle: int, data: bytes) -> int:
        if self.full.is_set():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(handle, data)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    fs = FullDisk()
    monkeypatch.setattr(
        running, "JournalWriter", functools.partial(JournalWriter, fs=fs, retry_interval=0.02)
    )
    return fs


def after_the_end(kinds: list[str]) -> list[str]:
    """What follows ``session_ended`` (the closing bell's own line comes before it)."""
    return kinds[kinds.index("session_ended") + 1 :]


def messages(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_ctrl_q_on_the_end_screen_saves_the_typed_closing_note(clock: ManualClock) -> None:
    """Case 5: the note typed on the End screen is kept, then the app quits."""
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        assert "save and quit" in str(app.screen.query_one("KeyBar").render())
        session = app.screen.session
        await pilot.press(*"slept through the last phase", "ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert session.wait(5)
    events = read_journal(session.path).events
    assert after_the_end([e["type"] for e in events]) == ["closing_note"]
    assert events[-1]["text"] == "slept through the last phase"
    assert not app.session_lock.held


async def test_session_saved_only_once_the_disk_has_every_line(
    clock: ManualClock, disk: FullDisk
) -> None:
    """Case 1: disk full at the end; the Start screen says how many lines wait and where,
    "Session saved." comes only when they are on disk, and the lock is held until then."""
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        disk.full.set()
        await pilot.press("r", "f", "e", "enter")
        await pilot.pause()
        await pilot.press(*"relaxed", "enter")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "StartScreen"
        assert "Session saved." not in messages(app)
        [session] = app.held
        waiting = str(app.screen.query_one("#waiting").render())
        assert "waiting for the disk" in waiting and str(session.path.parent) in waiting
        assert "No space left" in waiting
        assert app.session_lock.held
        disk.full.clear()
        assert session.wait(5)
        await pilot.pause(0.1)
        await pilot.pause()
        assert "Session saved." in messages(app)
        assert app.held == [] and not app.session_lock.held
    kinds = [e["type"] for e in read_journal(session.path).events]
    assert kinds.count("note") == 2 and after_the_end(kinds) == ["closing_note"]


async def test_quitting_with_lines_waiting_asks_and_writes_them_elsewhere(
    clock: ManualClock, disk: FullDisk, tmp_path: Path
) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        session = await _quit_with_a_line_waiting(pilot, disk, before=("r",), refused="f")
        dialog = app.screen
        assert isinstance(dialog, WaitingLinesDialog)
        assert dialog.count == session.pending == 2  # the note and the suspended line
        await pilot.press("escape")  # stay: still trying, back on Start
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "StartScreen"
        assert "waiting for the disk" in str(app.screen.query_one("#waiting").render())
        await pilot.press("ctrl+q")
        for _ in range(40):
            await pilot.pause(0.05)
            if isinstance(app.screen, WaitingLinesDialog):
                break
        folder = tmp_path / "stick"
        await pilot.press("ctrl+u", *str(folder), "enter")
        await pilot.pause()
    assert app.return_code == 0
    [copy] = list(folder.iterdir())
    kinds = [e["type"] for e in read_journal(copy).events]
    assert kinds.count("note") == 2 and kinds[-1] == "suspended"
    assert any(str(copy) in line for line in app.after_exit)


class RecordingAudio:
    """Visual cues, and a record of the close every way out must make."""

    def __init__(self) -> None:
        self.closed = 0

    def play(self, cue: object, volume: float, muted: bool, on_result: object) -> None:
        pass

    def set_master_volume(self, level: float) -> None:
        pass

    def close(self) -> None:
        self.closed += 1


@pytest.mark.parametrize("keys", [("ctrl+q", "enter"), ("e", "enter", "ctrl+q")])
async def test_every_way_out_closes_the_audio_service(
    clock: ManualClock, keys: tuple[str, ...]
) -> None:
    audio = RecordingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    assert app.return_code == 0
    assert audio.closed >= 1


async def test_a_dialog_answer_after_a_signal_writes_nothing(clock: ManualClock) -> None:
    """A signal between a dialog's Enter and its answer reaching the screen (the stress test:
    SIGTERM then the note's callback): the session is already suspended, so the late note,
    End or tick writes nothing and raises nothing (it used to stop the app with status 1)."""
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        session = screen.session  # type: ignore[attr-defined]
        session.suspend("signal TERM")
        screen._text_note(("typed before the signal", None))  # type: ignore[attr-defined]
        screen._words_note(("and this", None))  # type: ignore[attr-defined]
        screen._end_confirmed(True)  # type: ignore[attr-defined]
        clock.advance(60)
        screen.tick()  # type: ignore[attr-defined]
        screen.findings_due()  # type: ignore[attr-defined]
        await pilot.pause()
        assert session.wait(5)
        events = read_journal(session.path).events
    assert (events[-1]["type"], events[-1]["reason"]) == ("suspended", "signal TERM")
    assert "typed before the signal" not in {e.get("text") for e in events}
    assert not [n for n in messages(app) if "went wrong" in n]


async def test_a_signal_while_the_end_screen_is_being_built_closes_and_exits(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stress test's SIGTERM that never ended the app: it came after End's Enter had
    switched to the End screen and before its fields were mounted; reading what was typed
    raised, the loop dropped the error with the signal, and the app went on (back on Start
    with the keys typed next, or in a new session). The way out runs in that very moment."""
    app = build_app(clock, preset="Demo")
    show_end = session_flow.show_end
    mounted: list[int] = []

    def end_screen_then_signal(app_: SessionTimerApp, screen: Screen[None]) -> None:
        show_end(app_, screen)
        if isinstance(app.screen, EndScreen) and not mounted:
            mounted.append(len(app.screen.children))  # nothing built yet
            app.leave("signal TERM")

    monkeypatch.setattr(session_flow, "show_end", end_screen_then_signal)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "e", "enter")
        session = app.screen.session  # type: ignore[attr-defined]
        await pilot.pause()
    assert mounted == [0]
    assert app.return_code == 143
    assert session.wait(5)
    kinds = [e["type"] for e in read_journal(session.path).events]
    assert "note" in kinds and kinds[-1] == "session_ended"
    assert not app.session_lock.held


async def test_a_signal_with_lines_waiting_and_no_home_folder_still_exits(
    clock: ManualClock, disk: FullDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SIGTERM through the loop's handler, the disk full and no home folder to copy
    the journal to (Path.home() raises RuntimeError): the app says the lines are lost and
    exits 143; it used to drop the error with the signal and run on."""
    monkeypatch.setattr(leaving, "QUIET_WAIT", 0.2)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.way_out.take_signals()
        try:
            await pilot.press("r")
            session = app.screen.session  # type: ignore[attr-defined]
            assert session.writer.flush(5)
            disk.full.set()
            await pilot.press("f")
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(50):
                await pilot.pause(0.05)
                if app._exit:  # type: ignore[attr-defined]
                    break
        finally:
            app.way_out.hand_back_signals()
    assert app.return_code == 143
    assert any("they are lost" in line for line in app.after_exit)
    assert not app.session_lock.held


async def test_an_error_on_the_way_out_of_a_signal_is_logged_and_the_app_exits(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever fails while leaving for a real SIGTERM (here the first suspend), the app
    still suspends, exits with the signal's status and logs where it failed."""
    finalize = leaving.finalize
    calls: list[str] = []

    def fails_once(session: object, reason: str, closing_note: str | None) -> None:
        calls.append(reason)
        if len(calls) == 1:
            raise ValueError("a fault on the way out")
        finalize(session, reason, closing_note)  # type: ignore[arg-type]

    monkeypatch.setattr(leaving, "finalize", fails_once)
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.way_out.take_signals()
        try:
            await pilot.press("r")
            session = app.screen.session  # type: ignore[attr-defined]
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(50):
                await pilot.pause(0.05)
                if app._exit:  # type: ignore[attr-defined]
                    break
        finally:
            app.way_out.hand_back_signals()
    assert app.return_code == 143
    assert session.wait(5)
    last = read_journal(session.path).events[-1]
    assert (last["type"], last["reason"]) == ("suspended", "signal TERM")
    assert "leaving (signal TERM)" in app.paths.error_log.read_text()


async def test_leaving_never_gives_a_signal_its_default_action(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the app's own process (signals held), the hand-back at the exit goes from the
    loop's handler straight to ignored: the loop's own removal put the default action back
    first, and a SIGTERM in that moment killed the exit (status -15, seen when SIGTERM was
    sent again and again after ctrl+q Enter)."""
    before = {signum: signal.getsignal(signum) for signum in held_signals.SIGNALS}
    monkeypatch.setattr(held_signals, "_held", False)  # back to a test's process afterwards
    app = build_app(clock, preset="Demo")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            held_signals.hold()
            app.way_out.take_signals()
            set_to: list[tuple[int, object]] = []
            real = signal.signal

            def recording(signum: int, handler: object) -> object:
                set_to.append((signum, handler))
                return real(signum, handler)  # type: ignore[arg-type]

            monkeypatch.setattr(signal, "signal", recording)
            app.way_out.hand_back_signals()
            monkeypatch.setattr(signal, "signal", real)
            assert set_to and all(handler is signal.SIG_IGN for _, handler in set_to)
            assert all(signal.getsignal(s) is signal.SIG_IGN for s in held_signals.SIGNALS)
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


async def test_an_error_in_a_bare_loop_callback_goes_to_the_error_log(clock: ManualClock) -> None:
    """asyncio only prints such an error (to a stderr Textual captures): that is how the lost
    SIGTERM stayed invisible. The app's loop writes it to the error log, without its message
    (a callback's arguments may quote a note)."""
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        loop = asyncio.get_running_loop()
        app.way_out.take_signals()
        try:

            def fails(text: str) -> None:
                raise ValueError(text)

            loop.call_soon(fails, "a client's words")
            await pilot.pause()
            await pilot.pause()
        finally:
            app.way_out.hand_back_signals()
            loop.set_exception_handler(None)
    logged = app.paths.error_log.read_text()
    assert "--- loop callback" in logged and "ValueError" in logged
    assert "a client's words" not in logged


async def _quit_with_a_line_waiting(
    pilot: Any, disk: FullDisk, before: tuple[str, ...] = (), refused: str = "r"
) -> running.RunningSession:
    """Notes written (``before``), one the full disk refuses, then ctrl+q and yes: the
    waiting-lines dialog shows."""
    app = pilot.app
    await pilot.pause()
    if before:
        await pilot.press(*before)
        await pilot.pause()
    session = app.session
    assert session is not None and session.writer.flush(5)
    disk.full.set()
    await pilot.press(refused, "ctrl+q")
    await pilot.pause()
    await pilot.press("enter")  # yes, quit
    for _ in range(40):
        await pilot.pause(0.05)
        if isinstance(app.screen, WaitingLinesDialog):
            break
    assert isinstance(app.screen, WaitingLinesDialog)
    return session


@pytest.mark.parametrize("key", ["ctrl+d", "ctrl+h"])
async def test_the_waiting_dialogs_ways_out_work_while_its_folder_field_has_the_cursor(
    clock: ManualClock, disk: FullDisk, key: str
) -> None:
    """'ctrl+d quit and lose them' did nothing: the folder field had the cursor, and an Input
    takes ctrl+d (delete right) for itself. On a read-only disk the
    practitioner could not leave but by writing the journal somewhere."""
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await _quit_with_a_line_waiting(pilot, disk)
        await pilot.press(key)
        for _ in range(40):
            await pilot.pause(0.05)
            if not app.is_running:
                break
        assert not app.is_running
    assert app.return_code == (leaving.EXIT_LINES_LOST if key == "ctrl+d" else 0)


async def test_the_quit_question_says_saved_only_when_the_lines_are_on_disk(
    clock: ManualClock, disk: FullDisk
) -> None:
    """On a read-only disk it asked 'Quit? The session is saved and offered for resume next
    time.' while no line of the session had been written."""
    from sessiontimer.ui.dialogs.confirm import ConfirmDialog

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None and session.writer.flush(5)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "is saved" in str(app.screen.question)
        await pilot.press("escape")
        disk.full.set()
        await pilot.press("r")
        for _ in range(40):
            await pilot.pause(0.05)
            if session.waiting_text() is not None:
                break
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.question)
        assert "is saved" not in question and "not reached the disk" in question


async def test_the_waiting_dialog_quits_once_the_disk_takes_every_line(
    clock: ManualClock, disk: FullDisk
) -> None:
    """The dialog went on saying '7 journal lines would be lost' after the disk took them
    again (space freed while it was open): once none waits, the app quits as asked, nothing
    lost, with a clean exit."""
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        session = await _quit_with_a_line_waiting(pilot, disk)
        disk.full.clear()  # space freed: the writer's retries get through
        for _ in range(80):  # not pilot.pause: it waits on the screen of an app that exits
            await asyncio.sleep(0.05)
            if not app.is_running:
                break
        assert not app.is_running
    assert app.return_code == 0
    assert "release" in session.path.read_text() and session.saved
