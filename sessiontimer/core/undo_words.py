"""What undo and redo say: which note went (or came back), at what moment, and how to undo it.

"Last note undone." left a practitioner with closed eyes guessing which one; a typed note
gone by mistake could not be had back.
"""

from __future__ import annotations

from sessiontimer.core import readable
from sessiontimer.core.recorded import NoteRecord

SHOWN = 40  # characters of a typed note quoted back


def described(note: NoteRecord) -> str:
    """The note as said back: its tag, or its text in quotes (long text shortened)."""
    if note.tag:
        return f'"{note.tag}"'
    text = " ".join((note.text or "").split())
    return f'"{text[:SHOWN]}…"' if len(text) > SHOWN else f'"{text}"'


def removed(note: NoteRecord, redo_key: str) -> str:
    """After undo: what was removed, from when, and the key that brings it back."""
    return f"Removed {described(note)} (at {readable.clock(note.t)}): {redo_key} brings it back."


def restored(note: NoteRecord | None) -> str:
    """After redo: what came back, or that nothing waits to."""
    if note is None:
        return "Nothing to bring back: only the note undone last can be."
    return f"Brought back {described(note)} (at {readable.clock(note.t)})."
