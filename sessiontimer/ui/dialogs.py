"""Small modal dialogs: confirm a step that would lose work, write a free-text note."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no, with y/enter and n/escape."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            yield Static("[b]y[/] yes    [b]n[/] no", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class TextNoteDialog(ModalScreen[tuple[str, str | None] | None]):
    """A free-text note (imagery, dialogue), optionally naming a region other than the hands'."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note_cancel")]

    def __init__(self, regions: tuple[str, ...]) -> None:
        super().__init__()
        self.regions = regions

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static("Note  [dim](enter saves, escape cancels)[/]", classes="dialog-question")
            yield Input(placeholder="what you noticed, what the client said", id="note-text")
            yield Input(
                placeholder="region, if not where the hands are (optional)",
                id="note-region",
                suggester=SuggestFromList(self.regions, case_sensitive=False),
            )

    @on(Input.Submitted)
    def save(self) -> None:
        text = self.query_one("#note-text", Input).value.strip()
        region = self.query_one("#note-region", Input).value.strip() or None
        self.dismiss((text, region) if text else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeDialog(ModalScreen[str | None]):
    """An interrupted session: continue it (gap as a pause or counted), close it, or later."""

    BINDINGS = [
        Binding("c", "choose('pause')", "Continue", id="resume_pause"),
        Binding("g", "choose('session')", "Continue, count the gap", id="resume_session"),
        Binding("x", "choose('close')", "Close as interrupted", id="resume_close"),
        Binding("escape", "choose('later')", "Later", id="resume_later"),
    ]

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static(
                f"[b]A session was interrupted[/]\n{self.description}", classes="dialog-question"
            )
            yield Static(
                "[b]c[/] continue (the gap counts as a pause)\n"
                "[b]g[/] continue, counting the gap as session time\n"
                "[b]x[/] close it as interrupted\n"
                "[b]escape[/] decide later",
                classes="dialog-keys",
            )

    def action_choose(self, how: str) -> None:
        self.dismiss(how)
