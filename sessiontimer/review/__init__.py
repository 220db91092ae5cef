"""Reviewing past sessions: summaries, the index, filters, history, stats, exports, corrections.

Standard library only (like the core). The journals stay the single source of truth; the
index in the state folder is a cache rebuilt from them. The Start screen calls
:func:`known_clients` and :func:`last_visit` from a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sessiontimer.review.history import same_client
from sessiontimer.review.index import Index, refresh
from sessiontimer.review.summary import Summary


@dataclass(frozen=True)
class LastVisit:
    """What the Start screen shows about a returning client."""

    date: str  # YYYY-MM-DD
    preset: str
    duration: float  # real session seconds
    notes: tuple[str, ...]  # tags and texts of that session's notes (retracted ones left out)
    closing: str  # the closing note, "" when none


def load_index(sessions_dir: Path, cache_dir: Path) -> Index:
    """The index, brought up to date with the journals (re-reads only changed files)."""
    return refresh(sessions_dir, cache_dir)


def known_clients(sessions_dir: Path, cache_dir: Path) -> list[str]:
    """Client names, most recently seen first, one spelling per name (the latest one)."""
    seen: dict[str, str] = {}
    for s in load_index(sessions_dir, cache_dir).summaries:
        if s.client and s.client.casefold() not in seen:
            seen[s.client.casefold()] = s.client
    return list(seen.values())


def last_visit(sessions_dir: Path, cache_dir: Path, client: str) -> LastVisit | None:
    """The client's latest session (any case of the name), or None if there is none."""
    for s in load_index(sessions_dir, cache_dir).summaries:
        if s.start and same_client(s.client, client):
            return _visit(s)
    return None


def _visit(s: Summary) -> LastVisit:
    labels = [f"{t} ({r})" if r else str(t) for t, r in s.tags] + list(s.texts)
    return LastVisit(s.date, s.preset, s.duration, tuple(labels), s.closing)


__all__ = ["Index", "LastVisit", "Summary", "known_clients", "last_visit", "load_index"]
