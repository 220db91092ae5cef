"""Resuming holds the journal as an open descriptor, never its bytes (a 173 MB journal was
read whole into the writer's ``prior``), and still rebuilds it if it goes before it opens."""

from __future__ import annotations

import os
from pathlib import Path

from sessiontimer.core.journal_read import load_for_resume, read_journal
from sessiontimer.core.journal_write import JournalWriter
from tests.core.test_journal_read import Lines
from tests.core.test_journal_rebuild import expect, held_bytes, ids, open_fds, write_all

LINES = 5_000  # about 0.6 MB of checkpoints: the bytes a resume must not hold


def _unfinished(path: Path) -> Path:
    lines = Lines().start()  # e1, e2
    for n in range(3, LINES + 1):
        lines.add("checkpoint", n, 0, run=1, phase_elapsed=n, target=None, paused=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    return lines.write(path)


def test_a_resumed_writer_holds_none_of_the_journals_bytes(tmp_path: Path) -> None:
    path = _unfinished(tmp_path / "j.jsonl")
    before = open_fds()
    info, prior = load_for_resume(path)
    assert info.last_id == LINES
    writer = JournalWriter(path, prior=prior, retry_interval=0.01)
    assert held_bytes(writer) < 1_000  # before the file is first opened, too
    write_all(writer, range(LINES + 1, LINES + 3))
    assert writer.close()
    assert ids(path) == expect(range(1, LINES + 3))
    assert open_fds() == before  # the writer closed the resumed descriptor


def test_a_journal_deleted_before_the_writer_opens_it_is_rebuilt_whole(tmp_path: Path) -> None:
    path = _unfinished(tmp_path / "j.jsonl")
    _, prior = load_for_resume(path)
    path.unlink()  # a sync tool, a slip of the hand: the descriptor still reads every line
    writer = JournalWriter(path, prior=prior, retry_interval=0.01)
    write_all(writer, range(LINES + 1, LINES + 2))
    assert writer.close()
    assert ids(path) == expect(range(1, LINES + 2))


def test_a_journal_swapped_before_the_writer_opens_it_is_rebuilt_not_appended_to(
    tmp_path: Path,
) -> None:
    path = _unfinished(tmp_path / "j.jsonl")
    _, prior = load_for_resume(path)
    planted = tmp_path / "planted"
    planted.write_bytes(path.read_bytes() + b'{"v":1,"type":"note","id":"x9","t":1}\n')
    os.replace(planted, path)  # bigger than what was read: a size check alone would use it
    writer = JournalWriter(path, prior=prior, retry_interval=0.01)
    write_all(writer, range(LINES + 1, LINES + 2))
    assert writer.close()
    assert ids(path) == expect(range(1, LINES + 2))


def test_a_half_written_last_line_is_ended_before_the_next(tmp_path: Path) -> None:
    path = _unfinished(tmp_path / "j.jsonl")
    with path.open("ab") as f:
        f.write(b'{"v":1,"type":"no')  # the app died mid-write
    _, prior = load_for_resume(path)
    assert not prior.ends_line
    writer = JournalWriter(path, prior=prior, retry_interval=0.01)
    write_all(writer, range(LINES + 1, LINES + 2))
    assert writer.close()
    assert path.read_bytes().count(b'{"v":1,"type":"no\n') == 1  # ended, then the new line
    assert read_journal(path).events[-1]["id"] == f"e{LINES + 1}"
