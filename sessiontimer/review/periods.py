"""Stats over a chosen period: the last 4 weeks, 3 months, 12 months, or everything.

Pure arithmetic over Summaries, with "today" passed in (the app's clock), so tests pin it.
A period counts whole days: "last 4 weeks" on 24 November is 28 October to 24 November.
The weekly series spans the whole period, empty weeks included, so a quiet month shows as one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sessiontimer.review.history import Stats
from sessiontimer.review.summary import Summary


@dataclass(frozen=True)
class Period:
    """A span of days ending today; ``days`` None means every session there is."""

    key: str  # stable name, used by the screen's bindings
    label: str
    days: int | None

    def since(self, today: date) -> date | None:
        """The first day in the period (None: no lower bound)."""
        return None if self.days is None else today - timedelta(days=self.days - 1)


PERIODS = (
    Period("4w", "last 4 weeks", 28),
    Period("3m", "last 3 months", 91),
    Period("12m", "last 12 months", 365),
    Period("all", "all time", None),
)


def period(key: str) -> Period:
    """The period named ``key``; a ValueError names the known ones."""
    for p in PERIODS:
        if p.key == key:
            return p
    raise ValueError(f"unknown period {key!r}; known: {', '.join(p.key for p in PERIODS)}")


def in_period(summaries: list[Summary], chosen: Period, today: date) -> list[Summary]:
    """The readable sessions that started within the period (later ones too: clocks differ)."""
    since = chosen.since(today)
    floor = since.isoformat() if since else ""
    return [s for s in summaries if s.start and s.date >= floor]


def period_stats(summaries: list[Summary], chosen: Period, today: date) -> Stats:
    """Sessions per week, hours of treatment, top tags and clients, within the period."""
    chosen_sessions = in_period(summaries, chosen, today)
    weeks: Counter[str] = Counter(monday(date.fromisoformat(s.date)) for s in chosen_sessions)
    since = chosen.since(today)
    first = monday(since) if since else min(weeks, default=None)
    last = max([monday(today), *weeks]) if since else max(weeks, default=None)
    weekly = series(weeks, first, last)
    tags = Counter(str(t) for s in chosen_sessions for t, _ in s.tags if t)
    clients = {(s.client or "").strip().casefold() for s in chosen_sessions if s.client}
    hours = sum(s.duration for s in chosen_sessions) / 3600
    top = sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:10]  # ties by name
    return Stats(len(chosen_sessions), hours, weekly, top, len(clients))


def monday(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def series(weeks: Counter[str], first: str | None, last: str | None) -> list[tuple[str, int]]:
    """Every week from ``first`` to ``last`` (Mondays), with its count."""
    if first is None or last is None:
        return []
    out, day, end = [], date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        out.append((day.isoformat(), weeks.get(day.isoformat(), 0)))
        day += timedelta(days=7)
    return out
