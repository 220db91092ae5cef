"""A warm refresh and `logs list` work for what may have changed, not for every session.

At 200,000 journals, before schema 10: the second stage's look for partial rows scanned every
row even with none partial (0.15 s of each refresh not `listable_only`: the Sessions screen,
`logs show`, a filter on notes), and counting the partial rows `logs list` says it shows
visited each of them in the table (0.19 s after a cold `logs list`: 4.2x `--version`).

Work is counted, not timed: the SQLite virtual-machine instructions run on every connection
the code opens (a progress handler called at each one), and the query plans.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from functools import partial as partial_fn
from pathlib import Path

import pytest
from review_journals import known_session

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review import index, store

OLD = "1990"  # a year folder whose mtime does not move


def _with_old_rows(sessions: Path, state: Path, extra: int, partial: bool) -> None:
    """Two real journals (one in OLD, one in the newest year), indexed, then ``extra`` more
    rows for OLD: as many sessions as a large archive holds there, none of them changing."""
    old = known_session(sessions, "Old", day=19, token="bbbbbb")
    old.parent.rename(sessions / OLD)
    known_session(sessions, "New", day=20, token="aaaaaa")
    index.refresh(sessions, state)
    conn = sqlite3.connect(state / store.DB_NAME)
    sql = f"SELECT {store._SESSION_COLUMNS} FROM sessions WHERE rel LIKE ?"
    (row,) = conn.execute(sql, (OLD + "/%",))
    first = conn.execute("SELECT max(sid) FROM sessions").fetchone()[0] + 1
    clones = []
    for i in range(extra):
        sid, name = first + i, f"1990-10-19T090000-{i:06x}"
        clones.append((sid, f"{OLD}/{name}.jsonl", name, *row[3:-1], int(partial)))
    with conn:
        conn.executemany(store._INSERT_SESSION, clones)
    conn.close()


def _instructions(monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]) -> int:
    """The virtual-machine instructions SQLite runs for ``run``, on every connection."""
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0  # go on

    real = store._connect

    def counting(path: Path) -> store.Store:
        opened = real(path)
        opened.conn.set_progress_handler(tick, 1)
        return opened

    with monkeypatch.context() as m:
        m.setattr(store, "_connect", counting)
        run()
    return counted[0]


def _refresh(sessions: Path, state: Path) -> None:
    index.refresh(sessions, state, full=False)  # both stages: nothing is partial


def test_a_quick_refresh_does_no_work_for_the_rows_of_unchanged_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = []
    for extra in (100, 1600):
        sessions, state = tmp_path / f"{extra}" / "sessions", tmp_path / f"{extra}" / "state"
        _with_old_rows(sessions, state, extra, False)
        _refresh(sessions, state)  # whatever a first refresh after the insert does, done
        counts.append(_instructions(monkeypatch, partial_fn(_refresh, sessions, state)))
    small, large = counts
    assert large == small, (small, large)


def test_a_warm_logs_list_does_no_work_for_every_partial_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a cold `logs list` of a large archive every row is partial; the next one says
    which of those it shows are, without counting the others."""
    said = []

    def logs_list(sessions: Path, state: Path) -> None:
        monkeypatch.setenv("SESSIONTIMER_DATA_DIR", str(sessions.parent))
        monkeypatch.setenv("SESSIONTIMER_STATE_DIR", str(state))
        assert cli.main(["logs", "list"]) == 0
        said.append(capsys.readouterr().err)

    counts = []
    for extra in (100, 1600):
        sessions, state = tmp_path / f"{extra}" / "sessions", tmp_path / f"{extra}" / "state"
        _with_old_rows(sessions, state, extra, True)
        logs_list(sessions, state)
        counts.append(_instructions(monkeypatch, partial_fn(logs_list, sessions, state)))
    small, large = counts
    assert large == small, (small, large)
    assert "48 of the 50 sessions shown are listed from their first and last" in said[-1]


def _plans(st: store.Store, run: Callable[[], object]) -> list[str]:
    sent: list[str] = []
    st.conn.set_trace_callback(sent.append)
    run()
    st.conn.set_trace_callback(None)
    return [
        " ".join(str(row[-1]) for row in st.conn.execute("EXPLAIN QUERY PLAN " + sql))
        for sql in sent
        if sql.lstrip().upper().startswith("SELECT")
    ]


def test_partial_rows_are_counted_and_listed_from_their_own_index(tmp_path: Path) -> None:
    """Never a visit to each row in the table (its notes, text and search blob): after a
    cold `logs list` every row is partial, and every later one says how many there are."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    _with_old_rows(sessions, state, 30, True)
    with index.open_index(state) as st:
        counted = _plans(st, lambda: st.partial_count() == 30 or pytest.fail("count"))
        listed = _plans(st, lambda: len(st.partial_rows()) == 30 or pytest.fail("rows"))
    assert len(counted) == len(listed) == 1
    for plan in counted + listed:
        assert "COVERING INDEX sessions_partial" in plan, plan
    assert "TEMP B-TREE" not in listed[0]  # in the index's order: not sorted afterwards


def _as_schema_before(path: Path) -> None:
    """An index as the schema before this one made it: its old index of partial rows."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP INDEX sessions_partial")
        conn.execute("CREATE INDEX sessions_partial ON sessions(sort_key, sid, rel) WHERE partial")
        conn.execute(f"PRAGMA user_version = {store.UPGRADABLE}")
    conn.close()


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    finally:
        conn.close()


def test_an_index_of_the_schema_before_is_upgraded_in_place_not_rebuilt(tmp_path: Path) -> None:
    """At 200,000 journals a rebuild takes minutes of both cores; the upgrade one pass."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    _with_old_rows(sessions, state, 30, True)
    fresh = _schema(state / store.DB_NAME)
    _as_schema_before(state / store.DB_NAME)
    assert _schema(state / store.DB_NAME) != fresh
    with index.open_index(state) as st:
        assert st.partial_count() == 30  # the rows kept, not read again
        assert index.refresh(sessions, state, store=st, listable_only=True).reread == 0
        assert st.conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert _schema(state / store.DB_NAME) == fresh
    conn = sqlite3.connect(state / store.DB_NAME)
    with conn:
        conn.execute(f"PRAGMA user_version = {store.UPGRADABLE}")
        conn.execute("DROP INDEX sessions_partial")  # not what that schema made: not ours
    conn.close()
    assert index.refresh(sessions, state).reread == 2  # rebuilt from the journals


LIST_PROBE = """
import json, runpy, sys
sys.argv = ["sessiontimer", "logs", "list"]
try:
    runpy.run_module("sessiontimer", run_name="__main__")
except SystemExit:
    pass
with open({out!r}, "w") as f:
    json.dump(sorted(sys.modules), f)
"""


def test_a_warm_logs_list_leaves_the_journal_schema_and_the_model_unimported(
    app_paths: AppPaths, tmp_path: Path
) -> None:
    """Nothing is read when nothing changed: the schema and the model (core/journal,
    core/model) cost 13 ms of each run where modules are compiled at start, as here."""
    known_session(app_paths.sessions_dir, "Anna")
    out = tmp_path / "modules.json"
    for _ in range(2):  # the first run builds the index
        code = LIST_PROBE.format(out=str(out))
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    loaded = set(json.loads(out.read_text()))
    assert "sessiontimer.review.store" in loaded  # the probe ran `logs list`
    assert not {"sessiontimer.core.journal", "sessiontimer.core.model"} & loaded
