"""Every number in the Sessions list fits its column: a cut number reads as another one.

The length column is 11 wide: a 60-minute preset run over to 1 h 1 min 30 s showed
"1 h 1 min 3" (three seconds, it seemed), and a million notes showed "10000".
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.readable import span
from sessiontimer.review.summary import Summary
from sessiontimer.ui.screens.review.sessions_table import COLUMNS, row_cells

WIDTH = dict(COLUMNS)


def _cells(duration: float, notes: int) -> dict[str, str]:
    s = Summary(id="x", rel="2026/x.jsonl", start="2026-11-24T09:00:00+01:00", preset="P")
    s.duration, s.notes, s.status = duration, notes, "complete"
    return {label: cell.plain for (label, _), cell in zip(COLUMNS, row_cells(s), strict=True)}


@given(st.floats(0, 10_000_000), st.integers(0, 10**12))
def test_the_length_and_the_notes_always_fit_their_columns(duration: float, notes: int) -> None:
    cells = _cells(duration, notes)
    assert len(cells["length"]) <= WIDTH["length"], cells["length"]
    assert len(cells["notes"]) <= WIDTH["notes"], cells["notes"]


def test_what_fits_is_shown_as_it_is_and_the_rest_is_rounded_down_plainly() -> None:
    assert _cells(16 * 60 + 18, 42) == _cells(16 * 60 + 18, 42) | {
        "length": span(16 * 60 + 18), "notes": "42",
    }  # fmt: skip
    assert _cells(3690, 99_999)["length"] == "1 h 1 min"  # whole minutes past an hour
    assert _cells(3690, 99_999)["notes"] == "99999"
    assert _cells(3600, 0)["length"] == "1 h"
    assert _cells(138 * 3600 + 53 * 60, 1_000_000)["length"] == "138 h"
    assert _cells(0, 1_000_000)["notes"] == "1.0M"
    assert _cells(0, 123_456)["notes"] == "123k"
