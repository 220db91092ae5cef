"""Reviewing past sessions: summaries, the index, filters, history, stats, exports, corrections.

Standard library only (like the core). The journals stay the single source of truth; the
index in the state folder is a cache rebuilt from them. The Start screen calls
:func:`known_clients` and :func:`last_visit` from a thread worker.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from sessiontimer.review import lookup
from sessiontimer.review.index import open_index, refresh
from sessiontimer.review.store import Store
from sessiontimer.review.summary import Summary


@dataclass(frozen=True)
class LastVisit:
    """What the Start screen shows about a returning client."""

    date: str  # YYYY-MM-DD
    preset: str
    duration: float  # real session seconds
    notes: tuple[str, ...]  # tags and texts of that session's notes (retracted ones left out)
    closing: str  # the closing note, "" when none
    plan: str = ""  # "plan for next time" from that session (as amended), "" when none


def load_index(sessions_dir: Path, cache_dir: Path, *, full: bool = False) -> Store:
    """The index, brought up to date with the journals (re-reads only changed files).

    The caller closes it. ``full`` looks at every file, not only at changed folders. A
    large cold build (the first start on a big practice) reads with every core.
    """
    store = open_index(cache_dir)
    try:
        refresh(sessions_dir, cache_dir, full=full, store=store, processes=True)
    except BaseException:
        store.close()
        raise
    return store


def known_clients(sessions_dir: Path, cache_dir: Path) -> list[str]:
    """Client names, most recently seen first, one spelling per name (the latest one)."""
    with load_index(sessions_dir, cache_dir) as store:
        return lookup.known_clients(store)


def last_visit(sessions_dir: Path, cache_dir: Path, client: str) -> LastVisit | None:
    """The client's latest session (any case of the name), or None if there is none."""
    with load_index(sessions_dir, cache_dir) as store:
        found = lookup.client_sessions(store, client, readable=True)
    if not found:
        return None
    visit = _visit(found[0])
    return dataclasses.replace(visit, plan=_plan(sessions_dir / found[0].rel))


def _plan(path: Path) -> str:
    """The session's plan for next time: one journal read, in the Start screen's worker."""
    from sessiontimer.review.note import build_note
    from sessiontimer.review.note_read import read_for_note

    plan = build_note(read_for_note(path).events, path.stem).plan
    return (plan.text or "") if plan is not None else ""


def _visit(s: Summary) -> LastVisit:
    labels = [f"{t} ({r})" if r else str(t) for t, r in s.tags] + list(s.texts)
    return LastVisit(s.date, s.preset, s.duration, tuple(labels), s.closing)


__all__ = ["LastVisit", "Store", "Summary", "known_clients", "last_visit", "load_index"]
