"""A journal's summary for the index holds a bounded number of notes, whatever the journal.

A planted journal of a million notes (140 MB) made ``logs list`` and the app's start peak at
1.1 GB: the summary kept every note (and the line reader a list of every event) for the
index. Now the summary keeps at most ``summary.KEEP_NOTES`` notes, toggles and findings (and
``summary.KEEP_TEXT`` characters of their text), reads a large journal one line at a time
without a list of its events, and says what the index leaves out.
"""

from __future__ import annotations

import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from review_journals import TZ, Session, write

from sessiontimer.review import summary, summary_read
from sessiontimer.review.index import indexed

WALL = datetime(2026, 10, 20, 9, 0, tzinfo=TZ)


def _flood(sessions: Path, notes: int, token: str, pad: str = "") -> str:
    s = Session(WALL)
    s.add("phase_started", 0, 0, run=1, target=60.0)
    for n in range(notes):
        s.add("note", n + 0.5, 0, region="sacrum", key="n", tag=None, text=f"finding {n}{pad}")
    s.add("note_retracted", notes, 0, note=s.events[2]["id"])  # the first note taken back
    s.add("closing_note", notes, 0, text="calm")
    s.add("session_ended", notes, 0, reason="completed")
    path = write(sessions, WALL, s.events, token)
    return path.relative_to(sessions).as_posix()


def _peak(sessions: Path, rel: str, fast: bool) -> tuple[int, summary.Summary]:
    tracemalloc.start()
    try:
        result = summary.summarize_rel(str(sessions), rel, fast=fast)
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fast", [True, False])
def test_the_summary_holds_a_bounded_number_of_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    monkeypatch.setattr(summary_read, "KEEP_NOTES", 100, raising=False)
    # fast: the small journal (0.3 MB) takes the fast path, the large one (2.5 MB) the line
    # reader, as journals under and over FAST_MAX do; else both take the line reader.
    monkeypatch.setattr(summary, "FAST_MAX", 1 << 20 if fast else 0)
    small = _flood(tmp_path, 2_000, "aaaaaa")
    large = _flood(tmp_path, 16_000, "bbbbbb")
    small_peak, small_summary = _peak(tmp_path, small, fast)
    large_peak, large_summary = _peak(tmp_path, large, fast)
    assert (tmp_path / small).stat().st_size < summary.FAST_MAX < (
        tmp_path / large
    ).stat().st_size or not fast
    # Eight times the notes: the memory stays about the same, instead of eight times it.
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
    assert len(large_summary.texts) == 100 - 1  # the first 100 kept, one taken back
    assert large_summary.texts[0] == "finding 1"  # the first kept, after the retracted one
    assert large_summary.notes == 16_000 - 1  # still counted, the retracted one not
    assert small_summary.notes == 2_000 - 1
    said = [p for p in large_summary.problems if "the index keeps the first 100" in p]
    assert said, large_summary.problems
    assert large_summary.closing == "calm"
    assert large_summary.status == "complete"


def test_long_note_texts_are_bounded_by_their_size_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_read, "KEEP_TEXT", 50_000, raising=False)
    rel = _flood(tmp_path, 300, "cccccc", pad="x" * 1_000)
    s = summary.summarize_rel(str(tmp_path), rel)
    assert sum(map(len, s.texts)) <= 50_000
    assert len(s.texts) >= 45
    assert s.notes == 299
    assert any("of their text" in p for p in s.problems), s.problems


def test_a_journal_under_the_bounds_says_nothing_of_them(tmp_path: Path) -> None:
    rel = _flood(tmp_path, 50, "dddddd")
    for fast in (True, False):
        s = summary.summarize_rel(str(tmp_path), rel, fast=fast)
        assert s.problems == [] and len(s.texts) == 49 and s.notes == 49


def test_the_index_of_a_flooded_journal_holds_the_kept_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_read, "KEEP_NOTES", 100, raising=False)
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    _flood(sessions, 3_000, "eeeeee")
    (row,) = indexed(sessions, state)
    assert len(row.texts) == 99 and row.notes == 2_999
    assert row.damaged  # listed with what the index left out
