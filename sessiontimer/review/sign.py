"""Signing a treatment note, and checking a signature against the journal.

``signed`` holds the SHA-256 of the note's body as rendered in plain text from the lines
before it (the signature footer is not part of what is hashed). Checking rebuilds the note
from the same lines, so any change to them (a line edited, removed or slipped in by hand)
shows as a mismatch; corrections made the proper way, ``amended`` lines after the signature,
do not break it: they are shown dated beside the original in every view instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sessiontimer.core.journal import make_event
from sessiontimer.core.journal_read import is_finished
from sessiontimer.core.model import Practitioner
from sessiontimer.review import note_read
from sessiontimer.review.edit import EditError, append_line, next_line_of
from sessiontimer.review.note import TreatmentNote, build_note
from sessiontimer.review.note_read import CHANGES, NoteRead, read_for_note
from sessiontimer.review.note_render import LAYOUT, body_sha256

Event = dict[str, Any]
NO_PRACTITIONER = (
    "no practitioner is set up, so the note cannot be signed: add to your config file\n"
    "  [practitioner]\n"
    '  name = "Your Name"\n'
    '  licence = "your licence number"   # optional\n'
    "(`sessiontimer paths` shows where the config file is; `sessiontimer config check` checks it)"
)


@dataclass(frozen=True)
class SignatureCheck:
    """The latest signature and whether the journal still gives the note it signed."""

    practitioner: str
    at: str
    matches: bool | None  # None: signed with another note layout, which this version lacks
    changes_since: int  # amendments and added lines after it (shown dated in the note)
    app: str = "?"
    left_out: int = 0  # journal lines past NOTE_LIMIT: neither in the note nor signed

    def sentence(self) -> str:
        """What ``logs note`` says about the signature (and what it does not cover)."""
        said = self._said()
        if self.left_out:
            said += f" {covered(self.left_out)}"
        return said

    def _said(self) -> str:
        who = f"Signed by {self.practitioner} on {self.at[:10]} {self.at[11:16]}"
        if self.matches is None:
            return (
                f"{who} with sessiontimer {self.app}, which laid notes out differently: "
                "this version cannot check that signature."
            )
        if not self.matches:
            return (
                f"{who}, but the journal no longer gives the note that was signed: "
                "lines before the signature were changed outside sessiontimer."
            )
        if self.changes_since:
            return (
                f"{who}; the signed note is unchanged, with {self.changes_since} "
                "correction(s) since, shown dated beside the original."
            )
        return f"{who}; the note matches its signature."


def signed_positions(events: list[Event]) -> list[int]:
    return [i for i, e in enumerate(events) if e.get("type") == "signed"]


def check(events: list[Event], session: str) -> SignatureCheck | None:
    """The latest signature, checked; None when the note was never signed."""
    positions = signed_positions(events)
    if not positions:
        return None
    last = positions[-1]
    line = events[last]
    licence = line.get("licence") if isinstance(line.get("licence"), str) else None
    who = Practitioner(str(line.get("practitioner") or "?"), licence)
    since = sum(1 for e in events[last + 1 :] if e.get("type") in CHANGES)
    matches: bool | None = None
    if line.get("layout") == LAYOUT and line.get("format") == "text":
        matches = body_sha256(build_note(events[:last], session), who) == line.get("sha256")
    app = str(line.get("app") or "?")
    return SignatureCheck(who.name, str(line.get("at") or ""), matches, since, app)


def covered(left_out: int) -> str:
    """What a signature of a note built from the first NOTE_LIMIT lines covers, plainly."""
    return (
        f"The note and its signature cover only the first {note_read.NOTE_LIMIT:,} lines of "
        f"the journal; {left_out:,} more lines are in neither."
    )


@dataclass(frozen=True)
class Signed:
    """A note just signed, and the journal lines it was not built from (0: none)."""

    note: TreatmentNote
    left_out: int


def check_read(read: NoteRead, session: str) -> SignatureCheck | None:
    """:func:`check` of a bounded read: a ``signed`` line past NOTE_LIMIT is still the
    latest signature (of the note of the lines kept), and what is left out is said."""
    events = read.events if read.late_signed is None else [*read.events, read.late_signed]
    found = check(events, session)
    if found is None:
        return None
    since = found.changes_since + (read.late_changes if read.late_signed is not None else 0)
    return replace(found, changes_since=since, left_out=read.left_out)


def sign(
    path: Path, session: str, practitioner: Practitioner | None, wall: datetime, app: str
) -> Signed:
    """Journal ``signed`` for the note as it stands; EditError says why it cannot be."""
    if practitioner is None:
        raise EditError(NO_PRACTITIONER)
    read = read_for_note(path, session)  # the lines `logs note` and the screen check it with
    events = read.events
    if not events and read.problems:
        raise EditError(f"{read.problems[0]}; nothing was signed")
    if not is_finished(path):
        raise EditError(
            f"{session} has not ended; a note is signed after the session (resume it and "
            "end it, or close it as interrupted when the app offers)"
        )
    done = check_read(read, session)
    if done is not None and done.matches and not done.changes_since:
        raise EditError(f"{done.sentence()} Nothing changed since, so nothing was signed.")
    note = build_note(events, session)
    ident, t = next_line_of(path)  # every line counts for the next id, not only those kept
    fields: dict[str, Any] = {"practitioner": practitioner.name, "format": "text", "app": app}
    fields["layout"] = LAYOUT
    if practitioner.licence:
        fields["licence"] = practitioner.licence
    digest = body_sha256(note, practitioner)
    append_line(path, make_event("signed", id=ident, at=wall, t=t, sha256=digest, **fields))
    return Signed(note, read.left_out)
