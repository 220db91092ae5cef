"""Dialogs during a session: a typed note, the resume offer and its reading, lines waiting
for the disk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from sessiontimer.ui.dialogs.modal import Modal
from sessiontimer.ui.plain_text import plain, styled


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


class ReadingJournalDialog(Modal[str | None]):
    """A chosen interrupted session's journal being read (a worker): how far, and Escape.

    A planted or very long journal takes seconds to replay; the app answers keys meanwhile.
    Escape stops the reading and changes nothing (the session is offered again next start).
    Returns None when stopped; "done" when the reading's end closed it.
    """

    BINDINGS = [Binding("escape", "stop", "Stop reading", id="reading_stop")]

    def __init__(self, doing: str) -> None:
        super().__init__()
        self.doing = doing  # "Continuing the session" / "Closing the session"
        self.done: tuple[int, int] | None = None  # (bytes read, bytes): set by the worker

    def compose(self) -> Any:
        with Vertical(classes="dialog"):
            yield Static(self._said(), id="reading-what", classes="dialog-question")
            yield Static(
                "[b]escape[/] stop: nothing is changed, you are asked again at the next start",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.set_interval(0.25, self._show)

    def _said(self) -> Content:
        done = self.done
        far = ""
        if done is not None and done[1] > 0:
            read, size = done
            far = f": {min(100, read * 100 // size)} % ({read / 1e6:,.1f} of {size / 1e6:,.1f} MB)"
        return plain(f"{self.doing}\nreading its journal{far} …")

    def _show(self) -> None:
        self.query_one("#reading-what", Static).update(self._said())

    def finished(self) -> None:
        """The reading ended (or failed): the dialog goes, with no question left open."""
        self.dismiss("done")

    def action_stop(self) -> None:
        self.dismiss(None)


class WaitingLinesDialog(Modal[str | None]):
    """Quitting while journal lines cannot reach the disk: say how many, offer a place.

    Returns "" (quit and lose them), a folder to write the whole journal to, or None
    (stay: the app keeps trying, and the practitioner can free some space meanwhile).
    """

    BINDINGS = [
        Binding("escape", "choose(None)", "Stay and keep trying", id="waiting_stay"),
        Binding("ctrl+h", "home", "Write to home folder", id="waiting_home"),
        # priority: the folder field has the cursor, and an Input takes ctrl+d (delete right)
        Binding("ctrl+d", "choose('')", "Quit, lose them", id="waiting_lose", priority=True),
    ]

    ALL_WRITTEN = "\x00all written"  # returned once no line waits (no folder is named so)
    CHECK_EVERY = 0.25  # seconds: how often it looks whether the disk took the lines

    def __init__(
        self, count: int, where: list[str], pending: Callable[[], int] | None = None
    ) -> None:
        super().__init__()
        self.count = count
        self.where = where
        self.pending = pending  # lines still waiting now: the disk may take them meanwhile

    def on_mount(self) -> None:
        if self.pending is not None:
            self.set_interval(self.CHECK_EVERY, self._check)

    def _check(self) -> None:
        """Space freed or the disk back while the dialog is open: the quit goes ahead, and
        nothing is lost (it went on saying "7 journal lines would be lost")."""
        if self.pending is not None and self.pending() == 0:
            self.dismiss(self.ALL_WRITTEN)

    def compose(self) -> Any:
        from pathlib import Path

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
