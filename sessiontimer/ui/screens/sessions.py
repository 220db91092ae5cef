"""Sessions: every past session, newest first, with a filter line that updates as you type.

Nothing here reads a journal on the UI loop: the index is loaded (cached copy first, then
checked against the journals) and filtered in thread workers. The table shows one page of
at most PAGE rows, because a DataTable with 20,000 rows takes seconds to first render.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from sessiontimer.review import index as review_index
from sessiontimer.review import query
from sessiontimer.review.summary import Summary
from sessiontimer.ui.format import short_minutes
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp

PAGE = 100
COLUMNS = ("date", "start", "client", "preset", "length", "notes", "status")


def row_cells(s: Summary) -> tuple[str, ...]:
    """The table cells of one session (a damaged file shows what could be read)."""
    if not s.start:
        return ("?", "", "", s.id, "", "", "damaged")
    status = s.status + (" (damaged)" if s.problems else "")
    return (
        s.date,
        s.time,
        s.client or "—",
        s.preset,
        short_minutes(s.duration),
        str(s.notes),
        status,
    )


def summaries_changed(app: Any, summaries: list[Summary]) -> None:
    """After a correction, rename or delete: the Sessions list shows the journals as they are now.

    ``summaries`` is the index just refreshed by the edit, so nothing is read again here.
    """
    for screen in app.screen_stack:
        if isinstance(screen, SessionsScreen):
            screen._loaded(summaries, True)


class SessionsScreen(Screen[None]):
    """The log browser. Enter opens a timeline, f4 the client's history, f3 stats."""

    DEFAULT_CSS = """
    #sessions { padding: 0 1; }
    #sessions-title { color: $accent; text-style: bold; }
    #sessions-status { color: $foreground 60%; height: 1; }
    #sessions-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="sessions_back"),
        Binding("enter", "open", "Timeline", id="sessions_open", priority=True),
        Binding("f4", "history", "Client history", id="sessions_history"),
        Binding("f3", "stats", "Stats", id="sessions_stats"),
        Binding("ctrl+n", "page(1)", "Next page", id="sessions_next_page"),
        Binding("ctrl+p", "page(-1)", "Prev page", id="sessions_prev_page"),
        Binding("down", "to_table", show=False, id="sessions_to_table"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all: list[Summary] = []
        self.shown: list[Summary] = []
        self.page = 0
        self.loaded = False
        self.problems: list[str] = []
        self._on_screen: list[tuple[str, tuple[str, ...]]] = []
        self._filtered_for: str | None = None  # the filter line self.shown answers

    def compose(self) -> Any:
        with Vertical(id="sessions"):
            yield Static("Sessions", id="sessions-title")
            yield Input(
                placeholder="filter: anna  client:anna tag:release  region:sacrum  "
                "since:2026-10-01  text:headache",
                id="sessions-filter",
            )
            yield Static("reading the session logs…", id="sessions-status", markup=False)
            table: DataTable[str] = DataTable(
                id="sessions-table", cursor_type="row", zebra_stripes=True
            )
            yield table
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#sessions-table", DataTable)
        table.add_columns(*COLUMNS)
        self.query_one("#sessions-filter", Input).focus()
        self.load()

    @property
    def _app(self) -> SessionTimerApp:
        return self.app  # type: ignore[return-value]

    @work(thread=True, exclusive=True, group="sessions-load", exit_on_error=False)
    def load(self) -> None:
        """Newest rows first (tiny file), the cached index next, then it checked on disk."""
        paths = self._app.paths
        head = review_index.load_head(paths.state_dir)
        if head:
            painted = threading.Event()
            self.app.call_from_thread(self._loaded, head, False)
            self.app.call_from_thread(self.call_after_refresh, painted.set)
            painted.wait(1.0)  # parsing the full index holds the GIL: let the rows paint first
        cached = review_index.load_cached(paths.state_dir)
        if cached is not None:
            self.app.call_from_thread(self._loaded, cached.summaries, False)
        fresh = review_index.refresh(paths.sessions_dir, paths.state_dir)
        if cached is None or fresh.reread or len(fresh.summaries) != len(cached.summaries):
            self.app.call_from_thread(self._loaded, fresh.summaries, True)
        else:
            self.app.call_from_thread(self._checked)
        for s in fresh.summaries:
            query.search_blob(s)  # ready before the first keystroke

    def _loaded(self, summaries: list[Summary], final: bool) -> None:
        self.all = summaries
        self.loaded = self.loaded or final
        line = self.query_one("#sessions-filter", Input).value
        if line.strip():
            self.apply_filter(line)
        else:
            self._show(summaries, [])
            self._filtered_for = line

    def _checked(self) -> None:
        self.loaded = True
        self._status()

    @on(Input.Changed, "#sessions-filter")
    def _typed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @work(thread=True, exclusive=True, group="sessions-filter", exit_on_error=False)
    def apply_filter(self, line: str) -> None:
        found, parsed = query.select(self.all, line)
        self.app.call_from_thread(self._filtered, line, found, parsed.problems)

    def _filtered(self, line: str, found: list[Summary], problems: list[str]) -> None:
        """A filter's result, unless the line was typed further meanwhile (a thread worker
        cannot be stopped, so an older result can arrive after a newer one)."""
        if line == self.query_one("#sessions-filter", Input).value:
            self._show(found, problems)
            self._filtered_for = line

    def _show(self, found: list[Summary], problems: list[str]) -> None:
        self.shown, self.problems, self.page = found, problems, 0
        self._fill()

    def _fill(self) -> None:
        """Show the current page; rows already on screen are left alone (no flicker)."""
        start = self.page * PAGE
        rows = self.shown[start : start + PAGE]
        if [(s.id, row_cells(s)) for s in rows] != self._on_screen:
            table = self.query_one("#sessions-table", DataTable)
            table.clear()
            for s in rows:
                table.add_row(*row_cells(s), key=s.id)
            self._on_screen = [(s.id, row_cells(s)) for s in rows]
        self._status()

    def _status(self) -> None:
        total, start = len(self.shown), self.page * PAGE
        text = f"{total} of {len(self.all)} sessions"
        if total > PAGE:
            text += f" · showing {start + 1}–{min(total, start + PAGE)} (ctrl+n / ctrl+p: page)"
        if not self.loaded:
            text += " · checking for changes…"
        if self.problems:
            text += " · " + "; ".join(self.problems)
        self.query_one("#sessions-status", Static).update(text)

    def selected(self) -> Summary | None:
        table = self.query_one("#sessions-table", DataTable)
        index = self.page * PAGE + table.cursor_row
        if not table.row_count or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_to_table(self) -> None:
        self.query_one("#sessions-table", DataTable).focus()

    def action_page(self, step: int) -> None:
        last = max(0, (len(self.shown) - 1) // PAGE)
        page = min(last, max(0, self.page + step))
        if page != self.page:
            self.page = page
            self._fill()

    def action_open(self) -> None:
        """Open the highlighted session once the filter has taken every key typed before
        Enter (a priority key overtakes them) and the list shows that filter's result."""
        (self.focused or self).call_later(self._open_now)

    def _open_now(self) -> None:
        from sessiontimer.ui.screens.session_detail import SessionDetailScreen

        line = self.query_one("#sessions-filter", Input).value
        if line != self._filtered_for:  # still being filtered in the background: do it now
            found, parsed = query.select(self.all, line)
            self._filtered_for = line
            self._show(found, parsed.problems)
        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(SessionDetailScreen(chosen, self.all))

    def action_history(self) -> None:
        from sessiontimer.ui.screens.client_history import ClientHistoryScreen

        chosen = self.selected()
        if chosen is not None and chosen.client:
            self.app.push_screen(ClientHistoryScreen(chosen.client, self.all))
        else:
            self.notify("Select a session with a client to see the client's history.")

    def action_stats(self) -> None:
        from sessiontimer.ui.screens.stats import StatsScreen

        label = self.query_one("#sessions-filter", Input).value.strip() or "all sessions"
        self.app.push_screen(StatsScreen(self.shown, label))
