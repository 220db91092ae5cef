"""An Escape typed just before another key is Escape, then that key: never "alt+key".

Textual's key parser waits 100 ms after an ESC byte to see whether an escape sequence
follows; whatever comes in that time is read as one key: ESC then ``c`` becomes ``alt+c``,
ESC then Tab ``shift+tab``, ESC then Enter plain ``enter``, ESC then a space a space (the
Escape lost). On the resume dialog that meant: Escape ("decide later") then a name typed
quickly left the dialog open and its ``c`` continued the session just dismissed; on a
confirm dialog Escape then Enter answered "yes". This app binds no alt+letter, so an ESC
followed by anything that cannot start a sequence a terminal sends (CSI ``[``, SS3 ``O``,
OSC ``]``, DCS ``P``, APC ``_``, ST ``\\``, another ESC) or alt+backspace (DEL) is the
Escape key, then that key. Inside a bracketed paste nothing is split.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual import events
from textual.message import Message

from sessiontimer.ui.textual_compat import deliver_pending, parser_deadline

ESC = "\x1b"
STARTS_SEQUENCE = frozenset("[O]P_\\\x1b\x7f")  # after an ESC: what a terminal itself sends
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


def escape_key() -> events.Key:
    return events.Key("escape", ESC)


class EscapeFirst:
    """Feeds a driver's key parser, reading an ESC before an ordinary key as the Escape key."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self._ended_in_esc = False  # the last text fed ended in an ESC the parser still holds
        self._pasting = False

    def feed(self, text: str) -> Iterator[Message]:
        """The events of ``text`` (one read of the terminal), in order; "" is the end."""
        parser = self.parser
        if not text:
            yield from parser.feed(text)
            return
        if self._ended_in_esc and not self._pasting and text[0] not in STARTS_SEQUENCE:
            yield from self._deliver_pending()  # an Escape whose next key came in the next read
        start = 0
        for i, char in enumerate(text):
            if char != ESC:
                continue
            if text.startswith(PASTE_START, i):
                self._pasting = True
            elif text.startswith(PASTE_END, i):
                self._pasting = False
            nxt = text[i + 1 : i + 2]
            if self._pasting or not nxt or nxt in STARTS_SEQUENCE:
                continue
            yield from parser.feed(text[start:i]) if start < i else ()
            yield from self._deliver_pending()
            yield escape_key()
            start = i + 1
        if start < len(text):
            yield from parser.feed(text[start:])
        self._ended_in_esc = text.endswith(ESC)

    def _deliver_pending(self) -> Iterator[Message]:
        """An ESC the parser holds is complete now (a lone Escape): out with it first."""
        if parser_deadline(self.parser) is not None:
            yield from deliver_pending(self.parser)


def split_alt(event: events.Key) -> tuple[events.Key, events.Key] | None:
    """``alt+c`` (an ESC and a key read as one, wherever it comes from): Escape, then ``c``.

    None for any other key, alt+arrows and alt+backspace included (bound where they are).
    """
    key = event.key
    if not key.startswith("alt+"):
        return None
    rest = key[4:]
    named = rest if len(rest) == 1 else rest[-1].upper() if rest[:-1] == "shift+" else None
    char = event.character or named  # Pilot's alt+c carries no character
    if char is None or len(char) != 1 or not char.isalnum():
        return None  # Textual names alt+ only for a letter or digit read after an ESC
    if rest not in (char, f"shift+{char.lower()}"):
        return None
    return escape_key(), events.Key(char, char)
