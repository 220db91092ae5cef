"""The treatment notes as CSV: one row per note or finding, for a spreadsheet.

No technical lines (those are in ``--format events``). Every cell is formula-escaped: a cell
that starts with = + - @ or a tab or carriage return gets a leading ``'``, so a client's note
typed as ``=HYPERLINK(...)`` is shown as text by Excel, LibreOffice and Google Sheets instead
of being run. Every cell is quoted, so a CR or LF inside a note stays in its cell and the
spreadsheet reads one row per finding; a NUL, which no spreadsheet cell holds (and Python
3.10's csv module refuses to write), is dropped.
"""

from __future__ import annotations

import csv
import io
from typing import Any, TextIO

from sessiontimer.core import readable
from sessiontimer.review.note import Finding, TreatmentNote
from sessiontimer.review.note_doc import amended_text, clock, label_of, rhythm_text

COLUMNS = (
    "session",
    "date",
    "client",
    "time",
    "phase",
    "region",
    "felt_at",
    "kind",
    "text",
    "length_s",
    "amended",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_KIND = {
    "words": "client's words",
    "intake": "intake note",
    "closing": "closing note",
    "pain before": "pain",
    "pain after": "pain",
}


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: formula starts get a leading apostrophe."""
    text = "" if value is None else str(value).replace("\0", "")
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_writer(out: TextIO) -> Any:
    """The one CSV dialect of every export: every cell quoted (a CR or LF stays inside it)."""
    return csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)


def findings_csv(notes: list[TreatmentNote]) -> str:
    """Every note's findings, in session order, one row each."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    for note in notes:
        for f in all_findings(note):
            writer.writerow([csv_cell(v) for v in _row(note, f)])
    return out.getvalue()


def all_findings(note: TreatmentNote) -> list[Finding]:
    """Subjective, Objective and Assessment findings and the plan, by time."""
    found = [*note.words, *note.intake]
    found += [f for f in (note.pain_before, note.pain_after, note.closing, note.plan) if f]
    found += [f for part in note.regions for f in part.findings]
    return sorted(found, key=lambda f: f.t)


def _row(note: TreatmentNote, f: Finding) -> list[object]:
    if f.kind.startswith("pain"):
        text = f"{f.value}/10"
    elif f.kind == "rhythm":
        text = rhythm_text(f).removeprefix("rhythm ")
    elif f.kind == "toggle":
        text = f.tag or ""
    else:
        text = label_of(f)
    amended = "".join(amended_text(a) for a in f.amendments).strip().strip("()")
    if f.added_after_signing:
        amended = (amended + "; " if amended else "") + f"added {f.added_after_signing}"
    where = f.station if f.kind == "rhythm" else f.region
    length = "" if f.length is None else str(readable.whole_seconds(f.length))  # truncated
    return [note.session, note.date, note.client or "", clock(f.t), f.phase, where or "",
            f.felt_at or "", _KIND.get(f.kind, f.kind), text, length, amended]  # fmt: skip
