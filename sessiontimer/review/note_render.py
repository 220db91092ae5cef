"""The treatment note in three formats: Markdown (default), plain text, one HTML page.

All text in a note came from a person or a file at some point (client names, notes, region
and phase names), so every renderer first drops control characters (a newline becomes a
space: one finding stays one line) and then escapes for its format: Markdown punctuation is
backslash-escaped, HTML is entity-escaped. The HTML page is self-contained: inline print
CSS, no scripts, no outside resources (a Content-Security-Policy says so to the browser).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from sessiontimer.core.model import Practitioner
from sessiontimer.review.note import TreatmentNote
from sessiontimer.review.note_doc import Block, body, footer, signer

FORMATS = ("md", "text", "html")
# Bump when the note's wording or layout changes: a signature records the layout it hashed,
# and a signature of another layout can be reported as such instead of as a mismatch.
LAYOUT = 1
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = frozenset("\t\n\r\v\f\u2028\u2029\x85")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&!])")
_MD_LINE_START = re.compile(r"^([-+=>])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")  # "1." starts a list: escape the dot, not the digit


def clean(text: str) -> str:
    """Text safe on one line: control and bidi-override characters dropped, breaks as spaces,
    no space left at either end (a name typed as "\rAnna" is "Anna", as the app shows it)."""
    out = []
    for ch in text:
        if ch in _SPACES:
            out.append(" ")
        elif ch in _BIDI or unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    return "".join(out).strip()


def md_escape(text: str) -> str:
    """Markdown that shows ``text`` literally (after :func:`clean`)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", clean(text))
    escaped = _MD_LINE_START.sub(r"\\\1", escaped)
    return _MD_ORDERED.sub(r"\1\\\2", escaped)


def render(note: TreatmentNote, fmt: str, practitioner: Practitioner | None = None) -> str:
    """The note in ``fmt`` (md, text, html); ``practitioner`` names who would sign it."""
    blocks = body(note, signer(note, practitioner)), footer(note)
    if fmt == "md":
        return _markdown(blocks[0] + blocks[1])
    if fmt == "text":
        return _text(blocks[0]) + "\n" + _text(blocks[1])
    if fmt == "html":
        return _html(note, blocks[0], blocks[1])
    raise ValueError(f"unknown note format {fmt!r}; choose one of {', '.join(FORMATS)}")


def body_sha256(note: TreatmentNote, practitioner: Practitioner | None) -> str:
    """The SHA-256 a signature holds: of the note's body as plain text (UTF-8)."""
    return hashlib.sha256(_text(body(note, practitioner)).encode("utf-8")).hexdigest()


def _markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    previous = ""
    for b in blocks:
        if lines and not (b.kind in ("field", "item") and previous == b.kind):
            lines.append("")
        lines.append(_md_block(b))
        previous = b.kind
    return "\n".join(lines) + "\n"


def _md_block(b: Block) -> str:
    text = md_escape(b.text)
    if b.kind == "title":
        return f"# {text}"
    if b.kind == "heading":
        return f"## {text}"
    if b.kind == "sub":
        return f"### {text}"
    if b.kind == "field":
        return f"- **{md_escape(b.label)}:** {text}"
    if b.kind == "item":
        return f"- {text}"
    if b.kind == "quote":
        return f"> “{text}” ({md_escape(b.label)})"
    return text


def _text(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        text = clean(b.text)
        if b.kind == "title":
            lines += [text.upper(), "=" * len(text)]
        elif b.kind == "heading":
            lines += ["", text.upper()]
        elif b.kind == "sub":
            lines += [f"{text}:"]
        elif b.kind == "field":
            lines.append(f"{clean(b.label)}: {text}")
        elif b.kind == "item":
            lines.append(f"  - {text}")
        elif b.kind == "quote":
            lines.append(f"  “{text}” ({clean(b.label)})")
        else:
            lines.append(text)
    return "\n".join(lines) + "\n"


_CSS = """\
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; max-width: 42em; margin: 2em auto;
  padding: 0 1em; color: #111; background: #fff; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.15em; border-bottom: 1px solid #999; margin-top: 1.4em; }
h3 { font-size: 1em; margin: .9em 0 .2em; }
ul { margin: .2em 0; padding-left: 1.4em; }
blockquote { margin: .3em 0 .3em 1em; padding-left: .8em; border-left: 3px solid #bbb; }
.field { margin: .15em 0; }
footer { margin-top: 2em; border-top: 1px solid #999; padding-top: .5em; font-size: .9em;
  overflow-wrap: anywhere; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; }
  li, blockquote, .field { break-inside: avoid; }
  @page { margin: 18mm; }
}
"""


def _html(note: TreatmentNote, main: list[Block], end: list[Block]) -> str:
    title = " — ".join(x for x in ("Treatment note", note.client, note.date) if x)
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(title)}</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n<main>\n"
    )
    foot = "".join(f"<p>{_h(b.text)}</p>\n" for b in end)
    return head + _html_blocks(main) + f"</main>\n<footer>\n{foot}</footer>\n</body>\n</html>\n"


def _html_blocks(blocks: list[Block]) -> str:
    out: list[str] = []
    in_list = False
    for b in blocks:
        if (b.kind == "item") != in_list:
            out.append("<ul>\n" if b.kind == "item" else "</ul>\n")
            in_list = b.kind == "item"
        out.append(_html_block(b))
    if in_list:
        out.append("</ul>\n")
    return "".join(out)


def _html_block(b: Block) -> str:
    text = _h(b.text)
    tag = {"title": "h1", "heading": "h2", "sub": "h3"}.get(b.kind)
    if tag:
        return f"<{tag}>{text}</{tag}>\n"
    if b.kind == "field":
        return f'<p class="field"><strong>{_h(b.label)}:</strong> {text}</p>\n'
    if b.kind == "item":
        return f"<li>{text}</li>\n"
    if b.kind == "quote":
        return f"<blockquote>“{text}” ({_h(b.label)})</blockquote>\n"
    return f"<p>{text}</p>\n"


def _h(text: str) -> str:
    return html.escape(clean(text), quote=True)
