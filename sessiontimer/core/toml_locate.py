"""Find the line of a key in TOML source, because tomllib reports lines only for syntax errors.

A config mistake is only useful with a line number ("line 12, key presets[1].phases[0].duration"),
so this scans the text the way a TOML reader does, far enough to know where each key path
starts: table headers (``[a.b]``, ``[[a.b]]`` with array indices counted), ``key = value``
lines, dotted keys, inline tables and arrays (element by element). It runs only on text that
tomllib already accepted, and never raises: on anything unexpected it keeps what it found.
"""

from __future__ import annotations

import bisect
import contextlib
import re

KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_SCALAR_END = re.compile(r"[,\]}\n#]")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}


def format_key(path: KeyPath) -> str:
    """A key path as the user reads it: ``presets[1].phases[0].duration``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _BARE_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{name}" if out else name
    return out


class KeyLocator:
    """Maps key paths to 1-based line numbers in one TOML document."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._lines: dict[KeyPath, int] = {}
        self._aot: dict[KeyPath, int] = {}  # array-of-tables path -> how many seen so far
        # On anything unexpected keep what was found: a key not found falls back to its parent.
        with contextlib.suppress(IndexError, ValueError, RecursionError):
            self._document()

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest located parent; None if nothing matches."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None

    # -- scanning -------------------------------------------------------------------------

    def _line(self) -> int:
        return bisect.bisect_right(self._starts, self._pos)

    def _record(self, path: KeyPath) -> None:
        self._lines.setdefault(path, self._line())

    def _peek(self, n: int = 1) -> str:
        return self._text[self._pos : self._pos + n]

    def _skip(self, newlines: bool) -> None:
        """Skip blanks and comments (and newlines too when ``newlines``)."""
        text, blanks = self._text, " \t\r\n" if newlines else " \t"
        while self._pos < len(text):
            char = text[self._pos]
            if char in blanks:
                self._pos += 1
            elif char == "#" and newlines:
                end = text.find("\n", self._pos)
                self._pos = len(text) if end < 0 else end
            else:
                return

    def _document(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self._pos >= len(self._text):
                return
            start = self._pos
            if self._peek(2) == "[[":
                self._pos += 2
                table = self._header(self._key(), array=True)
            elif self._peek() == "[":
                self._pos += 1
                table = self._header(self._key(), array=False)
            else:
                self._pair(table)
            self._pos = max(self._pos, start + 1)

    def _header(self, keys: list[str], array: bool) -> KeyPath:
        line_pos, resolved = self._pos, list[str | int]()
        for i, key in enumerate(keys):
            resolved.append(key)
            here = tuple(resolved)
            if array and i == len(keys) - 1:
                count = self._aot.get(here, 0)
                self._aot[here] = count + 1
                resolved.append(count)
            elif here in self._aot:
                resolved.append(self._aot[here] - 1)
        path = tuple(resolved)
        self._pos = line_pos
        self._record(path)
        end = self._text.find("\n", self._pos)
        self._pos = len(self._text) if end < 0 else end
        return path

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            char = self._peek()
            if char in ('"', "'"):
                parts.append(self._string())
            else:
                match = _BARE.match(self._text, self._pos)
                if match is None:
                    raise ValueError("no key here")
                parts.append(match.group())
                self._pos = match.end()
            self._skip(newlines=False)
            if self._peek() != ".":
                return parts
            self._pos += 1

    def _pair(self, table: KeyPath) -> None:
        keys = self._key()
        for end in range(1, len(keys) + 1):
            self._record(table + tuple(keys[:end]))
        self._skip(newlines=False)
        if self._peek() != "=":
            raise ValueError("expected =")
        self._pos += 1
        self._skip(newlines=False)
        self._value(table + tuple(keys))

    def _value(self, path: KeyPath) -> None:
        char = self._peek()
        if char in ('"', "'"):
            self._string()
        elif char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            match = _SCALAR_END.search(self._text, self._pos)
            self._pos = len(self._text) if match is None else match.start()

    def _array(self, path: KeyPath) -> None:
        self._pos += 1
        index = 0
        while True:
            self._skip(newlines=True)
            if self._peek() in ("]", ""):
                self._pos += 1
                return
            start = self._pos
            self._record((*path, index))
            self._value((*path, index))
            self._skip(newlines=True)
            if self._peek() == ",":
                self._pos += 1
            index += 1
            self._progressed(start)

    def _inline_table(self, path: KeyPath) -> None:
        self._pos += 1
        while True:
            self._skip(newlines=True)
            if self._peek() in ("}", ""):
                self._pos += 1
                return
            start = self._pos
            self._pair(path)
            self._skip(newlines=True)
            if self._peek() == ",":
                self._pos += 1
            self._progressed(start)

    def _progressed(self, start: int) -> None:
        """Stop scanning rather than loop forever on text this scanner does not follow."""
        if self._pos <= start:
            raise ValueError("no progress")

    def _string(self) -> str:
        """Consume a string of any of the four kinds; return its (roughly decoded) text."""
        quote = self._peek()
        if self._peek(3) == quote * 3:
            return self._multiline(quote)
        self._pos += 1
        out = []
        while self._pos < len(self._text):
            char = self._text[self._pos]
            self._pos += 1
            if char == quote or char == "\n":
                break
            if char == "\\" and quote == '"':
                nxt = self._text[self._pos : self._pos + 1]
                self._pos += 1
                out.append(_ESCAPES.get(nxt, nxt))
            else:
                out.append(char)
        return "".join(out)

    def _multiline(self, quote: str) -> str:
        self._pos += 3
        start = self._pos
        while self._pos < len(self._text):
            if quote == '"' and self._text[self._pos] == "\\":
                self._pos += 2
                continue
            if self._peek(3) == quote * 3:
                self._pos += 3
                while self._peek() == quote:  # up to two quotes may end the content
                    self._pos += 1
                return self._text[start : self._pos - 3]
            self._pos += 1
        return self._text[start:]
