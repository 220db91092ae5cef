"""One session's timeline: phases (planned and real), notes at session and wall time, still
points, pauses, cues and the closing note. The journal is read in a thread worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from sessiontimer.review.summary import Summary
from sessiontimer.review.timeline import Timeline, describe, load_timeline, stamp
from sessiontimer.ui.format import short_minutes

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp


def timeline_text(tl: Timeline) -> str:
    """The timeline as plain lines (also what the Pilot tests read)."""
    lines = []
    for phase in tl.phases:
        planned = short_minutes(phase.planned) if phase.planned else "open"
        lines.append(f"{phase.name}  planned {planned} · real {short_minutes(phase.real)}")
        for item in phase.items:
            session_t, wall = stamp(item)
            lines.append(f"  {session_t:>6}  {wall}  {describe(item)}")
        lines.append("")
    if tl.summary.problems:
        lines.append("damaged journal: " + "; ".join(tl.summary.problems))
    lines.append(f"closing note: {tl.closing or '—'}")
    return "\n".join(lines)


class SessionDetailScreen(Screen[None]):
    """The timeline of one session; f2 opens the client's history."""

    DEFAULT_CSS = """
    #detail { padding: 0 1; }
    #detail-title { color: $accent; text-style: bold; }
    #detail-body { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="detail_back"),
        Binding("f2", "history", "Client history", id="detail_history"),
    ]

    def __init__(self, summary: Summary, summaries: list[Summary]) -> None:
        super().__init__()
        self.summary = summary
        self.summaries = summaries
        self.text = ""

    def compose(self) -> Any:
        s = self.summary
        title = f"{s.date} {s.time} · {s.client or 'no client'} · {s.preset} · {s.status}"
        with Vertical(id="detail"):
            yield Static(Content(title), id="detail-title")
            with VerticalScroll(id="detail-body"):
                yield Static(Content("reading…"), id="detail-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        sessions_dir = app.paths.sessions_dir
        tl = load_timeline(sessions_dir / self.summary.rel, sessions_dir)
        self.app.call_from_thread(self._show, timeline_text(tl))

    def _show(self, text: str) -> None:
        self.text = text
        self.query_one("#detail-text", Static).update(Content(text))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_history(self) -> None:
        from sessiontimer.ui.screens.client_history import ClientHistoryScreen

        if self.summary.client:
            self.app.push_screen(ClientHistoryScreen(self.summary.client, self.summaries))
