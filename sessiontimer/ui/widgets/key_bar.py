"""The key line at the bottom of every screen: one widget instead of Textual's Footer.

Textual's ``Footer`` mounts a widget per key and recomposes them all whenever the bindings
change; on the session screen that was most of the start-up time after the imports, and every
class change (a phase flash) restyled those widgets again. This draws the same line as one
piece of text. Clicking a key still presses it.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

from sessiontimer.ui.plain_text import visible_controls

KEY_STYLE = "bold $footer-key-foreground"
LABEL_STYLE = "$footer-description-foreground"
DISABLED_STYLE = "dim"


class KeyBar(Widget, can_focus=False):
    """Shown bindings of the screen, as ``key label`` pairs, in the screen's current state."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str]] = []  # (first cell, end cell, key)
        self._content = Content("")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._rebuild()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        if self.is_attached and screen is self.screen:
            self._rebuild()

    def labels_changed(self) -> None:
        """The screen's ``key_label`` answers differently now: redraw the line."""
        self._rebuild()

    def _rebuild(self) -> None:
        """Collect the shown bindings (one per action, as Footer does) and repaint on change."""
        parts: list[tuple[str, str]] = []
        spans: list[tuple[int, int, str]] = []
        seen: set[str] = set()
        column = 0
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = visible_controls(self.app.get_key_display(binding), newlines=False)
            label = visible_controls(
                self._label(binding.action) or binding.description, newlines=False
            )  # a label may name a user's tag or preset: plain, one line
            if parts:
                parts.append((" ", ""))
                column += 1
            width = len(key) + (len(label) + 1 if label else 0)
            spans.append((column, column + width, binding.key))
            column += width
            dim = "" if enabled else f" {DISABLED_STYLE}"
            parts.append((key, KEY_STYLE + dim))
            if label:
                parts.append((" " + label, LABEL_STYLE + dim))
        content = Content.assemble(*parts)
        self._spans = spans
        if content != self._content:
            self._content = content
            self.refresh()

    def _label(self, action: str) -> str | None:
        """A screen may name what a key does now (``key_label``), e.g. Resume while paused."""
        label = getattr(self.screen, "key_label", None)
        return label(action) if callable(label) else None

    def render(self) -> Content:
        return self._content

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it, as in Textual's footer."""
        for first, end, key in self._spans:
            if first <= event.x < end and event.y == 0:
                self.app.simulate_key(key)
                return
