"""Every way out of a real app in a real terminal suspends the session and says why.

Case 6 of issue 12: SIGTERM, SIGHUP, SIGQUIT and an INT from outside ended the app at once
(no ``suspended`` line, the terminal left raw, status 0 for INT); a closed terminal with HUP
ignored made the input thread spin and kept the lock; ``run ... < /dev/null`` never exited.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.lock import SessionLock
from tests.reliability.ptyapp import PtyApp, sessions

LEAVE_ALT_SCREEN = "\x1b[?1049l"  # Textual's restore of the terminal on exit
# Seconds. A signal's way out takes 0.13-0.16 s (load 4.5, 2 cores); the bound is for a process
# starved by a loaded machine (the full suite has run at load 23). A hang never ends: it fails.
EXIT_WITHIN = 30.0


def visual_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[audio]\nbackend = "visual"\n')
    return home


def start_with_a_saved_note(home: Path, **kwargs: object) -> PtyApp:
    app = PtyApp(home, ["run", "--preset", "Demo", "--client", "Zoe"], **kwargs)  # type: ignore[arg-type]
    assert app.wait_for("left in this phase", 30), app.text()[-500:]
    mark = len(app.text())
    app.send(b"r")
    assert app.wait_for("Saved: release", 15, mark)
    return app


def exit_status(app: PtyApp) -> int:
    """The status of the app once it has left; if it does not, a failure that says where its
    threads wait (and their Python stacks, with py-spy installed) and what it showed last."""
    status = app.wait_exit(EXIT_WITHIN)
    if status is None:
        where = f"{app.threads()}\n{app.stacks()}"
        pytest.fail(f"no exit within {EXIT_WITHIN:.0f} s{where}\n{app.text()[-1500:]}")
    return status


def last_event(home: Path) -> dict[str, object]:
    [journal] = sessions(home)
    events = read_journal(journal).events
    assert [e["type"] for e in events].count("note") == 1
    return events[-1]


def lock_is_free(home: Path) -> bool:
    lock = SessionLock(home / "data" / "session.lock")
    if lock.acquire():
        lock.release()
        return True
    return False


@pytest.mark.parametrize(
    ("signum", "name"),
    [
        (signal.SIGTERM, "TERM"),
        (signal.SIGHUP, "HUP"),
        (signal.SIGQUIT, "QUIT"),
        (signal.SIGINT, "INT"),
    ],
)
def test_a_signal_suspends_restores_the_terminal_and_exits_with_its_status(
    tmp_path: Path, signum: int, name: str
) -> None:
    home = visual_home(tmp_path)
    app = start_with_a_saved_note(home)
    try:
        os.kill(app.proc.pid, signum)
        status = exit_status(app)
        assert status == 128 + signum
        assert LEAVE_ALT_SCREEN in app.raw.decode("utf-8", "replace")
    finally:
        app.close()
    last = last_event(home)
    assert (last["type"], last["reason"]) == ("suspended", f"signal {name}")
    assert lock_is_free(home)


def test_a_closed_terminal_with_hangup_ignored_suspends_and_exits(tmp_path: Path) -> None:
    """Under nohup the hangup never comes; the end of input must end the session."""
    home = visual_home(tmp_path)
    app = start_with_a_saved_note(home, ignore_hup=True)
    try:
        app.hang_up()
        status = exit_status(app)
        assert status == 129
    finally:
        app.close()
    last = last_event(home)
    assert (last["type"], last["reason"]) == ("suspended", "terminal closed")
    assert lock_is_free(home)


def test_end_of_input_suspends_and_exits(tmp_path: Path) -> None:
    home = visual_home(tmp_path)
    read_end, write_end = os.pipe()
    try:
        app = PtyApp(home, ["run", "--preset", "Demo", "--client", "Zoe"], stdin=read_end)
    finally:
        os.close(read_end)
    try:
        assert app.wait_for("left in this phase", 30), app.text()[-500:]
        mark = len(app.text())
        os.write(write_end, b"r")
        assert app.wait_for("Saved: release", 15, mark)
        os.close(write_end)
        write_end = -1
        assert exit_status(app) == 129
    finally:
        if write_end >= 0:
            os.close(write_end)
        app.close()
    last = last_event(home)
    assert (last["type"], last["reason"]) == ("suspended", "terminal closed")


def test_run_with_input_from_dev_null_exits(tmp_path: Path) -> None:
    home = visual_home(tmp_path)
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        app = PtyApp(home, ["run", "--preset", "Demo"], stdin=null)
    finally:
        os.close(null)
    try:
        assert exit_status(app) == 129
    finally:
        app.close()
    [journal] = sessions(home)
    events = read_journal(journal).events
    assert (events[-1]["type"], events[-1]["reason"]) == ("suspended", "terminal closed")
    assert lock_is_free(home)


def notes(home: Path) -> list[tuple[str | None, str | None]]:
    [journal] = sessions(home)
    return [
        (e.get("text"), e.get("tag"))  # type: ignore[misc]
        for e in read_journal(journal).events
        if e["type"] == "note"
    ]


def test_keys_typed_after_enter_go_to_the_screen_below_in_order(tmp_path: Path) -> None:
    """Case 4: ``n``, text, Enter and ``r`` in one burst: the note is the text, and the
    ``r`` is a release note after it; an ``e`` and ``y`` after the next note's Enter open
    the end question, which a note key never answers."""
    home = visual_home(tmp_path)
    app = PtyApp(home, ["run", "--preset", "Demo", "--client", "Zoe"])
    try:
        assert app.wait_for("left in this phase", 30), app.text()[-500:]
        mark = len(app.text())
        app.send(b"n")
        assert app.wait_for("enter saves, escape cancels", 15, mark)
        mark = len(app.text())
        app.send(b"ta 6610\rr")
        assert app.wait_for("Saved: release", 15, mark), app.text()[-800:]
        mark = len(app.text())
        app.send(b"n")
        assert app.wait_for("enter saves, escape cancels", 15, mark)
        mark = len(app.text())
        app.send(b"held\rey")
        assert app.wait_for("End the session now?", 15, mark), app.text()[-800:]
        app.pump(0.5)
        mark = len(app.text())
        app.send(b"\x1b")  # no: the session goes on
        assert app.wait_for("left in this phase", 15, mark)
        app.pump(0.3)
        mark = len(app.text())
        app.send(b"\x11")
        assert app.wait_for("Quit?", 15, mark)
        app.send(b"\r")
        assert exit_status(app) == 0
    finally:
        app.close()
    assert notes(home) == [("ta 6610", None), (None, "release"), ("held", None)]
    [journal] = sessions(home)
    kinds = [e["type"] for e in read_journal(journal).events]
    assert "session_ended" not in kinds and kinds[-1] == "suspended"


def test_signals_while_a_quit_is_under_way_keep_its_status(tmp_path: Path) -> None:
    """SIGTERM after ctrl+q Enter, again and again until the app is gone: the first way out
    goes on and exits with its own status, matching its ``suspended`` line (the default action
    used to kill the exit half-way, status -15, once the loop or the interpreter had let the
    signal go)."""
    home = visual_home(tmp_path)
    app = start_with_a_saved_note(home)
    try:
        app.send(b"\x11")
        assert app.wait_for("Quit?", 15)
        app.send(b"\r")
        while app.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(app.proc.pid, signal.SIGTERM)
            app.pump(0.003)
        status = exit_status(app)
    finally:
        app.close()
    last = last_event(home)
    # the first way out wins: the quit (0), or a signal that came before its Enter was read
    assert (last["type"], last["reason"], status) in {
        ("suspended", "quit", 0),
        ("suspended", "signal TERM", 128 + signal.SIGTERM),
    }
    assert lock_is_free(home)


def signal_caught(pid: int, signum: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_sigterm_while_the_app_starts_exits_143_and_suspends_what_began(tmp_path: Path) -> None:
    """A SIGTERM as soon as the program catches it (still importing, before the first frame):
    not the default kill; the app leaves for it as soon as it can, status 143, and a session
    already begun by ``run --preset`` ends in ``suspended`` (offered for resume)."""
    home = visual_home(tmp_path)
    app = PtyApp(home, ["run", "--preset", "Demo"])
    try:
        deadline = time.monotonic() + 30
        while not signal_caught(app.proc.pid, signal.SIGTERM):
            assert time.monotonic() < deadline and app.proc.poll() is None
            time.sleep(0.001)
        os.kill(app.proc.pid, signal.SIGTERM)
        status = exit_status(app)
    finally:
        app.close()
    assert status == 128 + signal.SIGTERM, app.text()[-500:]
    for journal in sessions(home):  # none if the signal came before the session began
        last = read_journal(journal).events[-1]
        assert (last["type"], last["reason"]) == ("suspended", "signal TERM")
    assert lock_is_free(home)
