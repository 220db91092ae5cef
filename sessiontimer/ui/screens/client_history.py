"""Client history: all sessions of one client, the tags seen (and where), the length trend."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from sessiontimer.review.history import ClientHistory, client_history, sparkline
from sessiontimer.review.summary import Summary
from sessiontimer.ui.format import short_minutes

ROWS = 200


def history_text(h: ClientHistory) -> str:
    """Tags with their regions, and the trend of session lengths, as plain lines."""
    lines = [f"{len(h.sessions)} sessions"]
    if h.lengths:
        lines.append(
            f"length trend (oldest → newest): {sparkline(h.lengths, 50)}  "
            f"last {short_minutes(h.lengths[-1])}"
        )
    for tag in h.tags[:8]:
        where = ", ".join(f"{r} {n}" for r, n in sorted(tag.regions.items(), key=lambda x: -x[1]))
        lines.append(f"  {tag.tag:<16} {tag.count:>4}×  {where}")
    return "\n".join(lines)


class ClientHistoryScreen(Screen[None]):
    """Enter opens the selected session's timeline."""

    DEFAULT_CSS = """
    #history { padding: 0 1; }
    #history-title { color: $accent; text-style: bold; }
    #history-summary { height: auto; max-height: 12; }
    #history-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="history_back"),
        Binding("enter", "open", "Timeline", id="history_open", priority=True),
    ]

    def __init__(self, client: str, summaries: list[Summary]) -> None:
        super().__init__()
        self.client = client
        self.summaries = summaries
        self.history: ClientHistory | None = None

    def compose(self) -> Any:
        with Vertical(id="history"):
            yield Static(Content(f"Client history · {self.client}"), id="history-title")
            yield Static(Content("reading…"), id="history-summary")
            table: DataTable[str] = DataTable(id="history-table", cursor_type="row")
            yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_columns("date", "start", "preset", "length", "notes", "closing note")
        table.focus()
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        history = client_history(self.summaries, self.client)
        self.app.call_from_thread(self._show, history)

    def _show(self, h: ClientHistory) -> None:
        self.history = h
        self.query_one("#history-summary", Static).update(Content(history_text(h)))
        table = self.query_one("#history-table", DataTable)
        for s in h.sessions[:ROWS]:
            table.add_row(
                s.date,
                s.time,
                s.preset,
                short_minutes(s.duration),
                str(s.notes),
                s.closing[:40],
                key=s.id,
            )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        from sessiontimer.ui.screens.session_detail import SessionDetailScreen

        table = self.query_one("#history-table", DataTable)
        if self.history and table.row_count:
            chosen = self.history.sessions[table.cursor_row]
            self.app.push_screen(SessionDetailScreen(chosen, self.summaries))
