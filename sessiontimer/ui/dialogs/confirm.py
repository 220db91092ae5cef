"""A yes/no question (the app's ``confirm``)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from sessiontimer.ui.dialogs.modal import Modal
from sessiontimer.ui.plain_text import as_content


class ConfirmDialog(Modal[bool]):
    """Yes or no: Enter or Escape only.

    Never y or n: they are note keys, and a note typed a moment too late (or a reflex)
    must not answer "End the session now?". Other keys do nothing here.
    """

    BINDINGS = [
        Binding("enter", "answer(True)", "Yes", id="confirm_yes"),
        Binding("escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str | Content) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static(as_content(self.question), classes="dialog-question")
            yield Static("[b]enter[/] yes    [b]escape[/] no", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
