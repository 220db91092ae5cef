"""The SQLite index stays true to the journals, and it is only a cache.

The oracle is a fresh read of the journals (``summarize`` of every file, filtered in Python
by ``query.matches``): whatever happened between refreshes, the index answers the same.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from review_journals import known_session, many

from sessiontimer.review import index, lookup, query, store
from sessiontimer.review.summary import Summary, summarize


def fresh_read(sessions: Path) -> list[Summary]:
    """What a fresh read of the journals says, newest first (the oracle)."""
    found = [summarize(p, sessions) for p in sessions.glob("*/*.jsonl") if not p.is_symlink()]
    return sorted(found, key=lambda s: (s.start or s.id[:17], s.id), reverse=True)


def dicts(summaries: list[Summary]) -> list[dict[str, object]]:
    return [s.as_dict() for s in summaries]


def test_index_follows_added_edited_and_deleted_journals(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    files = many(sessions, 6)
    assert index.refresh(sessions, state).reread == 6
    assert index.refresh(sessions, state).reread == 0  # warm: nothing re-read
    added = known_session(sessions, client="Zoe", day=25)
    assert index.refresh(sessions, state, full=False).reread == 1
    text = added.read_text().replace('"client":"Zoe"', '"client":"Zoé Z."')
    added.write_text(text)  # edited by hand (size changes)
    assert index.refresh(sessions, state).reread == 1
    with index.open_index(state) as st:
        assert lookup.by_id(st, added.stem).client == "Zoé Z."  # type: ignore[union-attr]
    files[0].unlink()
    done = index.refresh(sessions, state)
    assert done.removed == 1
    assert dicts(index.indexed(sessions, state)) == dicts(fresh_read(sessions))


def test_same_size_edit_is_seen_through_mtime(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    path = known_session(sessions)
    index.refresh(sessions, state)
    path.write_text(path.read_text().replace('"client":"Anna"', '"client":"Anne"'))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert index.indexed(sessions, state)[0].client == "Anne"


def test_a_quick_refresh_looks_inside_changed_folders_and_the_newest(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    old = known_session(sessions, "Old", day=20)
    old_dir = old.parent.rename(sessions / "2019")  # an older year folder
    old = old_dir / old.name
    new = known_session(sessions, "New", day=21)
    index.refresh(sessions, state)
    new.write_text(new.read_text().replace('"client":"New"', '"client":"Newer"'))
    assert index.refresh(sessions, state, full=False).reread == 1  # the newest year: looked at
    (old_dir / "2019-10-20T090000-ffffff.jsonl").write_bytes(old.read_bytes())  # a sync tool
    assert index.refresh(sessions, state, full=False).reread == 1  # the folder's mtime moved
    assert dicts(index.indexed(sessions, state, full=False)) == dicts(fresh_read(sessions))
    (old_dir).rename(tmp_path / "gone")
    assert index.refresh(sessions, state, full=False).removed == 2


def test_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 5)
    old = os.umask(0)
    try:
        with index.open_index(state) as st:
            index.refresh(sessions, state, store=st)
            names = [p.name for p in state.iterdir()]
            assert {store.DB_NAME, f"{store.DB_NAME}-wal"} <= set(names)
            for p in state.iterdir():
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
    finally:
        os.umask(old)
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


def test_deleting_the_index_loses_nothing(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 5)
    built = index.indexed(sessions, state)
    assert dicts(built) == dicts(fresh_read(sessions))
    index.forget(state)
    assert not (state / store.DB_NAME).exists()
    assert dicts(index.indexed(sessions, state)) == dicts(built)


def _built(tmp_path: Path) -> tuple[Path, Path]:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 4)
    index.refresh(sessions, state)
    return sessions, state


def test_a_damaged_database_is_rebuilt(tmp_path: Path) -> None:
    sessions, state = _built(tmp_path)
    path = state / store.DB_NAME
    for side in state.glob(f"{store.DB_NAME}-*"):
        side.unlink()
    data = bytearray(path.read_bytes())
    data[:100] = b"\xff" * 100  # the header gone
    path.write_bytes(bytes(data))
    assert index.refresh(sessions, state).reread == 4
    assert dicts(index.indexed(sessions, state)) == dicts(fresh_read(sessions))


def test_garbage_in_place_of_the_database_is_rebuilt(tmp_path: Path) -> None:
    sessions, state = _built(tmp_path)
    (state / store.DB_NAME).write_text("{garbage")
    assert index.refresh(sessions, state).reread == 4


@pytest.mark.parametrize("pragma", ["user_version = 99", "application_id = 7"])
def test_a_database_of_another_version_or_program_is_rebuilt(tmp_path: Path, pragma: str) -> None:
    sessions, state = _built(tmp_path)
    conn = sqlite3.connect(state / store.DB_NAME)
    conn.execute(f"PRAGMA {pragma}")
    conn.commit()
    conn.close()
    assert index.refresh(sessions, state).reread == 4


def test_rows_that_disagree_with_their_journal_are_read_again(tmp_path: Path) -> None:
    """A row whose stamp does not match its journal is never trusted."""
    sessions, state = _built(tmp_path)
    conn = sqlite3.connect(state / store.DB_NAME)
    conn.execute("UPDATE sessions SET client = 'planted', size = size + 1")
    conn.commit()
    conn.close()
    assert index.refresh(sessions, state).reread == 4
    assert "planted" not in {s.client for s in index.indexed(sessions, state)}


def test_a_symlink_in_place_of_the_database_is_never_followed(tmp_path: Path) -> None:
    sessions, state = _built(tmp_path)
    target = tmp_path / "elsewhere.db"
    target.write_bytes(b"keep me")
    for p in state.glob(f"{store.DB_NAME}*"):
        p.unlink()
    (state / store.DB_NAME).symlink_to(target)
    assert index.refresh(sessions, state).reread == 4
    assert target.read_bytes() == b"keep me"
    assert not (state / store.DB_NAME).is_symlink()


def test_a_state_folder_that_cannot_hold_the_index_still_lists(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 3)
    state.write_text("a file where the folder should be")
    assert dicts(index.indexed(sessions, state)) == dicts(fresh_read(sessions))
    assert state.read_text() == "a file where the folder should be"


FILTERS = [
    "",
    "anna",
    "client:anna",
    "tag:release",
    "region:sacrum",
    "text:headache",
    "text:he",
    "since:2026-10-22",
    "until:2026-10-21",
    "status:complete",
    "preset:short client:ben",
    'text:"since monday"',
    "tag:still region:sac",
    "lighter",
    'text:"a "b',
]


@pytest.mark.parametrize("fts, always", [(True, False), (True, True), (False, False)])
def test_filters_answer_as_matching_a_fresh_read(
    tmp_path: Path, fts: bool, always: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With FTS5 (used for every word, or only rare ones) and without (simulated), every
    filter selects what query.matches selects."""
    if always:
        monkeypatch.setattr(store, "RARE", 0)
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 12)
    for day, client in [(20, "Anna"), (21, "Ben"), (22, "anna "), (23, None)]:
        known_session(sessions, client, day=day, token=f"{day:06x}")
    with store.memory_store(fts=fts) if not fts else index.open_index(state) as st:
        assert st.has_fts is fts
        index.refresh(sessions, state, store=st)
        oracle = fresh_read(sessions)
        for line in FILTERS:
            chosen = lookup.select(st, line)
            expected = [
                s for s in oracle if query.parse(line).empty or query.matches(query.parse(line), s)
            ]
            assert dicts(lookup.page(st, chosen, 0, None)) == dicts(expected), line
            assert lookup.count(st, chosen) == len(expected), line


def test_a_cold_build_indexes_the_newest_sessions_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped after its first batch, a cold build has the newest journals (the Sessions
    screen shows the committed rows while it runs: they must be the top of the list)."""
    monkeypatch.setattr(index, "CHUNK", 3)
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 9)
    with pytest.raises(index.Cancelled):
        index.refresh(sessions, state, cancel=lambda: True)
    with index.open_index(state) as st:
        committed = [s.id for s in lookup.everything(st)]
    assert committed == [s.id for s in fresh_read(sessions)][:3]
    assert index.refresh(sessions, state).reread == 6  # the rest, on the next refresh


def test_the_quick_refresh_reads_its_stamps_from_a_covering_index(tmp_path: Path) -> None:
    """The size/mtime comparison of a year folder must not visit the wide session rows (their
    text and search blob): at 200,000 journals that cost 73 ms of every warm `logs list`."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 3)
    index.refresh(sessions, state)
    folder = next(sessions.iterdir()).name
    with index.open_index(state) as st:
        sent: list[str] = []
        st.conn.set_trace_callback(sent.append)
        assert len(st.stamps(folder)) == 3
        st.ended_stamps(folder)
        st.conn.set_trace_callback(None)
        plans = [
            " ".join(str(row[-1]) for row in st.conn.execute("EXPLAIN QUERY PLAN " + sql))
            for sql in sent
            if sql.lstrip().upper().startswith("SELECT")
        ]
    assert len(plans) == 2, sent
    for plan in plans:
        assert "COVERING INDEX" in plan, plan


@pytest.mark.parametrize("staged", [False, True])
def test_an_index_that_cannot_be_written_any_more_still_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staged: bool
) -> None:
    """The disk fills (or the folder turns read-only) while the index is built: the refresh
    lists every session from the journals in memory and says which file could not be
    written, instead of raising "database or disk is full" at every later run."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 30)
    if staged:
        monkeypatch.setattr(index, "STAGED_MIN", 1)
    st = index.open_index(state)
    (pages,) = st.conn.execute("PRAGMA page_count").fetchone()
    st.conn.execute(f"PRAGMA max_page_count = {pages}")  # full at its first new page
    with st:
        done = index.refresh(sessions, state, store=st)
        assert dicts(lookup.everything(st)) == dicts(fresh_read(sessions))
        assert done.reread == 30
        assert st.trouble is not None and str(state / store.DB_NAME) in st.trouble
        assert "full" in st.trouble


def test_an_index_damaged_past_the_opening_check_is_rebuilt(tmp_path: Path) -> None:
    """Pages in the middle of the file overwritten (here as a WAL overwritten under a
    running build left them): the opening check (ours, this schema, the tables there)
    passes, then every refresh failed with "database disk image is malformed". Like any
    damaged index, it is deleted and built anew from the journals."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 60)
    index.refresh(sessions, state)
    db = state / store.DB_NAME
    with sqlite3.connect(db) as conn:
        (size,) = conn.execute("PRAGMA page_size").fetchone()
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
    assert pages > 8
    with db.open("r+b") as f:
        f.seek(2 * size)
        f.write(b"\xa5" * size * (pages - 3))  # every page but the schema's first ones
    for path in many(sessions, 60)[:5]:  # the same journals, touched: read again
        os.utime(path, ns=(1, 1))
    with index.open_index(state) as st:
        index.refresh(sessions, state, store=st)
        assert str(st.path) == str(db) and st.trouble is None
        assert dicts(lookup.everything(st)) == dicts(fresh_read(sessions))
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("blocked", ["folder in the file's place", "file in the folder's place"])
def test_an_index_that_cannot_be_opened_says_why_each_time(tmp_path: Path, blocked: str) -> None:
    """Where the index cannot be kept at all (a folder where its file goes, a file where its
    folder goes, a read-only mount), review reads every log at every run: it says so and
    what to do, as it does for one that cannot be written any more (it said nothing)."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 3)
    if blocked == "folder in the file's place":
        (state / store.DB_NAME).mkdir(parents=True)
        where = state / store.DB_NAME
    else:
        state.write_text("not a folder")
        where = state
    with index.open_index(state) as st:
        index.refresh(sessions, state, store=st)
        assert dicts(lookup.everything(st)) == dicts(fresh_read(sessions))
        assert st.trouble is not None and str(where) in st.trouble, st.trouble
        assert "read from their logs" in st.trouble
