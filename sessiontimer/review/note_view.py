"""The treatment note as the screens show it: plain text, and a line about its signature.

Pure apart from reading the journal (the screens call it from a thread worker). The End
screen shows a preview: the closing note and the plan as typed, before they are journaled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessiontimer.core.model import Practitioner
from sessiontimer.review.note import build_note
from sessiontimer.review.note_read import read_for_note
from sessiontimer.review.note_render import render
from sessiontimer.review.sign import check_read

PREVIEW = (
    "Preview: the closing note, plan and pain after as typed; Enter on the End screen saves them."
)


@dataclass(frozen=True)
class ShownNote:
    """The note's plain text (what Copy copies) and what to say about its signature."""

    text: str
    status: str


def journal_note(
    path: Path,
    session: str,
    practitioner: Practitioner | None,
    *,
    typed: dict[str, str] | None = None,
    pain_after: int | None = None,
) -> ShownNote:
    """The note of the journal at ``path``; ``typed`` (closing_note / plan -> text) and
    ``pain_after`` add what the End screen holds but has not journaled yet (a preview)."""
    read = read_for_note(path, session)  # bounded: a planted journal cannot take GBs
    events: list[dict[str, Any]] = list(read.events)
    preview = {kind: text.strip() for kind, text in (typed or {}).items() if text.strip()}
    top = max((e["t"] for e in events if isinstance(e.get("t"), (int, float))), default=0.0)
    for n, (kind, text) in enumerate(preview.items()):
        events.append({"type": kind, "id": f"typed-{n}", "t": top, "text": text})
    if pain_after is not None:
        events.append({"type": "pain", "id": "typed-pain", "t": top, "value": pain_after,
                       "after": True})  # fmt: skip
    note = build_note(events, session, read.problems)
    text = render(note, "text", practitioner)
    if typed is not None:
        return ShownNote(text, PREVIEW)
    signature = check_read(read, session)
    return ShownNote(text, signature.sentence() if signature else "Not signed yet.")
