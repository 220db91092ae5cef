"""The lines a treatment note is built from, read with a bound whatever the journal holds.

A note reads findings, phases, the closing note, the plan and signatures; of the bulk of a
long journal (checkpoints, cues) only the time matters, for the session's length. So runs of
those are passed over undecoded but their last (the latest time, in a journal whose times
grow as the app writes them), and at most ``NOTE_LIMIT`` lines are kept: a planted journal of
a million notes gives a note of the first ones and a sentence saying so, not gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessiontimer.core.journal_read import JournalStream

Event = dict[str, Any]

NOTE_LIMIT = 20_000  # lines kept for one note; a real session writes a few hundred
_TIME_ONLY = frozenset({"checkpoint", "cue"})  # only their time counts for a note
# Lines after a signature that correct or add to the note (shown dated beside the original).
CHANGES = frozenset({"amended", "closing_note", "plan", "note", "pain", "rhythm"})


@dataclass
class NoteRead:
    """The lines kept, in file order, and what was wrong or left out (in words)."""

    events: list[Event]
    problems: list[str]
    left_out: int = 0
    # The latest ``signed`` line among those left out (a note of a planted journal signed
    # after its first NOTE_LIMIT lines), and the corrections after it: a signature the note
    # lines do not hold must not read as "not signed".
    late_signed: Event | None = None
    late_changes: int = 0


def read_for_note(path: Path, session: str | None = None) -> NoteRead:
    """The journal at ``path`` as a note needs it, one line held at a time while reading."""
    stream = JournalStream(path, collapse=_TIME_ONLY)
    events: list[Event] = []
    left_out, late_signed, late_changes = 0, None, 0
    for event in stream:
        if len(events) < NOTE_LIMIT:
            events.append(event)
            continue
        left_out += 1
        kind = event.get("type")
        if kind == "signed":
            late_signed, late_changes = event, 0
        elif kind in CHANGES and late_signed is not None:
            late_changes += 1
    problems = list(stream.problems)
    if left_out:
        problems.append(left_out_line(left_out, session or path.stem))
    return NoteRead(events, problems, left_out, late_signed, late_changes)


def left_out_line(left_out: int, session: str) -> str:
    """What a note says of the lines it was not built from."""
    return (
        f"{left_out:,} more lines are not in this note: a treatment note is built from at "
        f"most {NOTE_LIMIT:,} lines. `sessiontimer logs export {session} --format events` "
        "lists every line."
    )
