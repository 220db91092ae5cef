"""The Sessions list marks an ended session whose treatment note is not signed (issue 18)."""

from __future__ import annotations

from pathlib import Path

from sessiontimer.review.summary import summarize_rel
from sessiontimer.ui.screens.review.sessions_table import COLUMNS, row_cells
from tests.review.test_unsigned import _copy


def test_sessions_screen_row_marks_an_unsigned_session(tmp_path: Path) -> None:
    unsigned = summarize_rel(str(tmp_path), _copy(tmp_path, "cst", "2026/a.jsonl"))
    signed = summarize_rel(str(tmp_path), _copy(tmp_path, "signed", "2026/b.jsonl"))
    status = [label for label, _ in COLUMNS].index("status")
    assert str(row_cells(unsigned)[status]) == "ended early, unsigned"
    assert str(row_cells(signed)[status]) == "ended early"
    assert dict(COLUMNS)["status"] >= len("interrupted, unsigned")  # never cut


async def test_the_mark_is_on_screen_at_80_columns() -> None:
    """At 80x24 the whole status cell shows without scrolling sideways."""
    from textual.widgets import DataTable

    from sessiontimer import paths
    from tests.ui.conftest import build_app
    from tests.ui.test_sessions_screen import _open

    _copy(paths.resolve().sessions_dir, "cst", "2026/2026-11-26T140000-aaaaaa.jsonl")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        table = screen.query_one("#sessions-table", DataTable)
        end = 0
        for column in table.ordered_columns:
            end += column.get_render_width(table)
            if str(column.label) == "status":
                break
        assert end <= table.scrollable_content_region.width
        assert "unsigned" in str(table.get_row_at(0)[[c for c, _ in COLUMNS].index("status")])


def test_a_damaged_session_says_so_within_the_status_column() -> None:
    """'ended early, unsigned (damaged)' was cut after 21 characters, before '(damaged)': a
    session with a damaged line looked whole on the Sessions screen (logs list said it)."""
    from sessiontimer.review.summary import Summary

    status = [label for label, _ in COLUMNS].index("status")
    width = dict(COLUMNS)["status"]
    for state in ("complete", "ended early", "interrupted", "resumed", "unfinished"):
        for signature in ("signed", "unsigned", ""):
            s = Summary(
                id="x", rel="2026/x.jsonl", start="2026-11-26T14:00:00+01:00", status=state,
                signature=signature,
                problems=["line 8: 'region' holds an object where text belongs"],
            )  # fmt: skip
            shown = str(row_cells(s)[status])
            assert shown.startswith("damaged") and len(shown) <= width, shown
            assert ("unsigned" in shown) == (signature == "unsigned")
