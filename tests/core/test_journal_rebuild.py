"""Rebuilding a deleted journal from the old descriptor: every line, once, in order, no history.

The writer keeps no copy of the lines it wrote: when the file goes, it reads them back from
the descriptor it still holds (an unlinked file lives on while open). These tests delete,
replace and fail things at chosen calls of the file layer, from the writer thread itself,
so the moment is exact without sleeps.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sessiontimer.core.journal import encode_line, make_event
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter, OsFileLayer

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
Step = Callable[[], None] | None


def note(n: int) -> dict[str, object]:
    return make_event(
        "note", id=f"e{n}", at=WALL, t=n, phase=0, tag="release", region=None, key="r"
    )


def fail(code: int) -> Callable[[], None]:
    def raise_it() -> None:
        raise OSError(code, os.strerror(code))

    return raise_it


def then(*steps: Callable[[], None]) -> Callable[[], None]:
    def run_all() -> None:
        for step in steps:
            step()

    return run_all


class ScriptedLayer(OsFileLayer):
    """The real file system; each call of an operation first runs the next step scripted for it."""

    def __init__(self) -> None:
        self.script: dict[str, list[Step]] = {}
        self.calls: dict[str, int] = {}
        self.max_write: int | None = None

    def _step(self, op: str) -> None:
        self.calls[op] = self.calls.get(op, 0) + 1
        steps = self.script.get(op)
        if steps:
            step = steps.pop(0)
            if step is not None:
                step()

    def open_append(self, path: Path) -> int:
        self._step("open")
        return super().open_append(path)

    def read_at(self, handle: int, offset: int, size: int) -> bytes:
        self._step("read")
        return super().read_at(handle, offset, size)

    def write(self, handle: int, data: bytes) -> int:
        self._step("write")
        return super().write(handle, data[: self.max_write] if self.max_write else data)

    def fsync(self, handle: int) -> None:
        self._step("fsync")
        super().fsync(handle)


def ids(path: Path) -> list[str]:
    read = read_journal(path)
    assert read.problems == []
    return [str(e["id"]) for e in read.events]


def expect(*numbers: range) -> list[str]:
    return [f"e{n}" for r in numbers for n in r]


def write_all(writer: JournalWriter, numbers: range) -> None:
    for n in numbers:
        writer.append(note(n))
    assert writer.flush(5)


def held_bytes(writer: JournalWriter) -> int:
    """Bytes the writer object holds in its attributes (lists and tuples one level down)."""
    total = 0
    for value in vars(writer).values():
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            parts = item if isinstance(item, tuple) else (item,)
            total += sum(len(p) for p in parts if isinstance(p, bytes))
    return total


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_folder_deleted_lines_before_and_after_all_there_once(tmp_path: Path, umask: int) -> None:
    folder = tmp_path / "sessions" / "2026"
    path = folder / "j.jsonl"
    fs = ScriptedLayer()
    old = os.umask(umask)
    try:
        writer = JournalWriter(path, fs=fs, retry_interval=0.01)
        for batch in (range(1, 6), range(6, 11), range(11, 21)):
            write_all(writer, batch)
        shutil.rmtree(tmp_path / "sessions")
        write_all(writer, range(21, 31))
        assert writer.close()
    finally:
        os.umask(old)
    assert ids(path) == expect(range(1, 31))
    assert fs.calls.get("read", 0) >= 1  # rebuilt from the old descriptor, not from memory
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for level in (folder, folder.parent):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level


def test_written_lines_are_not_kept_in_memory(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "j.jsonl")
    write_all(writer, range(1, 301))
    assert (tmp_path / "j.jsonl").stat().st_size > 30_000
    assert held_bytes(writer) < 1_000
    assert writer.close()


def test_deleted_twice_then_every_line_once(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    writer = JournalWriter(path, retry_interval=0.01)
    write_all(writer, range(1, 4))
    shutil.rmtree(tmp_path / "s")
    write_all(writer, range(4, 7))
    shutil.rmtree(tmp_path / "s")
    write_all(writer, range(7, 10))
    assert writer.close()
    assert ids(path) == expect(range(1, 10))


def test_a_copy_cut_by_a_full_disk_resumes_where_it_stopped(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    fs = ScriptedLayer()
    problems: list[str] = []
    writer = JournalWriter(path, fs=fs, on_problem=problems.append, retry_interval=0.01)
    write_all(writer, range(1, 11))
    fs.max_write = 100  # the copy takes many writes; the third one finds the disk full
    fs.script["write"] = [None, None, fail(errno.ENOSPC)]
    shutil.rmtree(tmp_path / "s")
    write_all(writer, range(11, 13))
    assert writer.close()
    assert ids(path) == expect(range(1, 13))
    assert len(problems) == 1 and "No space left" in problems[0]


def test_deleted_again_while_the_copy_was_cut_starts_over(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    fs = ScriptedLayer()
    writer = JournalWriter(path, fs=fs, retry_interval=0.01)
    write_all(writer, range(1, 11))
    fs.max_write = 100
    gone = then(lambda: shutil.rmtree(tmp_path / "s"), fail(errno.EIO))
    fs.script["write"] = [None, None, gone]
    shutil.rmtree(tmp_path / "s")
    write_all(writer, range(11, 13))
    assert writer.close()
    assert ids(path) == expect(range(1, 13))


def test_half_written_batch_then_folder_deleted_is_written_once(tmp_path: Path) -> None:
    """The old file ends in part of a line: only its finished lines are copied."""
    path = tmp_path / "s" / "j.jsonl"
    fs = ScriptedLayer()
    writer = JournalWriter(path, fs=fs, retry_interval=0.01)
    write_all(writer, range(1, 4))
    fs.max_write = 30  # the batch of note 4 goes in 30 bytes at a time
    gone = then(lambda: shutil.rmtree(tmp_path / "s"), fail(errno.ENOSPC))
    fs.script["write"] = [None, gone]  # 30 bytes of note 4 written, then the folder goes
    writer.append(note(4))
    assert writer.flush(5)
    fs.max_write = None
    write_all(writer, range(5, 7))
    assert writer.close()
    assert ids(path) == expect(range(1, 7))


def test_refused_fsync_then_folder_deleted_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    fs = ScriptedLayer()
    writer = JournalWriter(path, fs=fs, retry_interval=0.01)
    write_all(writer, range(1, 4))
    gone = then(lambda: shutil.rmtree(tmp_path / "s"), fail(errno.EROFS))
    fs.script["fsync"] = [gone, fail(errno.EROFS)]
    fs.script["open"] = [fail(errno.EACCES)]
    write_all(writer, range(4, 6))
    assert writer.close()
    assert ids(path) == expect(range(1, 6))


def test_a_failed_read_back_is_retried(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    fs = ScriptedLayer()
    problems: list[str] = []
    writer = JournalWriter(path, fs=fs, on_problem=problems.append, retry_interval=0.01)
    write_all(writer, range(1, 4))
    fs.script["read"] = [fail(errno.EIO)]
    shutil.rmtree(tmp_path / "s")
    write_all(writer, range(4, 6))
    assert writer.close()
    assert ids(path) == expect(range(1, 6))
    assert len(problems) == 1 and "Input/output error" in problems[0]


def test_replaced_by_another_file_is_rebuilt_not_written(tmp_path: Path) -> None:
    """Only the file the app created is written: a file put in its place is replaced whole."""
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, retry_interval=0.01)
    write_all(writer, range(1, 4))
    other = tmp_path / "other"
    other.write_bytes(encode_line(note(100))[:-1])  # no final newline: the writer adds one
    os.replace(other, path)
    write_all(writer, range(4, 6))
    assert writer.close()
    assert ids(path) == expect(range(1, 6))


def test_resumed_file_gone_before_first_open_is_rebuilt_from_prior(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    prior = b"".join(encode_line(note(n)) for n in range(1, 4))
    writer = JournalWriter(path, prior=prior, retry_interval=0.01)  # file never existed
    write_all(writer, range(4, 6))
    assert held_bytes(writer) < 1_000  # prior is let go once the file holds it
    shutil.rmtree(tmp_path / "s")
    write_all(writer, range(6, 7))
    assert writer.close()
    assert ids(path) == expect(range(1, 7))


def test_no_descriptor_is_leaked_by_retired_handles(tmp_path: Path) -> None:
    path = tmp_path / "s" / "j.jsonl"
    fs = ScriptedLayer()
    before = open_fds()
    writer = JournalWriter(path, fs=fs, retry_interval=0.01)
    write_all(writer, range(1, 3))
    fs.script["fsync"] = [fail(errno.ENOSPC)]
    write_all(writer, range(3, 5))  # retired, then the same file reopened
    shutil.rmtree(tmp_path / "s")
    fs.max_write = 50
    fs.script["write"] = [None, fail(errno.ENOSPC)]
    write_all(writer, range(5, 7))  # retired, copy cut, copy resumed
    assert writer.close()
    assert open_fds() == before
    assert ids(path) == expect(range(1, 7))
