"""Corrections and privacy: amend a note, rename or merge clients, delete a client's records.

Journals are append-only here: an amendment or a rename is a new ``amended`` line (the original
line is never rewritten). A rename amends the ``session_started`` line (``note`` is its id,
``fields`` holds ``client``). Deleting a client is the one destructive act, and it is total:
journals, index entries and the exports recorded as holding that client.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sessiontimer.core.journal import encode_line, make_event
from sessiontimer.core.journal_read import JournalStream
from sessiontimer.core.visible import one_line
from sessiontimer.review import index as index_mod
from sessiontimer.review import lookup
from sessiontimer.review.export import load_registry, save_registry
from sessiontimer.review.history import same_client
from sessiontimer.review.summary import Summary, summarize_rel

AMENDABLE = ("text", "region", "tag")
_TEXTS = ("note", "closing_note", "plan")  # what an amendment may correct (the latter: text)


class EditError(ValueError):
    """A correction that cannot be made; the message says why and what to do."""


def append_line(path: Path, event: dict[str, Any]) -> None:
    """Append one line durably; a half-written last line gets its newline first."""
    from sessiontimer.core.private_files import open_private

    with open(path, "rb") as f:  # the last byte only: a journal may be any size
        f.seek(max(0, f.seek(0, os.SEEK_END) - 1))
        last = f.read(1)
    prefix = b"\n" if last and last != b"\n" else b""
    fd = open_private(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, prefix + encode_line(event))
        os.fsync(fd)
    finally:
        os.close(fd)


def _next_id_and_t(events: list[dict[str, Any]]) -> tuple[str, float]:
    numbers = [
        int(e["id"][1:])
        for e in events
        if isinstance(e.get("id"), str) and e["id"][:1] == "e" and e["id"][1:].isdigit()
    ]
    ts = [float(e["t"]) for e in events if isinstance(e.get("t"), (int, float))]
    return f"e{max(numbers, default=0) + 1}", max(ts, default=0.0)


next_id_and_t = _next_id_and_t  # the id and time of the next line appended afterwards


@dataclass
class _Scan:
    """What an amendment or a rename needs of a journal, read one line at a time (a journal of
    a million lines is not held: its events took over a gigabyte)."""

    start: dict[str, Any] | None = None
    target: dict[str, Any] | None = None  # the text line being corrected
    top_id: int = 0
    top_t: float = 0.0
    lines: int = 0
    problems: tuple[str, ...] = ()

    @property
    def next_id_and_t(self) -> tuple[str, float]:
        return f"e{self.top_id + 1}", self.top_t


def next_line_of(path: Path) -> tuple[str, float]:
    """The id and time of the next line appended to the journal at ``path`` (one pass)."""
    return _scan(path).next_id_and_t


def _scan(path: Path, note_id: str | None = None) -> _Scan:
    found, stream = _Scan(), JournalStream(path)
    for e in stream:
        found.lines += 1
        if found.start is None and e.get("type") == "session_started":
            found.start = e
        if note_id and found.target is None and e.get("id") == note_id and e.get("type") in _TEXTS:
            found.target = e
        ident, t = e.get("id"), e.get("t")
        if isinstance(ident, str) and ident[:1] == "e" and ident[1:].isdigit():
            found.top_id = max(found.top_id, int(ident[1:]))
        if isinstance(t, (int, float)):
            found.top_t = max(found.top_t, float(t))
    found.problems = tuple(stream.problems)
    return found


def amend(path: Path, note_id: str, fields: dict[str, Any], wall: datetime) -> str:
    """Journal a correction of note ``note_id``; returns the new line's id."""
    bad = [k for k in fields if k not in AMENDABLE]
    if bad or not fields:
        raise EditError(
            f"only {', '.join(AMENDABLE)} of a note can be amended, not {bad or 'nothing'}"
        )
    read = _scan(path, note_id)
    if not read.lines and read.problems:  # gone, moved or unreadable: say that, not "no note"
        raise EditError(f"{read.problems[0]}; nothing was changed")
    target = read.target
    if target is None:
        raise EditError(f"{path.name} has no note {note_id!r} (see `sessiontimer logs show`)")
    if target.get("type") != "note" and set(fields) != {"text"}:
        raise EditError(f"only the text of a {target['type'].replace('_', ' ')} can be amended")
    ident, t = read.next_id_and_t
    append_line(path, make_event("amended", id=ident, at=wall, t=t, note=note_id, fields=fields))
    return ident


@dataclass
class Renamed:
    sessions: int
    skipped: list[str]  # damaged journals that could not be amended


def rename_client(
    sessions_dir: Path, cache_dir: Path, old: str, new: str, wall: datetime
) -> Renamed:
    """Every session of ``old`` (exact name) now belongs to ``new`` (one line of text);
    merging is renaming."""
    new = one_line(new)
    if not new:
        raise EditError("the new client name is empty")
    with index_mod.open_index(cache_dir) as store:
        index_mod.refresh(sessions_dir, cache_dir, store=store)
        rels = [
            r for (r,) in store.conn.execute("SELECT rel FROM sessions WHERE client = ?", (old,))
        ]
    done, skipped, changed = 0, [], []
    for rel in rels:
        s = summarize_rel(str(sessions_dir), rel)
        if s.client != old:
            continue
        path = sessions_dir / s.rel
        read = _scan(path)
        start = read.start
        if start is None or not isinstance(start.get("id"), str):
            skipped.append(s.id)
            continue
        ident, t = read.next_id_and_t
        append_line(
            path,
            make_event(
                "amended", id=ident, at=wall, t=t, note=start["id"], fields={"client": new.strip()}
            ),
        )
        done += 1
        changed.append(rel)
    index_mod.update(sessions_dir, cache_dir, changed)
    return Renamed(done, skipped)


@dataclass
class Deleted:
    journals: list[str]
    exports: list[str]


def delete_client(sessions_dir: Path, cache_dir: Path, client: str) -> Deleted:
    """Remove every journal of ``client`` (any case), its index entries and its exports."""
    with index_mod.open_index(cache_dir) as store:
        index_mod.refresh(sessions_dir, cache_dir, store=store)
        gone = lookup.client_sessions(store, client)
    for s in gone:
        with contextlib.suppress(FileNotFoundError):
            (sessions_dir / s.rel).unlink()
    exports, kept = [], []
    for entry in load_registry(cache_dir):
        if any(same_client(c, client) for c in entry.get("clients", [])):
            with contextlib.suppress(FileNotFoundError):
                Path(entry["path"]).unlink()
            exports.append(str(entry["path"]))
        else:
            kept.append(entry)
    save_registry(cache_dir, kept)
    index_mod.update(sessions_dir, cache_dir, [s.rel for s in gone])
    return Deleted([s.id for s in gone], exports)


@dataclass(frozen=True)
class RenamePlan:
    """What renaming one client (every spelling of it) to ``new`` would do, before doing it."""

    new: str
    spellings: dict[str, int]  # exact names to rename -> their sessions
    joins: int  # sessions another client already has under the new name (a merge)

    @property
    def sessions(self) -> int:
        return sum(self.spellings.values())

    def question(self) -> str:
        """The confirmation, saying plainly when the rename is a merge."""
        # names as typed, in quotes (a repr doubled every backslash and swapped the quotes)
        names = ", ".join(f"“{n}” ({c})" for n, c in self.spellings.items())
        text = f"Rename {names} to “{self.new}”: {self.sessions} session(s)."
        if self.joins:
            text += (
                f"\n“{self.new}” already has {self.joins} session(s): "
                "the two become one client (merge)."
            )
        return text + "\nThe journals keep the old name; an `amended` line records the new one."


def rename_plan(summaries: list[Summary], client: str, new: str) -> RenamePlan:
    """Every spelling of ``client`` (any case) becomes ``new`` (one line of text, as
    :func:`rename_client` writes it); ``new`` may be another client."""
    new = one_line(new)
    if not new:
        raise EditError("the new client name is empty")
    spellings: dict[str, int] = {}
    joins = 0
    for s in summaries:
        if not s.client:
            continue
        if same_client(s.client, client) and s.client != new:
            spellings[s.client] = spellings.get(s.client, 0) + 1
        elif same_client(s.client, new):
            joins += 1  # already under the new name: the renamed sessions join these
    if not spellings:
        raise EditError(f"every session of {client!r} is already named {new!r}")
    return RenamePlan(new, spellings, joins)


def rename_all(sessions_dir: Path, cache_dir: Path, plan: RenamePlan, wall: datetime) -> Renamed:
    """Carry out a :class:`RenamePlan` (one :func:`rename_client` per spelling)."""
    total = Renamed(0, [])
    for old in plan.spellings:
        done = rename_client(sessions_dir, cache_dir, old, plan.new, wall)
        total.sessions += done.sessions
        total.skipped += done.skipped
    return total


def client_sessions(summaries: list[Summary], client: str) -> list[Summary]:
    """Every session :func:`delete_client` would remove (any spelling, damaged ones too)."""
    return [s for s in summaries if s.client and same_client(s.client, client)]


def amend_fields(note: dict[str, Any], typed: dict[str, str]) -> dict[str, str | None]:
    """The fields a correction changes: typed values that differ; an emptied field is None.

    Raises EditError when the note would be left with neither a tag nor a text.
    """
    fields: dict[str, str | None] = {}
    for key in AMENDABLE:
        if key not in typed:
            continue
        value: str | None = typed[key].strip() or None
        if value != (note.get(key) or None):
            fields[key] = value
    after = {**note, **fields}
    if not (after.get("tag") or after.get("text")):
        raise EditError("a note needs a tag or a text: fill in one of them")
    return fields
