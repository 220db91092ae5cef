"""The journal writer: acknowledgement only after fsync, group commit, disk trouble, modes."""

from __future__ import annotations

import errno
import os
import stat
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sessiontimer.core.journal import make_event
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter, OsFileLayer

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def note(n: int) -> dict[str, object]:
    return make_event(
        "note", id=f"e{n}", at=WALL, t=n, phase=0, tag="release", region=None, key="r"
    )


class RecordingLayer(OsFileLayer):
    """The real file system, with every call logged, errors injectable and fsync gateable."""

    def __init__(self) -> None:
        self.log: list[tuple[str, int]] = []  # (operation, bytes in the file after it)
        self.errors: dict[str, list[OSError]] = {}
        self.gate: threading.Event | None = None
        self.in_fsync = threading.Event()
        self.bytes = 0
        self.max_write: int | None = None
        self.lock = threading.Lock()

    def _maybe_fail(self, op: str) -> None:
        queue = self.errors.get(op)
        if queue:
            raise queue.pop(0)

    def open_append(self, path: Path) -> int:
        self._maybe_fail("open")
        handle = super().open_append(path)
        self.bytes = self.size(handle)
        return handle

    def write(self, handle: int, data: bytes) -> int:
        self._maybe_fail("write")
        n = super().write(handle, data[: self.max_write] if self.max_write else data)
        with self.lock:
            self.bytes += n
            self.log.append(("write", self.bytes))
        return n

    def fsync(self, handle: int) -> None:
        self._maybe_fail("fsync")
        self.in_fsync.set()
        if self.gate is not None:
            self.gate.wait(5)
        super().fsync(handle)
        with self.lock:
            self.log.append(("fsync_returned", self.bytes))

    def ack(self, ident: str, path: Path) -> None:
        """Called from on_durable: log where this note's line ends in the file."""
        end = path.read_bytes().index(f'"id":"{ident}"'.encode())
        end = path.read_bytes().index(b"\n", end) + 1
        with self.lock:
            self.log.append((f"ack {ident}", end))


def test_acknowledgement_never_comes_before_fsync_returned(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    fs = RecordingLayer()
    writer = JournalWriter(path, fs=fs)
    for n in range(1, 41):
        writer.append(note(n), lambda n=n: fs.ack(f"e{n}", path))
    assert writer.flush(5)
    synced = 0
    acks = 0
    for op, offset in fs.log:
        if op == "fsync_returned":
            synced = offset
        elif op.startswith("ack"):
            acks += 1
            assert offset <= synced, f"{op} acknowledged before its bytes were fsynced"
    assert acks == 40
    writer.close()


def test_nothing_is_acknowledged_while_fsync_is_blocked(tmp_path: Path) -> None:
    fs = RecordingLayer()
    fs.gate = threading.Event()
    acked: list[int] = []
    writer = JournalWriter(tmp_path / "j.jsonl", fs=fs)
    writer.append(note(1), lambda: acked.append(1))
    assert fs.in_fsync.wait(5)
    writer.append(note(2), lambda: acked.append(2))  # queued behind the running fsync
    writer.append(note(3), lambda: acked.append(3))
    assert acked == [] and not writer.flush(0.05)
    fs.gate.set()
    assert writer.flush(5)
    assert acked == [1, 2, 3]
    # notes 2 and 3 arrived during the first fsync: they shared the second one (group commit)
    assert [op for op, _ in fs.log].count("fsync_returned") == 2
    writer.close()


def test_enospc_then_recovery_loses_nothing_and_reports_once(tmp_path: Path) -> None:
    fs = RecordingLayer()
    fs.errors["write"] = [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))] * 3
    problems: list[str] = []
    recovered: list[bool] = []
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(
        path,
        fs=fs,
        on_problem=problems.append,
        on_recovered=lambda: recovered.append(True),
        retry_interval=0.01,
    )
    acked: list[int] = []
    for n in range(1, 6):
        writer.append(note(n), lambda n=n: acked.append(n))
    assert writer.flush(5)
    assert acked == [1, 2, 3, 4, 5]
    assert [e["id"] for e in read_journal(path).events] == [f"e{n}" for n in range(1, 6)]
    assert len(problems) == 1
    assert str(path) in problems[0] and "No space left on device" in problems[0]
    assert recovered == [True] and writer.problem is None
    writer.close()


def test_problem_is_visible_while_the_disk_fails(tmp_path: Path) -> None:
    fs = RecordingLayer()
    fs.errors["fsync"] = [OSError(errno.EROFS, os.strerror(errno.EROFS))] * 1000
    seen = threading.Event()
    writer = JournalWriter(
        tmp_path / "j.jsonl", fs=fs, on_problem=lambda m: seen.set(), retry_interval=0.02
    )
    writer.append(note(1))
    assert seen.wait(5)
    assert writer.problem is not None and "Read-only file system" in writer.problem
    assert writer.pending == 1
    fs.errors["fsync"].clear()
    assert writer.flush(5)
    assert writer.problem is None
    writer.close()


def test_a_partial_write_is_finished_not_repeated(tmp_path: Path) -> None:
    fs = RecordingLayer()
    fs.max_write = 7
    fs.errors["write"] = [OSError(errno.ENOSPC, "full")]
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, fs=fs, retry_interval=0.01)
    for n in range(1, 4):
        writer.append(note(n))
    assert writer.flush(5)
    read = read_journal(path)
    assert [e["id"] for e in read.events] == ["e1", "e2", "e3"] and read.problems == []
    writer.close()


def test_folder_deleted_mid_session_is_recreated_with_every_line(tmp_path: Path) -> None:
    folder = tmp_path / "sessions" / "2026"
    path = folder / "j.jsonl"
    writer = JournalWriter(path, retry_interval=0.01)
    writer.append(note(1))
    assert writer.flush(5)
    path.unlink()
    folder.rmdir()
    writer.append(note(2))
    assert writer.flush(5)
    assert [e["id"] for e in read_journal(path).events] == ["e1", "e2"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    writer.close()


def test_resuming_after_a_half_written_line_starts_on_a_fresh_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    prior = b'{"v":1,"type":"note","id":"e1"}\n{"v":1,"type":"no'
    path.write_bytes(prior)
    writer = JournalWriter(path, prior=prior)
    writer.append(note(2))
    assert writer.close()
    read = read_journal(path)
    assert [e["id"] for e in read.events] == ["e1", "e2"]
    assert len(read.problems) == 1 and "line 2" in read.problems[0]


def test_a_failing_callback_does_not_stop_the_writer(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "j.jsonl")
    writer.append(note(1), lambda: 1 / 0)  # type: ignore[func-returns-value]
    writer.append(note(2))
    assert writer.flush(5)
    assert writer.close()


def test_append_after_close_is_an_error(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "j.jsonl")
    assert writer.close()
    with pytest.raises(RuntimeError):
        writer.append(note(1))


@pytest.mark.parametrize("umask", [0o000, 0o077, 0o022])
def test_files_are_0600_in_0700_folders_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        path = tmp_path / "data" / "sessions" / "2026" / "j.jsonl"
        writer = JournalWriter(path)
        writer.append(note(1))
        assert writer.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (path.parent, path.parent.parent, tmp_path / "data"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
