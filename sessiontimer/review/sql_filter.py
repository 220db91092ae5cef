"""A parsed filter line (review/query.py) as SQL over the index, with the same meaning.

Every part keeps :func:`query.matches`'s meaning exactly: fields match as substrings of the
lower-cased value. Text and plain words go through the FTS5 trigram table when the index has
one and the word is at least three characters long (the trigram index then finds exactly
the substrings); otherwise, and to be exact in every case, ``instr`` over the stored
lower-cased text decides.
"""

from __future__ import annotations

from typing import Any

from sessiontimer.review.query import Query

_TAG = "EXISTS (SELECT 1 FROM marks m WHERE m.sid = s.sid AND m.kind = 'tag' AND instr(m.{}, ?))"


def where(query: Query, fts: bool) -> tuple[str, list[Any]]:
    """A WHERE clause (without the word; "1" when nothing is asked) and its parameters."""
    parts: list[str] = []
    args: list[Any] = []
    if query.since:
        parts.append("s.day >= ?")
        args.append(query.since)
    if query.until:
        parts.append("s.day != '' AND s.day <= ?")
        args.append(query.until)
    for column, values in (
        ("client_fold", query.client),
        ("preset_fold", query.preset),
        ("status", query.status),
    ):
        for value in values:
            parts.append(f"instr(s.{column}, ?)")
            args.append(value)
    for value in query.tag:
        parts.append(_TAG.format("tag_fold"))
        args.append(value)
    for value in query.region:
        parts.append(_TAG.format("region_fold"))
        args.append(value)
    matches: list[str] = []
    for column, values in (("text_fold", query.text), ("blob", query.words)):
        for value in values:
            parts.append(f"instr(s.{column}, ?)")
            args.append(value)
            if fts and len(value) >= 3:
                matches.append(f"{column}:{_phrase(value)}")
    if matches:  # the trigram index narrows the rows first; instr above stays exact
        parts.insert(0, "s.sid IN (SELECT rowid FROM search WHERE search MATCH ?)")
        args.insert(0, " AND ".join(matches))
    return (" AND ".join(parts) or "1"), args


def _phrase(value: str) -> str:
    """An FTS5 string: the text in double quotes, quotes doubled (no query syntax)."""
    return '"' + value.replace('"', '""') + '"'
