"""Resuming a long or planted journal is bounded: the last notes held, a reading that says how
far it is and can be stopped.

A resumed session used to hold every note of its journal (a planted one of a million notes,
all of them) and the reading could not be stopped. The journal keeps every line: the session
needs only what its screen shows and what undo reaches back to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sessiontimer.core import running
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import ResumeStopped, load_for_resume
from sessiontimer.core.lock import SessionLock
from sessiontimer.core.recovery import resume_after_crash
from sessiontimer.core.replay import NOTES_HELD, TOGGLES_HELD
from tests.core.test_journal_read import Lines
from tests.core.test_recorder import SETTINGS

NOTES = 3 * NOTES_HELD


def _noted(path: Path) -> tuple[Lines, list[str]]:
    """A journal of NOTES notes; one held note and one early note retracted, one amended."""
    lines = Lines().start()
    ids = [
        lines.add("note", n, 0, tag="release", key="r", region=None, text=f"note {n}")
        for n in range(NOTES)
    ]
    lines.add("note_retracted", NOTES, 0, note=ids[-10])  # held: it goes from the screen
    lines.add("note_retracted", NOTES, 0, note=ids[5])  # long gone from memory: counted
    lines.add("amended", NOTES, None, note=ids[-5], fields={"text": "amended"})
    path.parent.mkdir(parents=True, exist_ok=True)
    lines.write(path)
    return lines, ids


def test_a_resumed_session_holds_its_last_notes_and_counts_the_others(tmp_path: Path) -> None:
    path = tmp_path / "sessions" / "2026" / "j.jsonl"
    _, ids = _noted(path)
    info, prior = load_for_resume(path)
    prior.close()
    held = [n["id"] for n in info.notes]
    assert held == [i for i in ids[-NOTES_HELD:] if i != ids[-10]]
    assert info.notes_not_held == NOTES - NOTES_HELD - 1  # the early retraction counted
    assert next(n for n in info.notes if n["id"] == ids[-5])["text"] == "amended"

    clock = ManualClock()
    rec = resume_after_crash(path, "pause", clock, SETTINGS)
    try:
        assert [n.id for n in rec.recent_notes] == held  # what the screen shows: the last
        assert rec.recent_notes[-5].text == "amended"
        assert rec.notes_not_held == NOTES - NOTES_HELD - 1
        undone = [rec.undo() for _ in range(len(held))]
        assert undone == held[::-1]
        assert rec.undo() is None  # the screen then says the journal keeps the others
    finally:
        rec.close()


def test_a_planted_journal_of_open_still_points_holds_a_bounded_few(tmp_path: Path) -> None:
    lines = Lines().start()
    for n in range(TOGGLES_HELD * 5):
        lines.add("toggle_started", n, 0, tag=f"tag {n}", key="s")
    path = lines.write(tmp_path / "j.jsonl")
    info, prior = load_for_resume(path)
    prior.close()
    assert list(info.open_toggles) == [
        f"tag {n}" for n in range(TOGGLES_HELD * 4, TOGGLES_HELD * 5)
    ]


def test_a_long_reading_says_how_far_it_is_and_stops_when_asked(tmp_path: Path) -> None:
    lines = Lines().start()
    for n in range(40_000):
        lines.add("checkpoint", n, 0, run=1, phase_elapsed=n, target=None, paused=False)
    path = lines.write(tmp_path / "j.jsonl")
    size, before = path.stat().st_size, path.read_bytes()

    said: list[tuple[int, int]] = []
    info, prior = load_for_resume(path, progress=lambda done, of: said.append((done, of)))
    prior.close()
    assert info.last_id == 40_002
    assert len(said) >= 4 and all(of == size for _, of in said)
    assert [done for done, _ in said] == sorted({done for done, _ in said})
    assert 0 < said[0][0] < said[-1][0] < size

    lock = SessionLock(tmp_path / "lock")
    asked: list[int] = []
    with pytest.raises(ResumeStopped, match="nothing was changed"):
        running.load(path, lock=lock, stop=lambda: bool(asked.append(1)) or len(asked) > 1)
    assert len(asked) == 2  # it stopped at the first look after being asked
    assert path.read_bytes() == before
    other = SessionLock(tmp_path / "lock")
    assert other.acquire(), "the lock was kept after the reading stopped"
    other.release()
