"""Client history and practice stats: pure arithmetic over Summaries (no file is read here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sessiontimer.review.summary import Summary

BARS = "▁▂▃▄▅▆▇█"


@dataclass
class TagCount:
    tag: str
    count: int
    regions: dict[str, int] = field(default_factory=dict)


@dataclass
class ClientHistory:
    """All sessions of one client (newest first), tags seen, and the trend of lengths."""

    client: str
    sessions: list[Summary]
    tags: list[TagCount]
    lengths: list[float]  # real durations in seconds, oldest first (the trend)


@dataclass
class Stats:
    sessions: int
    hours: float
    weeks: list[tuple[str, int]]  # (Monday's date, sessions that week), oldest first
    tags: list[tuple[str, int]]
    clients: int


def same_client(a: str | None, b: str | None) -> bool:
    """Client names compare without case or surrounding spaces ("Anna" is "anna ")."""
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def tag_counts(sessions: list[Summary]) -> list[TagCount]:
    """How often each tag appeared, and in which regions, most frequent first."""
    counts: dict[str, TagCount] = {}
    for s in sessions:
        for tag, region in s.tags:
            if not tag:
                continue  # a typed note: it has a region, not a tag
            entry = counts.setdefault(str(tag), TagCount(str(tag), 0))
            entry.count += 1
            if region:
                entry.regions[str(region)] = entry.regions.get(str(region), 0) + 1
    return sorted(counts.values(), key=lambda c: (-c.count, c.tag))


def client_history(summaries: list[Summary], client: str) -> ClientHistory:
    sessions = [s for s in summaries if s.start and same_client(s.client, client)]
    lengths = [s.duration for s in reversed(sessions)]
    return ClientHistory(client, sessions, tag_counts(sessions), lengths)


def stats(summaries: list[Summary]) -> Stats:
    """Sessions per week, hours of treatment and the most frequent tags of these sessions."""
    good = [s for s in summaries if s.start]
    weeks: Counter[str] = Counter()
    for s in good:
        day = date.fromisoformat(s.date)
        weeks[(day - timedelta(days=day.weekday())).isoformat()] += 1
    series = _fill_weeks(weeks)
    tags = Counter(str(t) for s in good for t, _ in s.tags if t)
    clients = {(s.client or "").casefold() for s in good if s.client}
    hours = sum(s.duration for s in good) / 3600
    return Stats(len(good), hours, series, tags.most_common(10), len(clients))


def _fill_weeks(weeks: Counter[str]) -> list[tuple[str, int]]:
    if not weeks:
        return []
    first, last = date.fromisoformat(min(weeks)), date.fromisoformat(max(weeks))
    out = []
    while first <= last:
        out.append((first.isoformat(), weeks.get(first.isoformat(), 0)))
        first += timedelta(days=7)
    return out


def sparkline(values: list[float], width: int = 60) -> str:
    """A one-line chart; long series are averaged down to ``width`` columns."""
    if not values:
        return ""
    if len(values) > width:
        step = len(values) / width
        values = [
            sum(values[int(i * step) : int((i + 1) * step)] or [0])
            / max(1, len(values[int(i * step) : int((i + 1) * step)]))
            for i in range(width)
        ]
    top = max(values) or 1
    return "".join(BARS[min(7, int(v / top * 7.999))] for v in values)


def bar(value: float, top: float, width: int = 30) -> str:
    """A horizontal bar for a bar chart."""
    return "█" * max(1 if value else 0, round(value / (top or 1) * width))
