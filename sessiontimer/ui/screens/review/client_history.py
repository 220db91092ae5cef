"""Client history: all sessions of one client, the tags seen (and where), the length trend.

Also where a client is renamed (an existing name merges the two) or deleted for good. Both
ask first, run in a thread worker through ``review.edit``, and refresh the Sessions list.
A history is never told from partial rows (a large first build lists sessions before it has
read their notes): it waits for their notes and text, and says so.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual import work
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from sessiontimer.core.readable import columns, count, span
from sessiontimer.review import aggregates, lookup
from sessiontimer.review import index as review_index
from sessiontimer.review.edit import (
    EditError,
    RenamePlan,
    delete_client,
    rename_all,
    rename_plan,
)
from sessiontimer.review.history import ClientHistory, sparkline
from sessiontimer.review.summary import Summary
from sessiontimer.ui import key_bindings, navigation
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.plain_text import plain, plain_cell
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    pass

ROWS = 200


def history_text(h: ClientHistory) -> str:
    """Tags with their regions, and the trend of session lengths, as plain lines."""
    lines = [count(len(h.sessions), "session")]
    if h.lengths:
        lines.append(
            f"length trend (oldest → newest): {sparkline(h.lengths, 50)}  "
            f"last {span(h.lengths[-1])}"
        )
    rows = []
    for tag in h.tags[:8]:
        where = ", ".join(f"{r} {n}" for r, n in sorted(tag.regions.items(), key=lambda x: -x[1]))
        rows.append((tag.tag, f"{tag.count}×", where))
    lines += columns(rows, right={1})
    return "\n".join(lines)


class ClientHistoryScreen(AppScreen[None]):
    """Enter opens the selected session's timeline; r renames or merges, x deletes (asks)."""

    BINDINGS = key_bindings.CLIENT_HISTORY

    def __init__(self, client: str) -> None:
        super().__init__()
        self.client = client
        self.summaries: list[Summary] = []  # every session of the client, damaged ones too
        self.known: tuple[str, ...] = ()  # every client's name, for the rename dialog
        self.history: ClientHistory | None = None
        self._stop = threading.Event()  # the screen is gone: stop waiting for the notes

    def compose(self) -> Any:
        with Vertical(id="history"):
            yield Static(plain(f"Client history · {self.client}"), id="history-title")
            yield Static(Content("reading…"), id="history-summary")
            table: DataTable[str] = DataTable(id="history-table", cursor_type="row")
            yield table
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_columns("date", "start", "preset", "length", "notes", "closing note")
        table.focus()
        self.load()

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exclusive=True, group="history-load", exit_on_error=False)
    def load(self) -> None:
        """The client's sessions, asked of the index (the Sessions screen keeps it fresh)
        once every session's notes are in it."""
        paths = self.st_app.paths
        with review_index.open_index(paths.state_dir) as store:
            try:
                review_index.read_whole(
                    paths.sessions_dir, paths.state_dir, store, self._reading, self._stop.is_set
                )
            except review_index.Cancelled:
                return
            sessions = lookup.client_sessions(store, self.client)
            known = tuple(lookup.known_clients(store))
            history = aggregates.client_history(store, self.client)
        self.app.call_from_thread(self._show, history, sessions, known)

    def _reading(self, done: int, total: int) -> None:
        said = f"reading every session's notes first: {done:,} of {total:,}…"
        self.app.call_from_thread(self._say, said)

    def _say(self, text: str) -> None:
        if self.history is None:
            self.query_one("#history-summary", Static).update(plain(text))

    def _show(self, h: ClientHistory, sessions: list[Summary], known: tuple[str, ...]) -> None:
        self.history, self.summaries, self.known = h, sessions, known
        self.query_one("#history-title", Static).update(plain(f"Client history · {h.client}"))
        self.query_one("#history-summary", Static).update(plain(history_text(h)))
        table = self.query_one("#history-table", DataTable)
        table.clear()
        for s in h.sessions[:ROWS]:
            cells = (s.date, s.time, s.preset, span(s.duration), s.notes, s.closing[:40])
            table.add_row(*(plain_cell(c) for c in cells), key=s.id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        table = self.query_one("#history-table", DataTable)
        if self.history and table.row_count:
            chosen = self.history.sessions[table.cursor_row]
            navigation.timeline(self.app, chosen)

    def action_rename(self) -> None:
        from sessiontimer.ui.dialogs.review import RenameClientDialog

        self.app.push_screen(RenameClientDialog(self.client, self.known), self._rename_chosen)

    def _rename_chosen(self, new: str | None) -> None:
        if not new:
            return
        try:
            with review_index.open_index(self.st_app.paths.state_dir) as store:
                joining = lookup.client_sessions(store, new)
            both = {s.id: s for s in [*self.summaries, *joining]}  # one client if same name
            plan = rename_plan(list(both.values()), self.client, new)
        except EditError as error:
            self.notify(str(error), markup=False)
            return
        self.st_app.confirm(plan.question(), lambda yes: self._rename_confirmed(plan, yes))

    def _rename_confirmed(self, plan: RenamePlan, yes: bool | None) -> None:
        if yes:
            self.rename(plan)

    @work(thread=True, exclusive=True, group="history-edit", exit_on_error=False)
    def rename(self, plan: RenamePlan) -> None:
        paths = self.st_app.paths
        try:
            done = rename_all(paths.sessions_dir, paths.state_dir, plan, self.st_app.clock.wall())
        except (EditError, OSError) as error:
            self.app.call_from_thread(self._failed, "Not renamed", error)
            return
        message = f"Renamed {count(done.sessions, 'session')} to {plan.new}."
        if done.skipped:
            message += f" {len(done.skipped)} damaged journal(s) could not be renamed."
        self.app.call_from_thread(self._renamed, plan.new, message)

    def _renamed(self, new: str, message: str) -> None:
        self.client = new
        self.st_app.journals_changed.publish(None)
        self.notify(message, markup=False)
        self.load()

    def action_delete(self) -> None:
        from sessiontimer.ui.dialogs.review import DeleteClientDialog

        gone = self.summaries
        names = ", ".join(dict.fromkeys(s.client or "" for s in gone))
        question = (
            f"Delete every record of {self.client}?\n\n"
            f"{len(gone)} session(s) (named {names}), their index entries and the exports "
            "the app made of them are removed for good. This cannot be undone."
        )
        self.app.push_screen(DeleteClientDialog(question), self._delete_chosen)

    def _delete_chosen(self, yes: bool | None) -> None:
        if yes:
            self.delete()

    @work(thread=True, exclusive=True, group="history-edit", exit_on_error=False)
    def delete(self) -> None:
        paths = self.st_app.paths
        try:
            done = delete_client(paths.sessions_dir, paths.state_dir, self.client)
        except OSError as error:
            self.app.call_from_thread(self._failed, "Not deleted", error)
            return
        message = f"Deleted {len(done.journals)} session(s) and {len(done.exports)} export(s)."
        self.app.call_from_thread(self._deleted, message)

    def _deleted(self, message: str) -> None:
        """Back to the Sessions list (refreshed): this client's screens show nothing now."""
        self.st_app.journals_changed.publish(None)
        navigation.back_to_sessions(self.app)
        self.app.notify(message, markup=False)

    def _failed(self, what: str, error: Exception) -> None:
        self.notify(f"{what}: {error}", severity="error", markup=False)
