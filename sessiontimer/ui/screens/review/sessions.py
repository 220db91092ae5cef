"""Sessions: every past session, newest first, with a filter line that updates as you type.

The screen holds only the rows about the screen: a window of two screens' worth of sessions
(WINDOW at least), asked of the index (SQLite) in thread workers, that slides as the cursor
nears its edge, so scrolling through 200,000 sessions never loads them. The table's cost on
each filter keystroke grows with the rows it is given (cells, measuring, rows), so it is
given what can be seen and a little more, not more. The index is checked quickly first (changed
folders), then fully in the background; a cold build shows a progress bar and Escape stops
it (what was read is kept). A large one lists every session first (partial rows: ``…`` where
the notes are counted) and reads notes and text after, the rows filled in where they stand;
a filter on notes or text waits for that (index.needs_full) and says so.

The Start screen has one made ahead at a quiet moment (:func:`prepare`): built, filled with
the rows as last indexed, laid out and rendered while hidden, so that ctrl+l only asks the
rows again and shows it (:func:`to_open`); each open is still a screen of its own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from textual import events, on, work
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, ProgressBar, Static
from textual.worker import get_current_worker

from sessiontimer.core.notices import Notice
from sessiontimer.review import index as review_index
from sessiontimer.review import lookup
from sessiontimer.review.store import Store, open_store
from sessiontimer.review.summary import Summary
from sessiontimer.ui import key_bindings, navigation, textual_compat
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.errors import log_exception
from sessiontimer.ui.plain_text import plain, plain_cell
from sessiontimer.ui.screens.review.sessions_table import (
    COLUMNS,
    PAGE,
    WINDOW,
    WindowTable,
    row_cells,
)
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App
    from textual.geometry import Size


AHEAD = "sessions-ahead"  # the name a screen made ahead is installed under until it opens
AHEAD_STEP = 0.02  # seconds between the steps of making it (keys are answered between)
EARLY_WAIT = 0.05  # seconds the screen's mount waits for rows asked as it was composed
HERE = -1  # a query's ``keep``: the cursor stays on the session it is on when rows arrive

P = ParamSpec("P")
R = TypeVar("R")


def prepare(app: App[Any]) -> None:
    """What the next ctrl+l would do, done now: the Start screen calls this at a quiet
    moment. The widgets' default CSS is parsed (once), and a screen is made ahead, hidden
    (installed, so that Textual closes it with the app); one already made asks its rows
    again, so that it is filled as the index is now."""
    textual_compat.preparse_default_css(
        app, (SessionsScreen, Vertical, Static, Input, ProgressBar, WindowTable, KeyBar)
    )
    held = _held(app)
    if held is not None and not held.ready:
        return  # still being made: it is filled as it mounts
    if held is not None and held.window_for(app.size):
        held.fill_ahead()
        return
    if held is not None:
        app.uninstall_screen(AHEAD)
        held.remove()
    screen = SessionsScreen(ahead=True)
    app.install_screen(screen, AHEAD)
    textual_compat.start_offscreen(app, screen)


def to_open(app: App[Any]) -> SessionsScreen:
    """The screen ctrl+l shows: the one made ahead once it is filled (its rows asked again
    now, as it is pushed), else a new one. Either is removed when it is left."""
    held = _held(app)
    if held is not None:
        app.uninstall_screen(AHEAD)
        if held.ready and held.window_for(app.size):
            held.open()
            return held
        held.remove()
    return SessionsScreen()


def _held(app: App[Any]) -> SessionsScreen | None:
    if not app.is_screen_installed(AHEAD):
        return None
    held = app.get_screen(AHEAD)
    return held if isinstance(held, SessionsScreen) else None


def _while_shown(
    method: Callable[Concatenate[SessionsScreen, P], R],
) -> Callable[Concatenate[SessionsScreen, P], R | None]:
    """(A worker's answer, on the UI thread) dropped once the screen is left or has lost its
    widgets: the app's teardown (a signal, a closed terminal) removes them before the screen
    itself, while a check for changes may still be answering."""

    def guarded(screen: SessionsScreen, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        if screen._stop.is_set() or not screen.query("#sessions-status"):
            return None
        return method(screen, *args, **kwargs)

    return guarded


class SessionsScreen(AppScreen[None]):
    """The log browser. Enter opens a timeline, f4 the client's history, f3 stats."""

    BINDINGS = key_bindings.SESSIONS

    AUTO_FOCUS = ""  # the filter line is focused as the screen shows (a hidden one: never)

    def __init__(self, ahead: bool = False) -> None:
        """``ahead``: made hidden, shown later (:func:`to_open`, :meth:`open`)."""
        super().__init__()
        self._ahead = ahead  # hidden, filled with the rows as last indexed; not open yet
        self._opening = False  # made ahead and pushed: it opens as it resumes
        self.ready = False  # (ahead) mounted and filled: it can be shown
        self._styled_for: object = None  # (ahead) the app's styles it was styled for
        self.rows: list[Summary] = []  # the window: sessions base .. base + len(rows)
        self.base = 0
        self.total: int | None = None  # sessions the filter selects (None: still counting)
        self.everything: int | None = None  # sessions in the index
        self.loaded = False
        self.problems: list[str] = []
        self.trouble: str | None = None  # why the index file could not be written
        self.stale: str | None = None  # why the rows could not be checked for changes
        self._filtered_for: str | None = None  # the filter line self.rows answer
        self._store: Store | None = None
        self._lock = threading.Lock()  # one query at a time on the connection
        self._stop = threading.Event()
        self._sliding = False
        self.reading: tuple[int, int] | None = None  # notes and text read so far, of how many
        self.waiting = False  # the filter needs notes or text not read yet (index.needs_full)
        self.window, self.page = WINDOW, PAGE  # set for the terminal's height on compose
        self._early: tuple[list[Summary], list[str]] | None = None  # rows asked on compose
        self._early_done = threading.Event()
        self._early_thread: threading.Thread | None = None

    def window_for(self, size: Size) -> bool:
        """Whether the window made on compose is the one for a terminal of ``size``."""
        return self.window == max(WINDOW, 2 * size.height)

    def compose(self) -> Any:
        self.window = max(WINDOW, 2 * self.app.size.height)
        self.page = self.window // 3
        if not self._ahead:
            self._ask_now()
        with Vertical(id="sessions"):
            yield Static("Sessions", id="sessions-title")
            yield Input(
                placeholder="filter: anna  client:anna tag:release  region:sacrum  "
                "since:2026-10-01  text:headache",
                id="sessions-filter",
            )
            yield Static("reading the session logs…", id="sessions-status", markup=False)
            yield WindowTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        tables = list(self.query("#sessions-table").results(DataTable))
        if not tables:  # the app is leaving (a signal, quit) while this one was being made
            return
        table = tables[0]
        for label, width in COLUMNS:
            table.add_column(plain_cell(label), width=width)  # no markup to parse
        self.st_app.journals_changed.subscribe(self, lambda _: self.requery())
        if self._ahead:
            self.fill_ahead()
        else:
            self._opened()

    def _ask_now(self) -> None:
        """The newest rows asked in a thread, as the screen is composed or opened."""
        self._early_thread = threading.Thread(
            target=self._ask_early, args=(self.st_app.paths.state_dir,), daemon=True
        )
        self._early_thread.start()

    def open(self) -> None:
        """(Made ahead) about to be shown: its rows are asked now, for its first frame."""
        self._ahead, self._opening = False, True
        self._ask_now()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """(Handled before Textual's own) a screen made ahead opens as it shows."""
        if not self._opening:
            return
        self._opening = False
        if self._styled_for == textual_compat.css_generation(self.app):
            # Styled as the app is now: styled again, the table would drop every line it
            # rendered ahead and render them again for the first frame.
            event.refresh_styles = False
        self._opened()

    @work(thread=True, exclusive=True, group="sessions-ahead", exit_on_error=False)
    def fill_ahead(self) -> None:
        """(Made ahead) the rows as last indexed, so that the table is filled and measured
        while hidden; on a connection of its own, closed after (the open asks on a fresh
        one: the index may be rebuilt meanwhile)."""
        if not self._ahead:
            return
        rows: tuple[list[Summary], list[str]] | None = None
        try:
            existing = open_store(self.st_app.paths.state_dir, create=False)
            if existing is not None:
                with existing:
                    chosen = lookup.select(existing, "")
                    if not (review_index.needs_full(chosen.query) and existing.partial_count()):
                        found = lookup.page(existing, chosen, 0, self.window, marks=False)
                        rows = found, chosen.problems
        except sqlite3.Error:
            pass  # the open asks again, and says what fails
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._filled_ahead, rows)

    def _filled_ahead(self, rows: tuple[list[Summary], list[str]] | None) -> None:
        if not self._ahead or not self.is_attached:
            return
        if rows is not None:
            self._filtered("", 0, *rows)
        self.ready = True
        self._styled_for = textual_compat.css_generation(self.app)
        self.set_timer(AHEAD_STEP, self._lay_out_ahead)

    def _lay_out_ahead(self) -> None:
        if self._ahead:
            textual_compat.lay_out_offscreen(self, self.app.size)
            self.set_timer(AHEAD_STEP, self._render_ahead)

    def _render_ahead(self) -> None:
        if self._ahead:
            textual_compat.render_offscreen(self)

    def _opened(self) -> None:
        """The screen shows: the rows asked as it was composed or opened are in its first
        frame if they come within EARLY_WAIT; then the index is checked."""
        self.set_focus(self.query_one("#sessions-filter", Input))
        shown = False
        if self._early_done.wait(EARLY_WAIT) and self._early is not None and not self.line:
            rows, problems = self._early
            self._filtered("", 0, rows, problems)  # in the first frame, not the second
            shown = True
        elif self.rows:  # made ahead, and its rows not asked again in time (a loaded machine):
            self._fill(0, [], None)  # a session deleted since is not shown, even for a frame
        self.load(self.line, shown)

    def _ask_early(self, state_dir: Path) -> None:
        """(A thread started as the screen is composed) the newest rows as last indexed,
        so that the screen's first frame holds them: asked from the mount's worker, they
        reach the screen only after that frame (the push, the first layout and the empty
        frame come first). Whatever fails here, the worker asks again and says it."""
        try:
            existing = open_store(state_dir, create=False)
            if existing is None:
                return
            with self._lock:
                if self._stop.is_set():  # the screen closed meanwhile
                    existing.close()
                    return
                self._store = existing
                chosen = lookup.select(existing, "")
                if not self._unread(chosen):
                    rows = lookup.page(existing, chosen, 0, self.window, marks=False)
                    self._early = rows, chosen.problems
        except sqlite3.Error:
            pass
        finally:
            self._early_done.set()

    def on_unmount(self) -> None:
        self._stop.set()
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    @property
    def line(self) -> str:
        return self.query_one("#sessions-filter", Input).value

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sessions-load", exit_on_error=False)
    def load(self, line: str, shown: bool = False) -> None:
        """The first rows (unless ``shown`` already, then only their counts), a quick check
        (changed folders); then every file, quietly.

        The first rows answer ``line``, the filter as the screen opened: asking the screen
        for it would wait for the screen's first layout to finish."""
        paths = self.st_app.paths
        if self._early_thread is not None:
            self._early_thread.join()  # it opened the index as last kept, or found none
        if self._store is not None:  # the rows as last indexed, at once; checked just after
            self._query(line, 0, None, rows=not shown)
        for full in (False, True):
            writer = review_index.open_index(paths.state_dir)  # its own connection (WAL)
            try:
                done = review_index.refresh(
                    paths.sessions_dir,
                    paths.state_dir,
                    full=full,
                    progress=self._progress,
                    cancel=self._stop.is_set,
                    processes=True,  # a large cold build reads with every core
                    store=writer,
                    filling=self._reading_notes,
                    listable=partial(self._listable, writer),
                )
            except review_index.Cancelled:
                writer.close()
                return
            except Exception as error:  # said, the rows as last indexed kept, the index let go
                writer.close()
                self._refresh_failed(error)
                return
            in_memory = str(writer.path) == ":memory:"  # a state folder that holds no index
            if in_memory:
                with self._lock:
                    if self._store is not None:
                        self._store.close()
                    self._store = writer
                if writer.trouble is not None and self.trouble is None:  # the disk full, say
                    self.trouble = writer.trouble
                    told = Notice(writer.trouble, "warning", 12.0)
                    self.app.call_from_thread(self.st_app.notices.tell, told)
            else:
                writer.close()
                if self._store is None:
                    with self._lock:
                        self._store = review_index.open_index(paths.state_dir)
            if self._stop.is_set():
                return
            self.app.call_from_thread(self._built)
            if in_memory or done.reread or done.removed or done.filled or self.waiting:
                self._requery_kept()
            if in_memory:
                break  # rebuilt from every journal already
        self.app.call_from_thread(self._checked)

    def _refresh_failed(self, error: Exception) -> None:
        """(In the worker) the refresh stopped on an error: say it once, in words, and stop
        saying "checking for changes…"; the error log gets where (no text of a session)."""
        log_exception(self.st_app.paths.error_log, error, "the Sessions screen's refresh")
        self.stale = f"could not be checked for changes ({type(error).__name__})"
        told = Notice(
            f"The session list {self.stale}: it shows the sessions as last indexed. "
            "Deleting the review index (see `sessiontimer paths`) rebuilds it; the error log "
            "says where it failed.",
            "warning",
            12.0,
        )
        self.app.call_from_thread(self.st_app.notices.tell, told)
        self.app.call_from_thread(self._checked)

    def _listable(self, writer: Store) -> None:
        """Every session is listable (the second stage, notes and text, is still to come):
        show the rows now, where the cursor is. Rows the writer alone holds (no index on
        disk) wait for the end of the build."""
        if self._stop.is_set() or str(writer.path) == ":memory:":
            return
        if self._store is None:
            with self._lock:
                self._store = review_index.open_index(self.st_app.paths.state_dir)
        self.app.call_from_thread(self._built)
        self._requery_kept()

    def _requery_kept(self) -> None:
        """(In a worker) the current filter asked again, the window and cursor kept where
        they are when the answer is shown (keys may move the cursor meanwhile)."""
        where = self.app.call_from_thread(self._where)
        if where is not None:
            self._query(*where, HERE)

    @_while_shown
    def _where(self) -> tuple[str, int]:
        return self.line, self.base

    def _reading_notes(self, done: int, total: int) -> None:
        """The second stage's progress; rows in view still partial are asked again as it
        goes (newest first: the first screenful is soon read, then no more is asked)."""
        if self._stop.is_set():
            return
        self.app.call_from_thread(self._notes_read, done, total)
        if done and any(s.partial for s in self.rows):
            self._requery_kept()

    @_while_shown
    def _notes_read(self, done: int, total: int) -> None:
        self.reading = (done, total)
        self._status()

    def _progress(self, done: int, total: int) -> None:
        if total >= 200 and not self._stop.is_set():
            self.app.call_from_thread(self._show_progress, done, total)

    @_while_shown
    def _show_progress(self, done: int, total: int) -> None:
        """The bar is mounted by the first build that shows it: an open with an index has
        none (its four widgets cost every open their styles and layout, and its timer
        woke the screen every second)."""
        bar = next(self.query("#sessions-progress").results(ProgressBar), None)
        if bar is None:
            bar = ProgressBar(total=total, id="sessions-progress", show_eta=True)
            self.query_one("#sessions", Vertical).mount(bar, before="#sessions-table")
        bar.add_class("-building")
        bar.update(total=total, progress=done)
        status = f"reading {total:,} session logs for the index (Escape stops; kept for next time)"
        self.query_one("#sessions-status", Static).update(status)

    def _built(self) -> None:
        self.query("#sessions-progress").remove_class("-building")
        self.reading = None

    @_while_shown
    def _checked(self) -> None:
        self.loaded = True
        self._status()

    def requery(self) -> None:
        """Show the current filter again from the index (after an edit wrote its rows); a
        screen made ahead asks again as it opens."""
        if not self._ahead:
            self.apply_filter(self.line, self.base)

    # -- querying ---------------------------------------------------------------------------

    @on(Input.Changed, "#sessions-filter")
    def _typed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @work(thread=True, exclusive=True, group="sessions-filter", exit_on_error=False)
    def apply_filter(self, line: str, base: int = 0, keep: int | None = None) -> None:
        self._query(line, base, keep)

    def _query(self, line: str, base: int, keep: int | None, rows: bool = True) -> None:
        """The window at ``base`` for ``line`` (shown at once, unless not ``rows``), then
        the counts."""
        with self._lock:
            if self._store is None:
                return
            try:
                chosen = lookup.select(self._store, line)
                if self._unread(chosen):
                    self.app.call_from_thread(self._filtered, line, 0, None, chosen.problems)
                    return
                if rows:
                    window = lookup.page(self._store, chosen, base, self.window, marks=False)
            except sqlite3.Error as error:  # said, not a list left as it was
                said = f"this filter could not be asked of the index ({error})"
                self.app.call_from_thread(self._filtered, line, base, [], [said], keep)
                return
        if rows:
            self.app.call_from_thread(self._filtered, line, base, window, chosen.problems, keep)
        with self._lock:
            if self._store is None:
                return
            total = lookup.count(self._store, chosen)
            everything = lookup.count(self._store)
        self.app.call_from_thread(self._counted, line, total, everything)

    def _unread(self, chosen: lookup.Selection) -> bool:
        """Whether partial rows could answer this filter wrongly (the caller holds the lock)."""
        assert self._store is not None
        return review_index.needs_full(chosen.query) and bool(self._store.partial_count())

    @_while_shown
    def _filtered(
        self,
        line: str,
        base: int,
        rows: list[Summary] | None,
        problems: list[str],
        keep: int | None = None,
    ) -> None:
        """A query's rows (None: it waits for the notes to be read), unless the line was
        typed further meanwhile (a thread worker cannot be stopped, so an older result can
        arrive after a newer one)."""
        self._sliding = False
        if line != self.line:
            return
        if line != self._filtered_for or rows is None:
            self.total = None
        self._filtered_for, self.problems, self.waiting = line, problems, rows is None
        self._fill(base, rows or [], keep)

    @_while_shown
    def _counted(self, line: str, total: int, everything: int) -> None:
        if line == self._filtered_for:
            self.total, self.everything = total, everything
            self._status()

    def _fill(self, base: int, rows: list[Summary], keep: int | None) -> None:
        """Show the window; rows already on screen are left alone (no flicker)."""
        table = self.query_one("#sessions-table", DataTable)
        at = self.base + table.cursor_row if keep in (None, HERE) else keep
        if base == self.base and [s.id for s in rows] == [s.id for s in self.rows]:
            for y, (old, new) in enumerate(zip(self.rows, rows, strict=True)):
                if old != new:  # a row filled in (its notes read), or edited: in place
                    for x, cell in enumerate(row_cells(new)):
                        table.update_cell_at(Coordinate(y, x), cell)
        elif (base, rows) != (self.base, self.rows):  # equal summaries make equal cells
            table.clear()
            table.add_rows(row_cells(s) for s in rows)
        self.base, self.rows = base, rows
        if keep is not None and rows:
            table.move_cursor(row=min(len(rows) - 1, max(0, at - base)), animate=False)
        self._status()

    @_while_shown
    def _status(self) -> None:
        total = self.total
        shown = f"{total:,}" if total is not None else "…"
        text = f"{shown} of {self.everything:,} sessions" if self.everything is not None else ""
        text = text or "counting…"
        if self.rows and (total is None or total > len(self.rows)):
            text += f" · {self.base + 1:,}–{self.base + len(self.rows):,} in view"
        read = f": {self.reading[0]:,} of {self.reading[1]:,}" if self.reading else ""
        if self.waiting:
            text = f"reading notes and text to answer this filter{read}…"
        elif self.reading:
            text += f" · reading notes{read}"
        elif not self.loaded:
            text += " · checking for changes…"
        if self.problems:
            text += " · " + "; ".join(self.problems)
        if self.trouble:
            text += " · the index cannot be written: read from the logs"
        if self.stale:
            text += f" · {self.stale}"
        self.query_one("#sessions-status", Static).update(plain(text, newlines=False))

    @on(WindowTable.NearEdge)
    def _near_edge(self, event: WindowTable.NearEdge) -> None:
        """Slide the window when the cursor nears its edge."""
        if self._sliding or not self.rows:
            return
        more = self.total is None or self.base + len(self.rows) < self.total
        if event.forward and more and len(self.rows) == self.window:
            self._slide(self.base + self.page)
        elif not event.forward and self.base > 0:
            self._slide(max(0, self.base - self.page))

    def _slide(self, base: int) -> None:
        self._sliding = True
        table = self.query_one("#sessions-table", DataTable)
        self.apply_filter(self.line, base, self.base + table.cursor_row)

    def selected(self) -> Summary | None:
        table = self.query_one("#sessions-table", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # -- keys -------------------------------------------------------------------------------

    def action_back(self) -> None:
        self._stop.set()  # a build still running stops; what it read is kept
        self.app.pop_screen()

    def action_to_table(self) -> None:
        self.query_one("#sessions-table", DataTable).focus()

    def action_page(self, step: int) -> None:
        base = max(0, self.base + step * self.page)
        if self.total is not None:
            base = min(base, max(0, (self.total - 1) // self.page * self.page))
        if base != self.base:
            self.apply_filter(self.line, base, base)

    def action_open(self) -> None:
        """Open the highlighted session once the filter has taken every key typed before
        Enter (a priority key overtakes them) and the list shows that filter's result."""
        (self.focused or self).call_later(self._open_now)

    def _open_now(self) -> None:
        line = self.line
        if line != self._filtered_for and self._store is not None:  # not yet shown: now
            with self._lock:
                chosen = lookup.select(self._store, line)
                rows = None
                if not self._unread(chosen):
                    rows = lookup.page(self._store, chosen, 0, self.window, marks=False)
            self._filtered(line, 0, rows, chosen.problems, 0)
        chosen_row = self.selected()
        if chosen_row is not None:
            navigation.timeline(self.app, chosen_row)

    def action_history(self) -> None:
        chosen = self.selected()
        if chosen is not None and chosen.client:
            navigation.client_history(self.app, chosen.client)
        else:
            self.notify("Select a session with a client to see the client's history.")

    def action_stats(self) -> None:
        line = self.line
        label = line.strip() or "all sessions"
        navigation.stats(self.app, line, label)
