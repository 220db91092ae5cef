"""One session's timeline: phases (planned and real), notes at session and wall time, still
points, pain scores, rhythm readings, pauses, cues, the closing note and the plan. The
journal is read in a thread worker.

Every line is a row of a list, so up/down walk the whole timeline; on a note, ``a`` (or enter)
opens the amend dialog. A correction is journaled as ``amended`` (the original line stays)
and the index and the Sessions list are refreshed from the journals at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sessiontimer.core.readable import span
from sessiontimer.review import index as review_index
from sessiontimer.review import lookup
from sessiontimer.review.edit import EditError, amend
from sessiontimer.review.summary import Summary
from sessiontimer.review.timeline import Timeline, describe, hidden_line, load_timeline, stamp
from sessiontimer.ui import key_bindings, navigation
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.plain_text import plain
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    pass

Line = tuple[str, str | None]  # the text, and the note id when the line is a note


def timeline_lines(tl: Timeline) -> list[Line]:
    """The timeline as lines, each note's line carrying the note's id."""
    lines: list[Line] = []
    for phase in tl.phases:
        planned = span(phase.planned) if phase.planned else "open"
        lines.append((f"{phase.name}  planned {planned} · real {span(phase.real)}", None))
        for item in phase.items:
            session_t, wall = stamp(item)
            note = str(item.get("id")) if item.get("type") == "note" else None
            lines.append((f"  {session_t:>6}  {wall}  {describe(item)}", note))
        lines.append(("", None))
    if hidden_line(tl):  # lines past this page, or pages before it
        lines.append((hidden_line(tl), None))
    if tl.summary.problems:
        lines.append(("damaged journal: " + "; ".join(tl.summary.problems), None))
    lines.append((f"closing note: {tl.closing or '—'}", None))
    lines.append((f"plan for next time: {tl.summary.plan or '—'}", None))
    return lines


def timeline_text(tl: Timeline) -> str:
    """The timeline as plain lines (also what the Pilot tests read)."""
    return "\n".join(text for text, _ in timeline_lines(tl))


def _keep_indent(text: str) -> str:
    """Leading spaces as no-break spaces: a wrapping option list would drop them."""
    stripped = text.lstrip(" ")
    return "\u00a0" * (len(text) - len(stripped)) + stripped


class SessionDetailScreen(AppScreen[None]):
    """The timeline of one session; a amends the note under the cursor, t shows the treatment
    note, f4 the client's history."""

    BINDINGS = key_bindings.TIMELINE

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary
        self.text = ""
        self.timeline: Timeline | None = None
        self.lines: list[Line] = []
        self.page = 0  # which LIMIT other events are shown (review.timeline.load_timeline)

    def compose(self) -> Any:
        with Vertical(id="detail"):
            yield Static(plain(self._title()), id="detail-title")
            yield OptionList(Option(Content("reading…"), disabled=True), id="detail-list")
        yield KeyBar()

    def _title(self) -> str:
        s = self.summary
        return f"{s.date} {s.time} · {s.client or 'no client'} · {s.preset} · {s.status}"

    def on_mount(self) -> None:
        self.query_one("#detail-list", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="detail-load", exit_on_error=False)
    def load(self, keep: str | None = None) -> None:
        sessions_dir = self.st_app.paths.sessions_dir
        tl = load_timeline(sessions_dir / self.summary.rel, sessions_dir, self.page)
        self.app.call_from_thread(self._show, tl, keep)

    def action_page(self, step: int) -> None:
        """The next (or earlier) LIMIT other events of a long journal, read again."""
        tl = self.timeline
        if tl is None or (step > 0 and not tl.hidden) or (step < 0 and not self.page):
            self.notify("No more events that way.", timeout=3)
            return
        self.page += step
        self.load()

    def _show(self, tl: Timeline, keep: str | None) -> None:
        """Fill the list; the cursor goes to note ``keep``, else the first note, else the top."""
        self.timeline, self.lines, self.text = tl, timeline_lines(tl), timeline_text(tl)
        listing = self.query_one("#detail-list", OptionList)
        listing.set_options(Option(plain(_keep_indent(t), newlines=False)) for t, _ in self.lines)
        notes = [i for i, (_, note) in enumerate(self.lines) if note]
        chosen = [i for i in notes if self.lines[i][1] == keep]
        listing.highlighted = (chosen or notes or [0])[0]

    def current_note(self) -> dict[str, Any] | None:
        """The note under the cursor, as it stands (amendments applied), or None."""
        at = self.query_one("#detail-list", OptionList).highlighted
        if self.timeline is None or at is None or not 0 <= at < len(self.lines):
            return None
        ident = self.lines[at][1]
        return next((n for n in self.timeline.notes if str(n.get("id")) == ident), None)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(OptionList.OptionSelected, "#detail-list")
    def _selected(self) -> None:
        self.action_amend()

    def action_amend(self) -> None:
        from sessiontimer.ui.dialogs.review import AmendNoteDialog

        note = self.current_note()
        if note is None:
            self.notify("Move to a note (up / down) to amend it.")
        elif self.summary.status == "unfinished":
            self.notify(
                "This session has not ended (it may be running or waiting to be resumed): "
                "amend its notes once it is closed.",
                severity="warning",
            )
        else:
            settings = self.st_app.settings
            tags = tuple(dict.fromkeys(k.tag for k in settings.note_keys))
            dialog = AmendNoteDialog(note, settings.regions, tags)
            self.app.push_screen(dialog, lambda fields: self._amend_chosen(note, fields))

    def _amend_chosen(self, note: dict[str, Any], fields: dict[str, str | None] | None) -> None:
        if fields is None:
            return
        if not fields:
            self.notify("Nothing changed.")
            return
        self.save_amendment(str(note.get("id")), fields)

    @work(thread=True, exclusive=True, group="detail-amend", exit_on_error=False)
    def save_amendment(self, note_id: str, fields: dict[str, Any]) -> None:
        """Append the ``amended`` line, bring the index up to date, then redraw."""
        paths = self.st_app.paths
        try:
            amend(paths.sessions_dir / self.summary.rel, note_id, fields, self.st_app.clock.wall())
            review_index.update(paths.sessions_dir, paths.state_dir, [self.summary.rel])
            with review_index.open_index(paths.state_dir) as store:
                fresh = lookup.by_id(store, self.summary.id)
        except (EditError, OSError) as error:
            message = f"Not amended: {error}"
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._amended, note_id, fresh)

    def _amended(self, note_id: str, fresh: Summary | None) -> None:
        self.summary = fresh or self.summary
        self.query_one("#detail-title", Static).update(plain(self._title()))
        self.st_app.journals_changed.publish(None)
        self.notify("Note amended (the original line stays in the journal).")
        self.load(note_id)

    def action_treatment_note(self) -> None:
        """The session as a treatment note (plain text), with Copy."""
        from sessiontimer.review.note_view import journal_note

        s, app = self.summary, self.st_app
        path = app.paths.sessions_dir / s.rel
        title = f"Treatment note · {s.date} {s.time} · {s.client or 'no client'}"
        load = lambda: journal_note(path, s.id, app.settings.practitioner)  # noqa: E731
        navigation.treatment_note(self.app, title, s.id, load)

    def action_history(self) -> None:
        if self.summary.client:
            navigation.client_history(self.app, self.summary.client)
        else:
            self.notify("This session has no client.")
