"""Client history and stats rows line up, and say "1 client", not "1 clients" (issue 14)."""

from __future__ import annotations

from sessiontimer.review.history import ClientHistory, Stats, TagCount
from sessiontimer.ui.screens.review.client_history import history_text
from sessiontimer.ui.screens.review.stats import stats_text

TAGS = [("still point", 12), ("SomatoEmotional Release", 3), ("heat", 1)]


def column_of(line: str, needle: str) -> int:
    index = line.find(needle)
    assert index >= 0, (line, needle)
    return index + len(needle)  # right-aligned counts end in the same column


def test_stats_tag_rows_keep_their_columns_with_a_long_tag() -> None:
    text = stats_text(Stats(1, 1.0, [], TAGS, 1), "all")
    assert "1 session · 1.0 hours of treatment · 1 client" in text
    rows = text.splitlines()[-3:]
    ends = {column_of(row, f" {n} ") for row, (_, n) in zip(rows, TAGS, strict=True)}
    assert len(ends) == 1, rows


def test_client_history_tag_rows_keep_their_columns_with_a_long_tag() -> None:
    tags = [TagCount(t, n, {"sacrum": n}) for t, n in TAGS]
    text = history_text(ClientHistory("Anna", [], tags, []))
    assert text.splitlines()[0] == "0 sessions"
    rows = text.splitlines()[-3:]
    ends = {column_of(row, f"{n}×") for row, (_, n) in zip(rows, TAGS, strict=True)}
    assert len(ends) == 1, rows
    assert len({row.index("sacrum") for row in rows}) == 1, rows
