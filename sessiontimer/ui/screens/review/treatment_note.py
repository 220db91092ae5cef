"""The treatment note on screen, from the End screen or a session's timeline, with Copy.

The note is the plain-text form ``logs note --format text`` prints: what a practitioner
pastes into practice software. Copy goes through the terminal (OSC 52); a terminal that
does not pass it on copies nothing, so the notice says so and names the command that
prints the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from sessiontimer.review.note_view import ShownNote
from sessiontimer.ui import key_bindings
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.plain_text import plain
from sessiontimer.ui.widgets.key_bar import KeyBar


@dataclass
class NoteRead(Message):
    """The treatment note, built from its journal off the UI loop."""

    shown: ShownNote


class TreatmentNoteScreen(AppScreen[None]):
    """The rendered note, scrollable; c copies it as plain text, Escape goes back."""

    BINDINGS = key_bindings.TREATMENT_NOTE
    KEY_PRIORITY = ("copy", "back")

    def __init__(self, title: str, session: str, load: Callable[[], ShownNote]) -> None:
        super().__init__()
        self.title_text = title
        self.session = session
        self._load = load
        self.shown: ShownNote | None = None

    def compose(self) -> Any:
        with Vertical(id="treatment-note"):
            yield Static(plain(self.title_text, newlines=False), id="treatment-note-title")
            yield Static("reading the journal…", id="treatment-note-status", markup=False)
            with VerticalScroll(id="treatment-note-scroll"):
                yield Static("", id="treatment-note-text", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#treatment-note-scroll").focus()
        self.read()

    @work(thread=True, exclusive=True, group="treatment-note", exit_on_error=False)
    def read(self) -> None:
        try:
            shown = self._load()
        except OSError as exc:
            shown = ShownNote("", f"The journal cannot be read: {exc.strerror or exc}")
        self.post_message(NoteRead(shown))

    def on_note_read(self, message: NoteRead) -> None:
        shown = self.shown = message.shown
        self.query_one("#treatment-note-status", Static).update(plain(shown.status))
        self.query_one("#treatment-note-text", Static).update(plain(shown.text))

    def action_copy(self) -> None:
        shown = self.shown
        if shown is None or not shown.text:
            self.notify("Nothing to copy yet: the note is still being read.", markup=False)
            return
        self.app.copy_to_clipboard(shown.text)
        lines = shown.text.count("\n") + 1
        self.notify(
            f"Copied the treatment note as plain text ({lines} lines, {len(shown.text):,} "
            "characters) to the clipboard: paste it into the client record. If nothing "
            "arrives, this terminal does not let programs set the clipboard (OSC 52); "
            f"`sessiontimer logs note {self.session} --format text` prints the same text.",
            title="Copied",
            timeout=10,
            markup=False,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
