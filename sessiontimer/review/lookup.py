"""Questions asked of the index: a page of sessions, a count, one session, one client.

Everything here is a query: nothing loads every session. Rows come newest first (the start
time, or for a journal without one the time in its name), a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessiontimer.review import query as filters
from sessiontimer.review.sql_filter import where
from sessiontimer.review.store import SUMMARY_COLUMNS, Store, summary_from_row
from sessiontimer.review.summary import Summary

_SELECT = f"SELECT s.sid, {', '.join('s.' + c.strip() for c in SUMMARY_COLUMNS.split(','))}"
_NEWEST = " ORDER BY s.sort_key DESC, s.id DESC"


@dataclass
class Selection:
    """A parsed filter line made SQL once, for the pages and the count that follow."""

    query: filters.Query
    sql: str
    args: list[object]

    @property
    def problems(self) -> list[str]:
        return self.query.problems


def select(store: Store, line: str) -> Selection:
    parsed = filters.parse(line)
    sql, args = where(parsed, store.rare if store.has_fts else None)
    return Selection(parsed, sql, args)


def page(
    store: Store,
    chosen: Selection,
    offset: int = 0,
    limit: int | None = 100,
    *,
    marks: bool = True,
) -> list[Summary]:
    """The sessions ``chosen`` selects, newest first, from ``offset``; ``None``: all of them.

    ``marks=False`` leaves each summary's tags and texts empty (a table row needs neither):
    one query instead of two.
    """
    sql = f"{_SELECT} FROM sessions s WHERE {chosen.sql}{_NEWEST}"
    args = list(chosen.args)
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
    found = store.conn.execute(sql, args).fetchall()
    if not marks:
        return [summary_from_row(row, ()) for row in found]
    return store.summaries(found)


def count(store: Store, chosen: Selection | None = None) -> int:
    if chosen is None:
        return int(store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    sql = f"SELECT count(*) FROM sessions s WHERE {chosen.sql}"
    return int(store.conn.execute(sql, chosen.args).fetchone()[0])


def by_id(store: Store, ident: str) -> Summary | None:
    """Exact id, or a unique prefix of one (as typed on the command line)."""
    found = store.conn.execute(f"{_SELECT} FROM sessions s WHERE s.id = ?", (ident,)).fetchall()
    if not found and ident:
        end = ident[:-1] + chr(ord(ident[-1]) + 1)
        found = store.conn.execute(
            f"{_SELECT} FROM sessions s WHERE s.id >= ? AND s.id < ? LIMIT 2", (ident, end)
        ).fetchall()
    return store.summaries(found)[0] if len(found) == 1 else None


def client_sessions(store: Store, client: str, *, readable: bool = False) -> list[Summary]:
    """Every session of ``client`` (any case, surrounding spaces ignored), newest first."""
    sql = f"{_SELECT} FROM sessions s WHERE s.client_key = ?"
    if readable:
        sql += " AND s.start != ''"
    key = client.strip().casefold()
    return store.summaries(store.conn.execute(sql + _NEWEST, (key,)).fetchall()) if key else []


def known_clients(store: Store) -> list[str]:
    """Client names, most recently seen first, one spelling per name (the latest one)."""
    seen: dict[str, str] = {}
    sql = "SELECT client_key, client FROM sessions s WHERE client_key != ''" + _NEWEST
    for key, client in store.conn.execute(sql):
        seen.setdefault(key, client)
    return list(seen.values())


def everything(store: Store) -> list[Summary]:
    """Every session, newest first (exports of --all, and tests)."""
    return page(store, select(store, ""), 0, None)
