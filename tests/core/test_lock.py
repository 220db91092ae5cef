"""One instance runs sessions: the flock-based session lock."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sessiontimer.core import lock as lock_module
from sessiontimer.core.lock import SessionLock

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
from pathlib import Path
from sessiontimer.core.lock import SessionLock
lock = SessionLock(Path(sys.argv[1]))
print("held" if lock.acquire() else "refused", flush=True)
time.sleep(60)
"""


def test_a_second_holder_is_refused_until_release(tmp_path: Path) -> None:
    path = tmp_path / "data" / "session.lock"
    first, second = SessionLock(path), SessionLock(path)
    assert first.acquire() and first.held
    assert first.acquire()  # taking it again is harmless
    assert not second.acquire() and not second.held
    first.release()
    assert second.acquire()
    second.release()


def test_held_elsewhere_probes_without_taking_or_writing(tmp_path: Path) -> None:
    path = tmp_path / "data" / "session.lock"
    probe = SessionLock(path)
    assert not probe.held_elsewhere()  # no lock file yet
    holder = SessionLock(path)
    assert holder.acquire()
    owner = path.read_bytes()
    assert probe.held_elsewhere() and not probe.held
    assert path.read_bytes() == owner  # the holder's pid is left alone
    assert not holder.held_elsewhere()  # its own lock is not "elsewhere"
    holder.release()
    assert not probe.held_elsewhere()
    assert probe.acquire()  # and the probe left nothing behind
    probe.release()


def test_lock_file_is_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        with SessionLock(tmp_path / "data" / "session.lock") as held:
            assert held.acquire()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "data" / "session.lock").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_a_lock_left_by_a_killed_process_is_free_again(tmp_path: Path) -> None:
    path = tmp_path / "session.lock"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, env=env
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"held\n"
        assert not SessionLock(path).acquire()  # another live instance holds it
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    survivor = SessionLock(path)
    assert survivor.acquire()
    survivor.release()


def test_without_fcntl_the_lock_is_a_no_op(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock_module, "fcntl", None)
    path = tmp_path / "session.lock"
    assert SessionLock(path).acquire() and SessionLock(path).acquire()


def test_an_unusable_folder_means_no_lock(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert not SessionLock(blocker / "session.lock").acquire()


def test_a_folder_that_cannot_be_written_is_a_problem_not_a_rival(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    lock = SessionLock(blocker / "session.lock")  # its folder would have to be a file
    assert not lock.acquire()
    assert lock.problem is not None and "cannot write" in lock.problem
