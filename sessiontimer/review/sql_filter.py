"""A parsed filter line (review/query.py) as SQL over the index, with the same meaning.

Every part keeps :func:`query.matches`'s meaning exactly: fields match as substrings of the
lower-cased value (``instr``), a session's tags and regions are stored joined by a separator
no typed filter holds. The table is kept in newest-first order, so a page of a common word
is found by reading the newest sessions until the page is full. A rare word (see
:meth:`Store.rare`) goes through the FTS5 trigram table first, which finds exactly the
sessions holding it; ``instr`` still decides, so the answer is the same with or without FTS5.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sessiontimer.review.query import Query
from sessiontimer.review.store import SEP, grams

MATCHED = 64  # trigrams in one MATCH, at most (each narrows less than the one before)
ASKED = 16  # typed words asked whether they are rare, at most (one query each)
_TAG = "EXISTS (SELECT 1 FROM marks m WHERE m.sid = s.sid AND m.kind {} AND instr(m.{}, ?))"


def where(query: Query, rare: Callable[[str], bool] | None) -> tuple[str, list[Any]]:
    """A WHERE clause (without the word; "1" when nothing is asked) and its parameters."""
    parts: list[str] = []
    args: list[Any] = []
    if query.since:
        parts.append("s.day >= ?")
        args.append(query.since)
    if query.until:
        parts.append("s.day != '' AND s.day <= ?")
        args.append(query.until)
    for column, values in (("client_fold", query.client), ("preset_fold", query.preset)):
        for value in dict.fromkeys(values):
            parts.append(f"instr(s.{column}, ?)")
            args.append(value)
    for value in dict.fromkeys(query.status):  # how it ended, or exactly "signed" / "unsigned"
        parts.append("(instr(s.status, ?) OR s.signature = ?)")
        args += [value, value]
    for column, values in (("tags_fold", query.tag), ("regions_fold", query.region)):
        mark = column.replace("s_fold", "_fold")
        for value in values:
            if SEP in value:  # cannot be told apart from the separator: ask the marks
                kinds = "= 'tag'" if mark == "tag_fold" else "IN ('tag', 'finding')"
                parts.append(_TAG.format(kinds, mark))  # a region: a tag's or a finding's
            else:
                parts.append(f"instr(s.{column}, ?)")
            args.append(value)
    matches: dict[str, None] = {}
    asked = 0
    for column, values in (("text_fold", query.text), ("blob", query.words)):
        for value in dict.fromkeys(values):  # a word typed twice asks once
            parts.append(f"instr(s.{column}, ?)")
            args.append(value)
            asked += rare is not None and len(value) >= 3
            if asked <= ASKED and len(matches) < MATCHED and rare is not None and rare(value):
                matches.update((_phrase(g), None) for g in sorted(grams(value)))  # in the blob
    if matches:  # the trigram index narrows the rows first; instr above stays exact
        parts.insert(0, "s.sid IN (SELECT rowid FROM search WHERE search MATCH ?)")
        args.insert(0, " AND ".join(list(matches)[:MATCHED]))
    return _all(parts), args


def _all(parts: list[str]) -> str:
    """``parts`` joined by AND as a balanced tree: SQLite refuses an expression deeper than
    1,000, which a flat chain of 1,000 typed words is."""
    if len(parts) <= 8:
        return " AND ".join(parts) or "1"
    half = len(parts) // 2
    return f"({_all(parts[:half])}) AND ({_all(parts[half:])})"


def _phrase(value: str) -> str:
    """An FTS5 string: the text in double quotes, quotes doubled (no query syntax)."""
    return '"' + value.replace('"', '""') + '"'
