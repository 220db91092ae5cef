"""Text from people and files, made safe to show: never markup, never terminal control.

The one rule (DESIGN, "Rules every later change shares"): a client name, a note, a preset or
phase name, a closing note, a line of a damaged file is handed to a widget only through
:func:`plain`. Textual parses a plain ``str`` as markup in most widgets (``Static``,
``DataTable`` cells, notifications), so ``[/b]`` raises and ``[@click=app.quit]`` becomes a
working link; ``Content`` is never parsed.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.content import Content

from sessiontimer.core.visible import visible_controls

__all__ = ["as_content", "cells", "plain", "styled", "visible_controls"]


def plain(text: object, *, newlines: bool = True) -> Content:
    """Plain, unparsed content for a widget: shown exactly as written, controls made visible."""
    return Content(visible_controls(str(text), newlines=newlines))


def plain_cell(text: object) -> Text:
    """:func:`plain` for a DataTable cell: one line, as a Rich ``Text`` (never parsed), which
    the table measures to size its column (it sizes a ``Content`` cell to the header only)."""
    return Text(visible_controls(str(text), newlines=False), no_wrap=True, end="")


def styled(template: str, /, *, newlines: bool = True, **fields: object) -> Content:
    """Our own markup with a person's or a file's text in it: ``$name`` fields are never parsed.

    ``styled("[b]$preset[/] · $client", preset=..., client=...)``: the template is our literal
    string; each field is substituted as plain text, controls made visible.
    """
    values = {k: visible_controls(str(v), newlines=newlines) for k, v in fields.items()}
    return Content.from_markup(template, **values)


def as_content(text: str | Content, *, newlines: bool = True) -> Content:
    """A dialog's or a notice's text: our Content as it is, a ``str`` (which may carry a
    person's or a file's text) always plain."""
    return text if isinstance(text, Content) else plain(text, newlines=newlines)


def cells(values: Iterable[object]) -> tuple[Text, ...]:
    """A table row: every cell plain and on one line (a newline would forge a row).

    Each a :func:`plain_cell`.
    """
    return tuple(plain_cell(v) for v in values)
