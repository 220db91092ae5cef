"""The filter line: plain words and a few fields, e.g. ``client:anna tag:release since:2026-10-01``.

``status:`` matches how a session ended (part of the word: ``status:early``) or, whole,
``signed`` / ``unsigned`` (an ended session whose treatment note has no signature yet).

Parsing is separate from matching so that a typo becomes a clear message and the rest of the
filter still applies (the list never goes blank because of one bad date). Matching works on
the Summary alone, so filtering 20,000 sessions touches no file.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import date

from sessiontimer.review.summary import Summary

FIELDS = ("client", "tag", "region", "since", "until", "text", "preset", "status")


@dataclass
class Query:
    """What a filter line asks for; every part must match (words match anywhere)."""

    words: list[str] = field(default_factory=list)
    client: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    preset: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM-DD, inclusive
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.words
            or self.client
            or self.tag
            or self.region
            or self.text
            or self.preset
            or self.status
            or self.since
            or self.until
        )


def parse(line: str) -> Query:
    """Parse a filter line; unknown fields and bad dates go to ``problems``, not exceptions."""
    query = Query()
    for token in _tokens(line):
        key, sep, value = token.partition(":")
        key = key.lower()
        if not sep or not key:
            query.words.append(token.casefold())
        elif key not in FIELDS:
            query.problems.append(f"unknown field {key!r} (fields: {', '.join(FIELDS)})")
        elif key in ("since", "until"):
            _date(query, key, value)
        elif value:
            getattr(query, key).append(value.casefold())
    return query


def _tokens(line: str) -> list[str]:
    """Words, with quotes grouping; a quote still open (mid-typing) is closed for it."""
    for attempt in (line, line + '"', line + "'"):
        try:
            return shlex.split(attempt)
        except ValueError:
            continue
    return line.split()


def _date(query: Query, key: str, value: str) -> None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        query.problems.append(f"{key}:{value} is not a date; write it as YYYY-MM-DD")
        return
    setattr(query, key, day.isoformat())


def matches(query: Query, s: Summary) -> bool:
    """True when the session answers every part of the query."""
    if query.since and s.date < query.since:
        return False
    if query.until and (not s.date or s.date > query.until):
        return False
    client = (s.client or "").casefold()
    if any(c not in client for c in query.client):
        return False
    if any(p not in s.preset.casefold() for p in query.preset):
        return False
    if any(st not in s.status and st != s.signature for st in query.status):
        return False
    tags = _tags(s) if query.tag or query.region else []
    if any(not any(q in t for t, _ in tags) for q in query.tag):
        return False
    regions = [*tags, *_tags(s, s.findings)] if query.region else []
    if any(not any(q in r for _, r in regions) for q in query.region):
        return False
    if query.text:
        texts = " ".join([*s.texts, s.closing, s.plan]).casefold()
        if any(q not in texts for q in query.text):
            return False
    if query.words:
        blob = search_blob(s)
        return all(w in blob for w in query.words)
    return True


def _tags(s: Summary, marks: list[list[str | None]] | None = None) -> list[tuple[str, str]]:
    """(tag, region) lower-cased, of the tags (or of ``marks``: the findings)."""
    pairs = s.tags if marks is None else marks
    return [(str(t or "").casefold(), str(r or "").casefold()) for t, r in pairs]


def search_blob(s: Summary) -> str:
    """Everything plain words search, lower-cased; cached on the Summary (it never changes)."""
    blob: str | None = s.__dict__.get("_blob")
    if blob is None:
        parts = [s.client or "", s.preset, s.start, s.status, *s.texts, s.closing, s.plan]
        parts += [f"{t or ''} {r or ''}" for t, r in [*s.tags, *s.findings]]
        blob = " ".join(parts).casefold()
        s.__dict__["_blob"] = blob
    return blob


def select(summaries: list[Summary], line: str) -> tuple[list[Summary], Query]:
    """The sessions a filter line selects, in the order given, and the parsed query."""
    query = parse(line)
    if query.empty:
        return list(summaries), query
    return [s for s in summaries if matches(query, s)], query
