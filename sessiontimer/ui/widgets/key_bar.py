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
SEPARATOR = "  "


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

    def on_resize(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        """Collect the shown bindings (one per action, as Footer does) and repaint on change.

        Only whole entries are shown, in the screen's priority order (``KEY_PRIORITY``, a
        tuple of actions; the rest follow in binding order), as many as fit the width; the
        help key always has its place, since help lists every key.
        """
        items = self._items()
        width = self.size.width or 10_000
        helps = [i for i in items if i[0] == "help"]
        used = sum(len(i[1]) + len(i[2]) + 1 + len(SEPARATOR) for i in helps)
        shown: list[tuple[str, str, str, str, bool]] = []
        for item in items:
            if item[0] == "help":
                shown.append(item)
                continue
            size = len(item[1]) + (len(item[2]) + 1 if item[2] else 0)
            if used + size > width:
                shown += [h for h in helps if h not in shown]  # its place was kept
                break
            used += size + len(SEPARATOR)
            shown.append(item)
        parts: list[tuple[str, str]] = []
        spans: list[tuple[int, int, str]] = []
        column = 0
        for _action, key, label, binding_key, enabled in shown:
            if parts:
                parts.append((SEPARATOR, ""))
                column += len(SEPARATOR)
            size = len(key) + (len(label) + 1 if label else 0)
            spans.append((column, column + size, binding_key))
            column += size
            dim = "" if enabled else f" {DISABLED_STYLE}"
            parts.append((key, KEY_STYLE + dim))
            if label:
                parts.append((" " + label, LABEL_STYLE + dim))
        content = Content.assemble(*parts)
        self._spans = spans
        if content != self._content:
            self._content = content
            self.refresh()

    def _items(self) -> list[tuple[str, str, str, str, bool]]:
        """(action, key, label, binding key, enabled) per shown binding, by priority."""
        items: list[tuple[str, str, str, str, bool]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = visible_controls(self.app.get_key_display(binding), newlines=False)
            label = visible_controls(
                self._label(binding.action) or binding.description, newlines=False
            )  # a label may name a user's tag or preset: plain, one line
            items.append((binding.action, key, label, binding.key, enabled))
        priority = tuple(getattr(self.screen, "KEY_PRIORITY", ()))
        rank = {action: index for index, action in enumerate(priority)}
        order = {item[0]: index for index, item in enumerate(items)}
        return sorted(items, key=lambda i: (rank.get(i[0], len(rank)), order[i[0]]))

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
