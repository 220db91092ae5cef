"""Stats over the sessions the filter selected, within a chosen period: per week, hours, tags.

The period keys (w, m, y, a) recompute in a thread worker through ``review.periods`` (pure);
"today" comes from the app's clock, so tests pin it. Stats are never counted from partial rows
(a large first build lists sessions before it has read their notes): they wait, and say so.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from sessiontimer.core.readable import columns, count
from sessiontimer.review import aggregates, lookup
from sessiontimer.review import index as review_index
from sessiontimer.review.history import Stats, bar, sparkline
from sessiontimer.review.periods import PERIODS, Period, period
from sessiontimer.ui import key_bindings
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.plain_text import plain
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    pass

DEFAULT_PERIOD = "all"  # what the filter selected, until a period is chosen


def stats_text(st: Stats, label: str) -> str:
    lines = [
        f"Stats · {label}",
        "",
        f"{count(st.sessions, 'session')} · {st.hours:.1f} hours of treatment · "
        f"{count(st.clients, 'client')}",
    ]
    if st.weeks:
        counts = [float(n) for _, n in st.weeks]
        lines += [
            "",
            f"sessions per week ({st.weeks[0][0]} → {st.weeks[-1][0]}, max {max(counts):.0f}):",
            sparkline(counts, 80),
        ]
    if st.tags:
        top = st.tags[0][1]
        lines += ["", "most frequent tags:"]
        lines += columns([(tag, str(n), bar(n, top)) for tag, n in st.tags], right={1})
    return "\n".join(lines)


def period_bar(chosen: Period) -> Content:
    """The period picker as one line; the chosen period stands out (keys are in the footer)."""
    parts: list[str | tuple[str, str]] = [("period ", "dim")]
    for p in PERIODS:
        parts += [" ", (f" {p.label} ", "reverse bold" if p == chosen else "dim")]
    return Content.assemble(*parts)


@dataclass
class StatsComputed(Message):
    """A period's figures, computed off the UI loop."""

    period: Period
    stats: Stats | None
    problem: str = ""  # why there are none (the filter could not be searched)


class StatsScreen(AppScreen[None]):
    BINDINGS = key_bindings.STATS

    def __init__(self, line: str, label: str, chosen: str = DEFAULT_PERIOD) -> None:
        super().__init__()
        self.line = line  # the Sessions screen's filter line
        self.label = label
        self.period = period(chosen)
        self.stats: Stats | None = None
        self._stop = threading.Event()  # the screen is gone: stop waiting for the notes

    def compose(self) -> Any:
        with Vertical(id="stats"):
            yield Static(period_bar(self.period), id="stats-period")
            with VerticalScroll():
                yield Static(Content("computing…"), id="stats-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def load(self) -> None:
        app = self.st_app
        chosen = self.period
        try:
            with review_index.open_index(app.paths.state_dir) as store:
                review_index.read_whole(
                    app.paths.sessions_dir,
                    app.paths.state_dir,
                    store,
                    self._reading,
                    self._stop.is_set,
                )
                selected = lookup.select(store, self.line)
                st = aggregates.period_stats(store, selected, chosen, app.clock.wall().date())
        except review_index.Cancelled:
            return
        except Exception as error:  # said on screen: "computing…" must not stay for ever
            self.post_message(StatsComputed(chosen, None, type(error).__name__))
            return
        self.post_message(StatsComputed(chosen, st))

    def _reading(self, done: int, total: int) -> None:
        said = f"reading every session's notes first: {done:,} of {total:,}…"
        self.app.call_from_thread(self._say, said)

    def _say(self, text: str) -> None:
        if self.stats is None:
            self.query_one("#stats-text", Static).update(plain(text))

    def on_stats_computed(self, message: StatsComputed) -> None:
        chosen, st = message.period, message.stats
        if chosen != self.period:
            return  # a newer choice is on its way
        label = f"{self.label} · {chosen.label}"
        if st is None:
            said = f"Stats · {label}\n\nThese sessions could not be counted ({message.problem})."
            self.query_one("#stats-text", Static).update(plain(said))
            return
        self.stats = st
        self.query_one("#stats-text", Static).update(plain(stats_text(st, label)))

    def action_period(self, key: str) -> None:
        self.period = period(key)
        self.query_one("#stats-period", Static).update(period_bar(self.period))
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
