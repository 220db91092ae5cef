"""Stats over the sessions the filter selected: per week, hours, most frequent tags."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from sessiontimer.review.history import Stats, bar, sparkline, stats
from sessiontimer.review.summary import Summary


def stats_text(st: Stats, label: str) -> str:
    lines = [
        f"Stats · {label}",
        "",
        f"{st.sessions} sessions · {st.hours:.1f} hours of treatment · {st.clients} clients",
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
        lines += [f"  {tag:<16} {n:>6}  {bar(n, top)}" for tag, n in st.tags]
    return "\n".join(lines)


class StatsScreen(Screen[None]):
    DEFAULT_CSS = """
    #stats { padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "back", "Back", id="stats_back")]

    def __init__(self, summaries: list[Summary], label: str) -> None:
        super().__init__()
        self.summaries = summaries
        self.label = label

    def compose(self) -> Any:
        with Vertical(id="stats"), VerticalScroll():
            yield Static(Content("computing…"), id="stats-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        text = stats_text(stats(self.summaries), self.label)
        self.app.call_from_thread(self.query_one("#stats-text", Static).update, Content(text))

    def action_back(self) -> None:
        self.app.pop_screen()
