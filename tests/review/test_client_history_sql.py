"""Client history counted by SQLite answers as the pure-Python reference over the journals."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_journals import known_session, many

from sessiontimer.review import aggregates, history, index
from sessiontimer.review.summary import summarize

NAMES = ["Anna", "anna ", "ANNA", "Ben K.", "Chloé", "D.M.", "Zoe", "Nobody"]


@pytest.mark.parametrize("client", NAMES)
def test_the_sql_client_history_is_the_reference_one(tmp_path: Path, client: str) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 16)
    for day, name in [(20, "Anna"), (21, " anna"), (22, None), (23, "Zoe")]:
        known_session(sessions, name, day=day, token=f"{day:06x}")
    broken = known_session(sessions, "Anna", day=24, token="bbbbbb")
    broken.write_bytes(b"{not a journal\n")  # no start time: left out of the history
    index.refresh(sessions, state)
    fresh = [summarize(p, sessions) for p in sessions.glob("*/*.jsonl")]
    fresh.sort(key=lambda s: (s.start or s.id[:17], s.id), reverse=True)
    expected = history.client_history(fresh, client)
    with index.open_index(state) as store:
        got = aggregates.client_history(store, client)
    assert [s.as_dict() for s in got.sessions] == [s.as_dict() for s in expected.sessions]
    assert got.tags == expected.tags
    assert got.lengths == expected.lengths
    assert got.client == client


def test_a_blank_name_has_no_history(tmp_path: Path) -> None:
    """As before: sessions without a client are no one client's history."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    known_session(sessions, None)
    known_session(sessions, "   ", day=21, token="000021")
    index.refresh(sessions, state)
    with index.open_index(state) as store:
        got = aggregates.client_history(store, "   ")
    assert (got.sessions, got.tags, got.lengths) == ([], [], [])
