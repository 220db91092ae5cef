"""The legend of note keys under the notes: ``s still point   r release   ...``.

Text wrapping breaks at any space, no-break spaces included, which left a key at the end of a
line and its tag on the next ("b" / "breath change"). This packs whole items into lines.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from sessiontimer.core.model import NoteKey
from sessiontimer.ui.plain_text import visible_controls

GAP = "   "


class NoteLegend(Widget):
    """Every note key with its tag; an item never splits across lines."""

    DEFAULT_CSS = "NoteLegend { height: auto; }"  # as tall as its lines: part of what it is

    def __init__(self, note_keys: tuple[NoteKey, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = [(visible_controls(k.key), visible_controls(k.tag)) for k in note_keys]

    def _lines(self, width: int) -> list[list[tuple[str, str]]]:
        lines: list[list[tuple[str, str]]] = [[]]
        used = 0
        for key, tag in self.items:
            size = len(key) + 1 + len(tag)
            extra = size + (len(GAP) if lines[-1] else 0)
            if lines[-1] and used + extra > width:
                lines.append([])
                used, extra = 0, size
            lines[-1].append((key, tag))
            used += extra
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(max(1, width))) if self.items else 0

    def render(self) -> Content:
        rows = []
        for line in self._lines(max(1, self.size.width)):
            parts: list[tuple[str, str] | str] = []
            for index, (key, tag) in enumerate(line):
                if index:
                    parts.append(GAP)
                parts += [(key, "bold"), " " + tag]
            rows.append(Content.assemble(*parts))
        return Content("\n").join(rows)
