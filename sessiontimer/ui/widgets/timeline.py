"""A one-line map of the whole session: phase segments and a marker for now."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content
from textual.widget import Widget

OPEN_WEIGHT = 300.0  # an open phase without a hint is drawn as if it were five minutes


@dataclass(frozen=True)
class TimelineState:
    """What the timeline draws: each phase's planned length and where now is."""

    lengths: tuple[float | None, ...]
    current: int
    fraction: float  # 0..1 through the current phase (1 in overtime)
    ended: bool = False


class Timeline(Widget):
    """Segments for past, current and future phases; a marker where the session stands."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state: TimelineState | None = None

    def show(self, state: TimelineState) -> None:
        """Repaint only when a cell would change: the marker moves a cell at a time."""
        cells = max(1, self.size.width)
        state = replace(state, fraction=round(state.fraction * cells) / cells)
        if state != self._state:
            self._state = state
            self.refresh()

    def render(self) -> Content:
        state, width = self._state, self.size.width
        if state is None or width < 4:
            return Content("")
        weights = [length or OPEN_WEIGHT for length in state.lengths]
        total = sum(weights)
        widths = [max(1, round(w / total * width)) for w in weights]
        widths[-1] = max(1, width - sum(widths[:-1]))
        parts: list[tuple[str, str]] = []
        for index, seg in enumerate(widths):
            gap = "│" if index else ""
            seg_width = seg - len(gap)
            if index < state.current or state.ended:
                parts.append((gap + "━" * seg_width, "$accent 60%"))
            elif index > state.current:
                parts.append((gap + "─" * seg_width, "$foreground 30%"))
            else:
                done = min(seg_width - 1, int(state.fraction * seg_width))
                parts.append((gap + "━" * done, "$accent"))
                parts.append(("●", "bold $accent"))
                parts.append(("─" * (seg_width - done - 1), "$foreground 30%"))
        return Content.assemble(*parts)
