"""Small modal dialogs: confirm a step that would lose work, write or amend a note, rename or
delete a client."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from sessiontimer.ui.modal import Modal
from sessiontimer.ui.plain_text import as_content, plain, styled


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


class TextNoteDialog(Modal[tuple[str, str | None] | None]):
    """A free-text note (imagery, dialogue), optionally naming a region other than the hands'."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note_cancel")]

    def __init__(self, regions: tuple[str, ...], *, words: bool = False) -> None:
        super().__init__()
        self.regions = regions
        self.words = words  # the client's own words: quoted as such in the treatment note

    def compose(self) -> Any:
        title = "The client's own words" if self.words else "Note"
        hint = "their words, as said" if self.words else "what you noticed, what the client said"
        with Vertical(classes="dialog"):
            yield Static(
                f"{title}  [dim](enter saves, escape cancels)[/]", classes="dialog-question"
            )
            yield Input(placeholder=hint, id="note-text")
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


class ResumeDialog(Modal[str | None]):
    """An interrupted session: continue it (gap as a pause or counted), close it, or later."""

    HOLD_AFTER = frozenset({"c", "g", "x", "escape"})

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
                styled("[b]A session was interrupted[/]\n$what", what=self.description),
                classes="dialog-question",
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


class WaitingLinesDialog(Modal[str | None]):
    """Quitting while journal lines cannot reach the disk: say how many, offer a place.

    Returns "" (quit and lose them), a folder to write the whole journal to, or None
    (stay: the app keeps trying, and the practitioner can free some space meanwhile).
    """

    BINDINGS = [
        Binding("escape", "choose(None)", "Stay and keep trying", id="waiting_stay"),
        Binding("ctrl+h", "home", "Write to home folder", id="waiting_home"),
        Binding("ctrl+d", "choose('')", "Quit, lose them", id="waiting_lose"),
    ]

    def __init__(self, count: int, where: list[str]) -> None:
        super().__init__()
        self.count = count
        self.where = where

    def compose(self) -> Any:
        from pathlib import Path

        from sessiontimer.ui.plain_text import plain

        lines = "line" if self.count == 1 else "lines"
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    (f"{self.count} journal {lines} would be lost.", "bold"),
                    "\n",
                    plain("\n".join(self.where)),
                    "\nType a folder and press enter to write the whole journal there, or:",
                ),
                classes="dialog-question",
            )
            yield Input(str(Path.home()), id="waiting-folder")
            yield Static(
                "[b]enter[/] write to this folder    [b]ctrl+h[/] home folder\n"
                "[b]escape[/] stay, keep trying    [b]ctrl+d[/] quit and lose them",
                classes="dialog-keys",
            )

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        folder = event.value.strip()
        if folder:
            self.dismiss(folder)
        else:
            self.stays_open()

    def action_home(self) -> None:
        from pathlib import Path

        self.dismiss(str(Path.home()))

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


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
