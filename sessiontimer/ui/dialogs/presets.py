"""Dialogs of the preset screens: a preset's name, a note key."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Static

from sessiontimer.core.model import NoteKey
from sessiontimer.ui.dialogs.modal import Modal
from sessiontimer.ui.plain_text import plain


class NameDialog(Modal[str | None]):
    """Ask for a preset name; enter accepts, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="name_cancel")]

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question, self.value = question, value

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question), classes="dialog-question")
            yield Input(self.value, placeholder="a name", id="name-input")
            yield Static("[b]enter[/] ok    [b]escape[/] cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteKeyDialog(Modal[NoteKey | None]):
    """One quick-note key: the key, its tag, and whether it marks a start and an end."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note_key_cancel")]

    def __init__(self, note: NoteKey | None = None) -> None:
        super().__init__()
        self.note = note or NoteKey("", "")

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static("Quick-note key", classes="dialog-question")
            yield Input(self.note.key, placeholder="one key, like k", max_length=1, id="nk-key")
            yield Input(self.note.tag, placeholder="the tag, like knot", id="nk-tag")
            yield Checkbox("toggle (marks a start and an end)", self.note.toggle, id="nk-toggle")
            yield Static("[b]enter[/] ok    [b]escape[/] cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        key = self.query_one("#nk-key", Input).value.strip()
        tag = self.query_one("#nk-tag", Input).value.strip()
        toggle = self.query_one("#nk-toggle", Checkbox).value
        self.dismiss(NoteKey(key, tag, toggle) if key and tag else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
