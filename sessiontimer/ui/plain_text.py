"""Text from people and files, made safe to show: never markup, never terminal control.

The one rule (DESIGN, "Rules every later change shares"): a client name, a note, a preset or
phase name, a closing note, a line of a damaged file is handed to a widget only through
:func:`plain`. Textual parses a plain ``str`` as markup in most widgets (``Static``,
``DataTable`` cells, notifications), so ``[/b]`` raises and ``[@click=app.quit]`` becomes a
working link; ``Content`` is never parsed.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

# C0 controls but tab and newline, DEL, and C1: a terminal acts on them instead of showing them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible_controls(text: str, *, newlines: bool = True) -> str:
    """``text`` with each control character shown as an escape (``\\x1b``), tabs as spaces.

    ``newlines=False`` shows line breaks as ``\\n`` too, for one-line places (a table cell,
    a title), where a break would forge a row.
    """
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text).replace("\t", " ")
    return text if newlines else text.replace("\n", "\\n")


def plain(text: object, *, newlines: bool = True) -> Content:
    """Plain, unparsed content for a widget: shown exactly as written, controls made visible."""
    return Content(visible_controls(str(text), newlines=newlines))


def plain_cell(text: object) -> Text:
    """:func:`plain` for a DataTable cell: one line, as a Rich ``Text`` (never parsed), which
    the table measures to size its column (it sizes a ``Content`` cell to the header only)."""
    return Text(visible_controls(str(text), newlines=False), no_wrap=True, end="")
