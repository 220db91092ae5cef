"""The Sessions list marks an ended session whose treatment note is not signed (issue 18)."""

from __future__ import annotations

from pathlib import Path

from sessiontimer.review.summary import summarize_rel
from sessiontimer.ui.screens.sessions import COLUMNS, row_cells
from tests.review.test_unsigned import _copy


def test_sessions_screen_row_marks_an_unsigned_session(tmp_path: Path) -> None:
    unsigned = summarize_rel(str(tmp_path), _copy(tmp_path, "cst", "2026/a.jsonl"))
    signed = summarize_rel(str(tmp_path), _copy(tmp_path, "signed", "2026/b.jsonl"))
    status = [label for label, _ in COLUMNS].index("status")
    assert str(row_cells(unsigned)[status]) == "ended early, unsigned"
    assert str(row_cells(signed)[status]) == "ended early"
    assert dict(COLUMNS)["status"] >= len("interrupted, unsigned")  # never cut
