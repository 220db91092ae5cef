"""Several openers of the index at once (the app's threads, `logs list` in another terminal).

An opener must never delete a database another one is just making, and a database that is
only busy ("database is locked") is not damaged: deleting it would throw away good rows.
Correctness here does not depend on timing: the tests start the openers together and check
that every one of them ended up with the one file in place, however they interleaved.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from review_journals import many

from sessiontimer.review import index, store
from sessiontimer.review.summary import summarize_stamped


def _row_through(st: store.Store, sessions: Path, rel: str) -> None:
    summary, stamp = summarize_stamped(str(sessions), rel)
    assert stamp is not None
    st.put([(summary, stamp)])
    st.commit()


def _rels_in_place(state: Path) -> set[str]:
    """What a new connection to the file in place holds (not some unlinked copy)."""
    conn = sqlite3.connect(state / store.DB_NAME)
    try:
        return {row[0] for row in conn.execute("SELECT rel FROM sessions")}
    finally:
        conn.close()


@pytest.mark.parametrize("round_", range(8))
def test_openers_starting_together_all_write_into_the_one_database(
    tmp_path: Path, round_: int
) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    rels = [p.relative_to(sessions).as_posix() for p in many(sessions, 4)]
    start = threading.Barrier(len(rels))
    opened: list[Any] = [None] * len(rels)

    def open_one(i: int) -> None:
        start.wait(timeout=60)
        opened[i] = store.open_store(state)

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(len(rels))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(st, store.Store) for st in opened), opened
    try:
        for st, rel in zip(opened, rels, strict=True):  # one after the other: no busy waits
            _row_through(st, sessions, rel)
    finally:
        for st in opened:
            st.close()
    assert _rels_in_place(state) == set(rels)


def test_an_opener_arriving_while_the_database_is_made_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second opener that comes while the first is writing the schema (a file there, not
    yet ours) waits for it instead of deleting it."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    first, second = (p.relative_to(sessions).as_posix() for p in many(sessions, 2))
    real = store._initialised
    late: list[Any] = []

    def initialised_with_a_visitor(path: Path, fts: bool | None) -> store.Store:
        visitor = threading.Thread(target=lambda: late.append(store.open_store(state)))
        visitor.start()
        visitor.join(timeout=0.3)  # long enough on a quiet machine to see the file half-made
        try:
            return real(path, fts)
        finally:
            made.append(visitor)

    made: list[threading.Thread] = []
    monkeypatch.setattr(store, "_initialised", initialised_with_a_visitor)
    st = store.open_store(state)
    assert st is not None
    monkeypatch.setattr(store, "_initialised", real)
    made[0].join(timeout=120)
    assert len(late) == 1 and late[0] is not None
    try:
        _row_through(st, sessions, first)
        _row_through(late[0], sessions, second)
    finally:
        st.close()
        late[0].close()
    assert _rels_in_place(state) == {first, second}


def test_a_busy_database_is_not_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """'database is locked' while checking it is no damage: the rows stay."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 3)
    index.refresh(sessions, state)
    real = store._valid
    calls: list[int] = []

    def busy_once(st: store.Store) -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return real(st)

    monkeypatch.setattr(store, "_valid", busy_once)
    again = store.open_store(state)
    if again is not None:
        again.close()
    monkeypatch.setattr(store, "_valid", real)
    assert len(_rels_in_place(state)) == 3
    assert index.refresh(sessions, state).reread == 0  # nothing had to be read again


def test_a_symlink_in_place_of_the_openers_lock_is_never_followed(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 2)
    state.mkdir(mode=0o700)
    target = tmp_path / "elsewhere"
    target.write_bytes(b"keep me")
    (state / store.LOCK_NAME).symlink_to(target)
    assert index.refresh(sessions, state).reread == 2
    assert target.read_bytes() == b"keep me"
    assert not (state / store.LOCK_NAME).is_symlink()
    assert len(_rels_in_place(state)) == 2


def test_two_cold_builds_at_once_both_finish_and_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second build (the Sessions screen opened again, `logs list` in another terminal)
    runs while the first is under way: each writes rows the other may have written too."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 9)
    monkeypatch.setattr(index, "CHUNK", 2)
    second: list[int] = []
    asked: list[int] = []

    def meanwhile() -> bool:  # asked after every batch the first build wrote
        asked.append(1)
        if len(asked) == 2:  # halfway: the first build has committed 4 rows
            with index.open_index(state) as other:
                second.append(index.refresh(sessions, state, store=other).reread)
        return False

    with index.open_index(state) as first:
        assert index.refresh(sessions, state, cancel=meanwhile, store=first).reread == 9
    assert second == [5]  # the 4 the first build had committed were left as they were
    built = index.indexed(sessions, state)
    assert [s.rel for s in built] == sorted(_rels_in_place(state), reverse=True)
    assert len(built) == 9
    with index.open_index(state) as st:
        sids = [row[0] for row in st.conn.execute("SELECT sid FROM sessions")]
        marks = st.conn.execute("SELECT count(DISTINCT sid) FROM marks").fetchone()[0]
    assert len(set(sids)) == 9 and marks == 9


def test_a_second_refresh_in_the_app_waits_for_the_first_and_shows_its_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Start screen builds the index in the background (client names) and the
    Sessions screen opens meanwhile: it waits, with the first build's progress on its
    bar, and reads nothing a second time."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 9)
    monkeypatch.setattr(index, "CHUNK", 2)
    seen: list[tuple[int, int]] = []
    second: list[int] = []
    waiter: list[threading.Thread] = []

    def sessions_screen() -> None:
        second.append(index.refresh(sessions, state, progress=lambda *p: seen.append(p)).reread)

    def meanwhile() -> bool:  # asked after each batch of the first build
        if not waiter:
            waiter.append(threading.Thread(target=sessions_screen))
            waiter[0].start()
            for _ in range(3000):  # until it shows the first build's progress (or 30 s)
                if seen:
                    break
                threading.Event().wait(0.01)
        return False

    assert index.refresh(sessions, state, cancel=meanwhile).reread == 9
    waiter[0].join(timeout=120)
    assert seen and seen[0][1] == 9  # the first build's total, while it waited
    assert second == [0]
