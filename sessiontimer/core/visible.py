"""Text from people and files made safe for a terminal: control characters shown, not obeyed.

A client name, a note or a line of a planted file may hold ``ESC ] 0 ; … BEL`` (sets the
terminal's title), ``ESC [ 2J`` (clears the screen) or a newline (forges a row of a listing).
Everything the app prints or shows of such text goes through :func:`visible_controls`: the
CLI at print time, the UI through ``ui.plain_text``. ``--json`` output stays exact (JSON
escapes controls itself).
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls but tab and newline, DEL, and C1: a terminal acts on them instead of showing them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible_controls(text: str, *, newlines: bool = True) -> str:
    """``text`` with each control character shown as an escape (``\\x1b``), tabs as spaces.

    ``newlines=False`` shows line breaks as ``\\n`` too, for one-line places (a table cell,
    a row of a listing, a title), where a break would forge a row.
    """
    if text.isascii() and text.isprintable():
        return text  # the common case, 20,000 rows of `logs list`
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text).replace("\t", " ")
    return text if newlines else text.replace("\n", "\\n")


_BREAKS = re.compile(r" *[\x00-\x1f\x7f-\x9f\u2028\u2029]+ *")


def one_line(text: str) -> str:
    """A name as one line of text: each run of control characters and line breaks a space,
    the ends trimmed. A client's name goes into one-line places (a dialog's question, a
    table cell, the journal's file of record); pasted with a newline or an escape it broke
    them ("Bob" on one line, "X 2026 forged" on the next)."""
    if text.isascii() and text.isprintable():
        return text.strip()
    return _BREAKS.sub(" ", text).strip()


def utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (a journal line, the index, a CSV): a name
    or an argument with a byte of another encoding holds surrogates that cannot."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def without_controls(text: str) -> str:
    """``text`` with control characters dropped (tabs and newlines kept): for a file format
    (Markdown) whose reader would pass them to a terminal or a printer."""
    return _CONTROL.sub("", text)


# Bidi embeddings, overrides and isolates: on a terminal that does bidi, one of them turns
# the rest of a printed line around (columns read backwards, a note passes for another).
# Right-to-left letters themselves are text and stay.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def on_terminal(text: str, *, newlines: bool = True) -> str:
    """``text`` for the CLI's output: :func:`visible_controls`, and bidi controls escaped
    (``\\u202e``) too."""
    text = visible_controls(text, newlines=newlines)
    return text if text.isascii() else _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown(line: str) -> str:
    """One line of terminal output: controls escaped and a newline in a field as ``\\n``, so a
    note or a name can neither drive the terminal nor forge a row."""
    return on_terminal(line, newlines=False)


_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # DEL and C1: JSON escapes C0 only


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` with DEL and C1 written as ``\\u`` escapes:
    the same JSON (they only occur inside strings), but it cannot drive a terminal."""
    text = json.dumps(value, ensure_ascii=False, **options)
    if text.isascii():
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
