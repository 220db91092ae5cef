"""Dialogs of the review screens: amend a note, rename or delete a client's records."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from sessiontimer.ui.dialogs.modal import Modal
from sessiontimer.ui.plain_text import as_content, plain, styled


class AmendNoteDialog(Modal[dict[str, str | None] | None]):
    """Correct a note's text, region or tag; returns only the changed fields (None: cancelled).

    The caller journals them as ``amended``: the original line is never rewritten.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="amend_cancel")]

    def __init__(
        self, note: dict[str, Any], regions: tuple[str, ...], tags: tuple[str, ...]
    ) -> None:
        super().__init__()
        self.note = note
        self.regions = regions
        self.tags = tags

    def compose(self) -> Any:
        from sessiontimer.review.timeline import stamp

        session_t, wall = stamp(self.note)
        with Vertical(classes="dialog amend"):
            yield Static(
                styled(
                    "Amend the note at $t ($wall)  "
                    "[dim](enter saves, tab moves, escape cancels)[/]",
                    t=session_t,
                    wall=wall,
                ),
                classes="dialog-question",
            )
            for key, hint, choices in (
                ("text", "text (what you noticed, what the client said)", ()),
                ("region", "region (empty: none)", self.regions),
                ("tag", "tag (empty: none)", self.tags),
            ):
                yield Static(key, classes="amend-label")
                yield Input(
                    str(self.note.get(key) or ""),
                    placeholder=hint,
                    id=f"amend-{key}",
                    suggester=SuggestFromList(choices, case_sensitive=False) if choices else None,
                )
            yield Static("", id="amend-error", classes="dialog-error", markup=False)
            yield Static(
                "The original line stays in the journal; the correction is added after it.",
                classes="dialog-keys",
            )

    @on(Input.Submitted)
    def save(self) -> None:
        from sessiontimer.review.edit import EditError, amend_fields

        typed = {k: self.query_one(f"#amend-{k}", Input).value for k in ("text", "region", "tag")}
        try:
            self.dismiss(amend_fields(self.note, typed))
        except EditError as error:
            self.query_one("#amend-error", Static).update(plain(error))
            self.stays_open()

    def action_cancel(self) -> None:
        self.dismiss(None)


class DeleteClientDialog(Modal[bool]):
    """The one destructive question: only y deletes; n, escape and a stray enter do not."""

    HOLD_AFTER = frozenset({"y", "n", "escape", "enter"})

    BINDINGS = [
        Binding("y", "answer(True)", "Delete", id="delete_yes"),
        Binding("n,escape,enter", "answer(False)", "Keep", id="delete_no"),
    ]

    def __init__(self, question: str | Content) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> Any:
        with Vertical(classes="dialog danger"):
            yield Static(as_content(self.question), classes="dialog-question")
            yield Static("[b]y[/] delete for good    [b]n[/] keep", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class RenameClientDialog(Modal[str | None]):
    """The new name of a client; typing an existing client's name merges the two."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rename_cancel")]

    def __init__(self, client: str, known: tuple[str, ...]) -> None:
        super().__init__()
        self.client = client
        self.known = known

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static(
                styled(
                    "Rename [b]$client[/]  "
                    "[dim](an existing name merges the two; enter saves, escape cancels)[/]",
                    client=self.client,
                    newlines=False,
                ),
                classes="dialog-question",
            )
            yield Input(
                self.client,
                id="rename-new",
                suggester=SuggestFromList(self.known, case_sensitive=False),
            )

    @on(Input.Submitted)
    def save(self) -> None:
        new = self.query_one("#rename-new", Input).value.strip()
        self.dismiss(new or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
