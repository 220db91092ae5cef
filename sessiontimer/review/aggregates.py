"""Stats as SQL aggregates over the index: counts, hours, sessions per week, top tags.

The same figures as :func:`periods.period_stats` (which stays the reference, pure Python over
Summaries, in the tests), without loading the sessions.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sessiontimer.review import periods
from sessiontimer.review.history import Stats
from sessiontimer.review.lookup import Selection
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
