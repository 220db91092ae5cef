"""Stats and client history as SQL aggregates over the index: counts, hours, sessions per
week, top tags; a client's tag table and the trend of their session lengths.

The same figures as :func:`periods.period_stats` and :func:`history.client_history` (which
stay the reference, pure Python over Summaries, in the tests), without counting in Python.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sessiontimer.review import periods
from sessiontimer.review.history import ClientHistory, Stats, TagCount
from sessiontimer.review.lookup import Selection, client_sessions
from sessiontimer.review.store import Store


def period_stats(store: Store, chosen: Selection, period: periods.Period, today: date) -> Stats:
    """Stats of the readable sessions ``chosen`` selects that started within ``period``."""
    since = period.since(today)
    sql = f"FROM sessions s WHERE s.start != '' AND s.day >= ? AND ({chosen.sql})"
    args = [since.isoformat() if since else "", *chosen.args]
    count, seconds, clients = store.conn.execute(
        "SELECT count(*), total(s.duration), count(DISTINCT CASE WHEN s.client IS NOT NULL "
        f"THEN s.client_key END) {sql}",
        args,
    ).fetchone()
    weeks: Counter[str] = Counter()
    for day, n in store.conn.execute(f"SELECT s.day, count(*) {sql} GROUP BY s.day", args):
        weeks[periods.monday(date.fromisoformat(day))] += n
    first = periods.monday(since) if since else min(weeks, default=None)
    last = max([periods.monday(today), *weeks]) if since else max(weeks, default=None)
    tags = store.conn.execute(
        "SELECT m.tag, count(*) AS n FROM marks m "
        f"WHERE m.kind = 'tag' AND m.sid IN (SELECT s.sid {sql}) "
        "GROUP BY m.tag ORDER BY n DESC, m.tag LIMIT 10",
        args,
    ).fetchall()
    return Stats(
        count,
        seconds / 3600,
        periods.series(weeks, first, last),
        [(str(t), n) for t, n in tags],
        clients,
    )


def client_history(store: Store, client: str) -> ClientHistory:
    """The client's readable sessions (newest first, for the list), and their tags (with the
    regions they were felt in) and lengths counted by SQLite."""
    key = client.strip().casefold()
    if not key:
        return ClientHistory(client, [], [], [])  # no client: no one's history
    readable = "s.client_key = ? AND s.start != ''"
    rows = store.conn.execute(
        "SELECT m.tag, m.region, count(*) FROM marks m JOIN sessions s ON s.sid = m.sid "
        f"WHERE {readable} AND m.kind = 'tag' AND m.tag IS NOT NULL AND m.tag != '' "
        "GROUP BY m.tag, m.region",
        (key,),
    ).fetchall()
    counts: dict[str, TagCount] = {}
    for tag, region, n in rows:
        entry = counts.setdefault(str(tag), TagCount(str(tag), 0))
        entry.count += n
        if region:
            entry.regions[str(region)] = entry.regions.get(str(region), 0) + n
    lengths = [
        float(d)
        for (d,) in store.conn.execute(
            f"SELECT s.duration FROM sessions s WHERE {readable} ORDER BY s.sort_key, s.id",
            (key,),
        )
    ]
    tags = sorted(counts.values(), key=lambda c: (-c.count, c.tag))
    return ClientHistory(client, client_sessions(store, client, readable=True), tags, lengths)
