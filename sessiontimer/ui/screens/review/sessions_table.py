"""The Sessions screen's table: its columns, one session's cells, and the window of rows
that slides as the cursor nears its edge (the screen asks the index for each window)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.widgets import DataTable

from sessiontimer.core.readable import minutes_in, span
from sessiontimer.ui.plain_text import plain_cell

if TYPE_CHECKING:
    from rich.text import Text

    from sessiontimer.review.summary import Summary

WINDOW = 60  # rows in the table at most; on a terminal taller than 30 lines, twice its height
PAGE = WINDOW // 3  # how far the window slides, and what ctrl+n / ctrl+p move by (a third)
MARGIN = 10  # the window slides when the cursor comes this close to its edge

# Fixed widths: the columns stay put as the window slides (a width measured per window
# would jump), and a long name is cut, not allowed to push the status off screen.
# The status ("complete, unsigned") comes right after the client: at 80 columns the table is
# cut after the length, and what a practitioner looks for is who, and whether it is signed.
COLUMNS = (
    ("date", 10),
    ("start", 5),
    ("client", 17),
    ("status", 21),  # "interrupted, unsigned"
    ("length", 11),  # "16 min 18 s"
    ("notes", 5),
    ("preset", 16),
)


def _length(seconds: float) -> str:
    """The length in its column: seconds go past an hour, then minutes (never a cut number)."""
    width = dict(COLUMNS)["length"]
    for text in (span(seconds), minutes_in(seconds)):
        if len(text) <= width:
            return text
    return f"{int(seconds // 3600)} h"


def _count(n: int) -> str:
    """A count in the notes column, rounded down where its digits would not fit."""
    if n < 100_000:
        return str(n)
    if n < 1_000_000:
        return f"{n // 1000}k"
    if n < 10_000_000:
        return f"{n // 100_000 / 10:.1f}M"
    return f"{n // 1_000_000}M" if n < 1_000_000_000 else ">999M"


def row_cells(s: Summary) -> tuple[Text, ...]:
    """The table cells of one session (a damaged file shows what could be read)."""
    if not s.start:
        return tuple(plain_cell(x) for x in ("?", "", "", "damaged", "", "", s.id))
    status = s.status + (", unsigned" if s.signature == "unsigned" else "")
    if s.problems:  # said first, so the column (never cut) shows it: the timeline says more
        status = "damaged, unsigned" if s.signature == "unsigned" else f"damaged: {s.status}"
    length, notes = _length(s.duration), "…" if s.partial else _count(s.notes)
    cells = (s.date, s.time, s.client or "—", status, length, notes, s.preset)
    return tuple(plain_cell(x) for x in cells)


class WindowTable(DataTable["Text"]):
    """The table of the window: says when a cursor key brings the cursor near its edge."""

    class NearEdge(Message):
        """The cursor is within MARGIN rows of the window's end (``forward``) or start."""

        def __init__(self, forward: bool) -> None:
            super().__init__()
            self.forward = forward

    def _moved(self) -> None:
        if self.cursor_row >= self.row_count - MARGIN:
            self.post_message(self.NearEdge(True))
        elif self.cursor_row < MARGIN:
            self.post_message(self.NearEdge(False))

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._moved()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._moved()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._moved()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._moved()

    def action_scroll_bottom(self) -> None:
        super().action_scroll_bottom()
        self._moved()

    def action_scroll_top(self) -> None:
        super().action_scroll_top()
        self._moved()
