"""The resume search at start asks the review index which journals ended: those whose size
and mtime are still what the index read are passed over without being opened; every other
journal is read as before, so the offers are the same with or without the index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from review_journals import known_session, many

from sessiontimer.core import interrupted
from sessiontimer.review import index
from sessiontimer.review.store import open_store


def _unfinished(sessions: Path, day: int, token: str) -> Path:
    """A session cut off by a power failure: no closing note, no end."""
    path = known_session(sessions, "Ben", day=day, token=token)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-2]))
    return path


def _offers(sessions: Path, state: Path | None) -> tuple[list[Path], list[str]]:
    problems: list[str] = []
    store = open_store(state, create=False) if state is not None else None
    try:
        found = interrupted.resume_offers(
            sessions, problems, store.ended_stamps if store is not None else None
        )
    finally:
        if store is not None:
            store.close()
    return [p for p, _ in found], problems


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The journals whose tail the search opened."""
    seen: list[str] = []
    real = interrupted.ended_in_tail

    def counting(path: Path) -> bool:
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(interrupted, "ended_in_tail", counting)
    return seen


def test_journals_the_index_knows_as_ended_are_not_opened(
    tmp_path: Path, opened: list[str]
) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    ended = [*many(sessions, 5), known_session(sessions, "Anna", day=20, token="aaaaaa")]
    cut = _unfinished(sessions, 21, "bbbbbb")
    (sessions / "2026" / "2026-10-22T090000-cccccc.jsonl").write_bytes(b"garbage\n")
    index.refresh(sessions, state)
    without, said = _offers(sessions, None)
    assert without == [cut] and len(opened) == len(ended) + 2
    opened.clear()
    assert _offers(sessions, state) == (without, said)
    assert sorted(opened) == sorted([cut.name, "2026-10-22T090000-cccccc.jsonl"])


def test_a_journal_changed_since_it_was_indexed_is_read_again(
    tmp_path: Path, opened: list[str]
) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    complete = known_session(sessions, "Anna", day=20, token="aaaaaa")
    same_size = known_session(sessions, "Anna", day=23, token="dddddd")
    index.refresh(sessions, state)
    lines = complete.read_bytes().splitlines(keepends=True)
    complete.write_bytes(b"".join(lines[:-2]))  # cut back by hand: it is unfinished now
    data = same_size.read_bytes()  # the same size, a new mtime: read again
    same_size.write_bytes(data.replace(b'"reason":"completed"', b'"reason":"completeX"'))
    os.utime(same_size, ns=(1, 1))
    opened.clear()
    found, _ = _offers(sessions, state)
    assert found == [complete] and sorted(opened) == sorted([complete.name, same_size.name])


def test_an_index_that_fails_only_means_every_tail_is_read(
    tmp_path: Path, opened: list[str]
) -> None:
    sessions = tmp_path / "sessions"
    known_session(sessions, "Anna", day=20, token="aaaaaa")
    cut = _unfinished(sessions, 21, "bbbbbb")

    def broken(year: str) -> dict[str, tuple[int, int]]:
        raise OSError("the index went away")

    found = interrupted.resume_offers(sessions, [], broken)
    assert [p for p, _ in found] == [cut] and len(opened) == 2
