"""Keys go where they were typed: after a key that closes a screen, the next keys wait for it.

Textual routes each key to the focused widget of the top screen when the app takes it from
its queue, and the widget handles it later, in its own queue. So in a burst (``n``, a note,
Enter, ``r``) the ``r`` reached the note's field before the Enter had closed the dialog, and
became part of the note. Here a key that may close a screen (Enter and Escape in a dialog,
the closing note's Enter, a dialog's own answer keys) starts a hold: later keys are kept, in
order, until that screen is gone (or says it stays open), then go on to the screen below as
if just typed. A screen names its closing keys in ``HOLD_AFTER``.

Tab and shift+tab move the focus the same late way: in one read (Tab, then a client's name)
the letters were routed to the preset list before the Tab reached it, and were lost. On a
screen with more than one focusable widget, keys after a Tab wait until the focus has moved.
A paste (a terminal's bracketed paste) waits in the same line as the keys: pasted right after
Tab, a client's name went to the preset list, which drops pastes.

Held keys go back to the end of the app's queue. Keys read from the terminal meanwhile may
already be in that queue, ahead of them: those wait too, until every key handed back has
been through, or a client's name typed in two reads after Tab came out with its second part
first ("> [@click]z[b]Bo[/b] <script" for "[b]Bo[/b] <script> [@click]z").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.timer import Timer

POLL = 0.01  # seconds between looks at the screen stack while holding
GIVE_UP = 1.0  # seconds: a screen that neither closed nor said so gets its keys anyway
FOCUS_MOVES = frozenset({"tab", "shift+tab"})
_CLOSING = object()  # the hold waits for its screen to go (not for the focus to move)


class KeyHold:
    """The app's hold on keys; ``take`` is called for every key before Textual routes it."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._holder: Screen[Any] | None = None
        self._held: list[events.Key | events.Paste] = []
        self._timer: Timer | None = None
        self._waited = 0.0
        self._focus_from: object = _CLOSING  # the widget focused when a Tab started the hold
        self._flying: list[events.Key | events.Paste] = []  # handed back, not yet taken again
        self._late: list[events.Key | events.Paste] = []  # read while those were on their way

    @property
    def holding(self) -> bool:
        return self._holder is not None or bool(self._held or self._flying or self._late)

    def take(self, event: events.Key | events.Paste) -> bool:
        """True when the key or paste is held (the caller must not route it)."""
        if any(event is key for key in self._flying):
            return self._landed(event)
        if self._flying:  # typed after the keys handed back, which are still in the queue
            self._late.append(event)
            return True
        if self._holder is not None or self._held:  # held, or about to be handed back
            self._held.append(event)
            return True
        return self._route(event)

    def _landed(self, event: events.Key | events.Paste) -> bool:
        """A key handed back reaches the app again: routed, or held by a hold it came after."""
        while self._flying.pop(0) is not event:  # one that never came back (app closing)
            pass
        held = self._holder is not None or bool(self._held)
        if held:
            self._held.append(event)
        else:
            self._route(event)
        if not self._flying:  # the last of them: the keys typed meanwhile are next in line
            late, self._late = self._late, []
            self._held.extend(late)
            if self._holder is None:
                self._send()
        return held

    def _route(self, event: events.Key | events.Paste) -> bool:
        """A key the app routes now; one that closes a screen or moves focus starts a hold."""
        if isinstance(event, events.Paste):  # a paste never closes a screen or moves focus
            return False
        if not self._app.screen_stack:  # starting up or shutting down: nothing to wait for
            return False
        screen = self._app.screen
        if event.key in getattr(screen, "HOLD_AFTER", ()):
            self._hold(screen, _CLOSING)
        elif event.key in FOCUS_MOVES and len(screen.focus_chain) > 1:
            self._hold(screen, self._app.focused)
        return False

    def _hold(self, screen: Screen[Any], focus_from: object) -> None:
        self._holder, self._waited, self._focus_from = screen, 0.0, focus_from
        self._timer = self._app.set_interval(POLL, self._check)

    def release(self, screen: Screen[Any]) -> None:
        """``screen`` handled its closing key and stays open, or a field of it took the
        focus: its keys go on now. Not for a Tab whose focus has not moved yet: the focus
        event of the field focused as the screen opened can come after a Tab typed at once,
        and the keys meant for the next field went into the first."""
        if self._holder is not screen:
            return
        if self._focus_from is not _CLOSING and self._app.focused is self._focus_from:
            return
        self._let_go()

    def _check(self) -> None:
        self._waited += POLL
        holder = self._holder
        if holder is None:
            return
        stack = self._app.screen_stack
        gone = not stack or holder is not stack[-1] or not holder.is_attached
        if self._focus_from is not _CLOSING and self._app.focused is not self._focus_from:
            gone = True  # the Tab has been handled: the keys after it go where it led
        if self._waited >= GIVE_UP:
            self._let_go()
        elif gone and self._timer is not None:
            # The new screen is on the stack but may not be mounted and focused yet (its
            # field would miss the keys): hand them over after its first refresh.
            self._timer.stop()
            self._timer = None
            self._app.call_after_refresh(self._after_refresh, holder)

    def _after_refresh(self, holder: Screen[Any]) -> None:
        if self._holder is holder:
            self._let_go()

    def _let_go(self) -> None:
        """Hand the held keys back to the app's queue, in order, as if just typed."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._holder = None
        if not self._flying and self._held:  # else when the last key handed back has landed
            # From the app's own loop: a key made while a screen handles a message has that
            # screen as its sender, and Textual stops a key at its sender on the way up, so
            # the app never looked it up in the bindings (ctrl+s typed after Tab on the End
            # screen did nothing). Keys read meanwhile join the held ones (``take``).
            self._app.call_later(self._send)

    def _send(self) -> None:
        held, self._held = self._held, []
        for key in held:  # one that closes a screen starts the next hold, in order
            again: events.Key | events.Paste
            if isinstance(key, events.Paste):
                again = events.Paste(key.text)
            else:
                again = events.Key(key.key, key.character)
            self._flying.append(again)
            self._app.post_message(again)
