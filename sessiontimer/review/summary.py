"""One row per journal: what the Sessions list, the filter and the index need.

A file the app wrote, in its compact form, takes the fast path of :mod:`fast_scan`; any
surprise falls back to the tolerant reader of the core, so a damaged file is listed with
what could be read, and never modified.
"""

from __future__ import annotations

import errno
import itertools
import operator
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sessiontimer.review.fast_scan import (
    fast_events,
    holds_end,
    listable_events,
    unfinished_events,
)
from sessiontimer.review.summary_read import FINDING_KINDS, Reading, apply_events


@dataclass
class Summary:
    """A session at a glance; ``id`` is the file name without ``.jsonl`` (unique)."""

    id: str
    rel: str  # path under the sessions folder, e.g. "2026/2026-11-24T090000-a1b2c3.jsonl"
    start: str = ""  # ISO wall time of session_started ("" when unknown)
    client: str | None = None
    preset: str = ""
    duration: float = 0.0  # real session seconds (pauses excluded)
    planned: float = 0.0
    notes: int = 0
    status: str = "damaged"  # complete, ended early, interrupted, resumed, unfinished, damaged
    tags: list[list[str | None]] = field(default_factory=list)  # [tag or None, region]
    texts: list[str] = field(default_factory=list)
    closing: str = ""
    problems: list[str] = field(default_factory=list)
    amended: bool = False
    signature: str = ""  # "signed", "unsigned" (ended, no signed line) or "" (not ended)
    # Findings (issue 18): [label, region], e.g. ["pain 6", "sacrum"], ["rhythm 8/min", None]
    findings: list[list[str | None]] = field(default_factory=list)
    plan: str = ""  # "plan for next time": the latest plan line's text
    # Listed from its first and last lines only (a cold build's first stage): the notes,
    # marks, findings, texts and damage are not read yet (notes is 0 until they are)
    partial: bool = False

    @property
    def date(self) -> str:
        return self.start[:10]

    @property
    def time(self) -> str:
        return self.start[11:16]

    @property
    def damaged(self) -> bool:
        return bool(self.problems)

    def to_row(self) -> list[Any]:
        """Compact form for the index file (a list loads faster than a dict)."""
        return list(_ROW(self))

    @classmethod
    def from_row(cls, row: list[Any]) -> Summary:
        return cls(*row)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = tuple(Summary.__dataclass_fields__)
_ROW = operator.attrgetter(*_FIELDS)


def summarize(path: Path, sessions_dir: Path) -> Summary:
    """Summary of one journal; never raises for its content and never writes to it."""
    return summarize_rel(str(sessions_dir), path.relative_to(sessions_dir).as_posix())


Stamp = tuple[int, int]  # (size, mtime_ns) of a journal, as the index keys it


def summarize_rel(sessions_dir: str, rel: str, *, fast: bool = True) -> Summary:
    """:func:`summarize` for ``sessions_dir/rel`` given as strings (the hot loop of a scan).

    ``fast=False`` always takes the tolerant reader (the tests compare the two).
    """
    return summarize_stamped(sessions_dir, rel, fast=fast)[0]


def summarize_stamped(
    sessions_dir: str, rel: str, *, fast: bool = True
) -> tuple[Summary, Stamp | None]:
    """:func:`summarize_rel`, plus the stamp of the bytes it read (None if it could not)."""
    full = os.path.join(sessions_dir, rel)
    summary = Summary(id=rel.rpartition("/")[2].removesuffix(".jsonl"), rel=rel)
    try:
        data, stamp = _read(full)
    except OSError as exc:
        summary.problems.append(f"cannot read: {exc.strerror or exc}")
        return summary, None
    events = fast_events(data) if fast and data is not None else None
    if events is not None:
        apply_events(summary, events, last_is_top=True)  # checked by fast_scan
        return summary, stamp
    _apply_streamed(summary, full)
    return summary, stamp


HEAD_READ = 4096  # bytes first read for the start line (a preset is 1-4 KB; more if not)
TAIL_READ = 4096  # bytes read from the end for the end, signature and amendments
# An unfinished journal this large (a crash after hours) is looked through for its end's
# bytes, not read whole; a smaller one is read whole at once (a few ms) and listed complete.
UNFINISHED_LOOK = 1 << 20
LOOK_PIECE = 1 << 20
END_MARK = 64  # carried between pieces: longer than the bytes that start a session_ended line


def listable_stamped(sessions_dir: str, rel: str) -> tuple[Summary, Stamp | None]:
    """What a list row needs (start, client, preset, length, how it ended, signed), marked
    ``partial``, from two short reads (the first line, the last few kilobytes); a file this
    cannot tell that way is read whole (then not partial). A partial row's status says
    "complete" or "ended early" for a session resumed after a crash (the line telling is
    further in), and it has no notes, marks, findings, texts or damage yet. An unfinished
    journal of UNFINISHED_LOOK bytes or more, found to hold no end, is listed so too."""
    full = os.path.join(sessions_dir, rel)
    try:
        head, tail, stamp = _ends(full)
    except OSError:
        return summarize_stamped(sessions_dir, rel)
    events = listable_events(head, tail) if head and tail else None
    if events is None and head and tail and stamp[0] >= UNFINISHED_LOOK and not _ends_within(full):
        events = unfinished_events(head, tail)  # hours of lines, no end: not read whole
    if events is None:
        return summarize_stamped(sessions_dir, rel)
    summary = Summary(id=rel.rpartition("/")[2].removesuffix(".jsonl"), rel=rel)
    reading = Reading(summary, slim=False)
    reading.begin(events[0])
    for e in events[1:]:
        reading.feed(e)
    reading.finish(events[-1]["t"])
    summary.notes, summary.tags, summary.texts, summary.findings = 0, [], [], []
    summary.closing = summary.plan = ""
    summary.partial = True
    return summary, stamp


def _ends_within(path: str) -> bool:
    """Whether a ``session_ended`` line is anywhere in the file (True if it cannot be read:
    the full read says why). A look through the bytes in pieces, far cheaper than decoding
    every line: a 173 MB journal in a fraction of a second."""
    try:
        fd = _open_file(path)
    except OSError:
        return True
    try:
        carry = b""
        while piece := os.read(fd, LOOK_PIECE):
            seen = carry + piece
            if holds_end(seen):
                return True
            carry = seen[-END_MARK:]
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _ends(path: str) -> tuple[bytes | None, bytes | None, Stamp]:
    """The first line (with its newline; None if it is not within FAST_MAX) and the last
    TAIL_READ bytes from their first whole line on (None if none starts there), and the
    stamp: open, fstat, two or three reads."""
    fd = _open_file(path)
    try:
        st = os.fstat(fd)
        stamp = (st.st_size, st.st_mtime_ns)
        size = st.st_size
        head = os.pread(fd, min(HEAD_READ, size), 0)
        end = head.find(b"\n")
        if end < 0 and size > HEAD_READ:
            head = os.pread(fd, min(FAST_MAX, size), 0)
            end = head.find(b"\n")
        if end < 0 or end + 1 >= size:
            return None, None, stamp  # one line or none: read it whole
        at = max(end + 1, size - TAIL_READ)
        tail = head[at:] if size <= len(head) else os.pread(fd, size - at, at)
    finally:
        os.close(fd)
    if len(tail) != size - at:
        return None, None, stamp  # changed while read: the full read takes it
    if at > end + 1:
        cut = tail.find(b"\n")
        if cut < 0:
            return head[: end + 1], None, stamp
        tail = tail[cut + 1 :]
    return head[: end + 1], tail, stamp


# The types review reads; the rest (checkpoints, cues) only count for the session's length.
_REVIEWED = frozenset({"session_started", "note"}) | frozenset(
    {"note_retracted", "toggle_started", "amended", "closing_note", "session_ended"}
    | {"resumed_after_crash", "signed"}
    | FINDING_KINDS
)


def _apply_streamed(summary: Summary, full: str) -> None:
    """The tolerant reader's events, one line at a time, fed to the summary as they come:
    no list of the journal's events (a planted one may hold millions)."""
    from sessiontimer.core.journal_read import JournalStream

    stream = JournalStream(Path(full))
    events = iter(stream)
    first = next(events, None)
    reading = Reading(summary)
    if first is None or first.get("type") == "session_started":
        reading.begin(first)
        if first is not None:
            events = itertools.chain([first], events)
    else:  # the start further in (or none): found first, as the fast path does, then read
        found = JournalStream(Path(full), frozenset({"session_started"}))
        start = next((e for e in found if e.get("type") == "session_started"), None)
        reading.begin(start)
        stream = JournalStream(Path(full))
        events = iter(stream)
    top: float | None = None
    count = 0
    for count, e in enumerate(events, start=1):  # noqa: B007 - used after
        t = e.get("t")
        if isinstance(t, (int, float)) and (top is None or t > top):
            top = t
        if e["type"] in _REVIEWED:
            reading.feed(e)
    summary.problems.extend(p.replace(f"{full}, ", "") for p in stream.problems)
    if stream.truncated_tail:
        summary.problems.append("the last line is half-written")
    if not count and not summary.problems:
        summary.problems.append("the file is empty")
    reading.finish(top)


FAST_MAX = 8 << 20  # a larger file (no session the app writes is) is read line by line


def _open_file(path: str) -> int:
    """A journal opened for reading; a FIFO, a device or a folder in its place is refused
    (OSError: listed as damaged), never waited on: opening a FIFO waits for a writer."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        if _NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _read(path: str) -> tuple[bytes | None, Stamp]:
    """The whole file and its stamp, in three system calls: open, fstat, read.

    None instead of the bytes for a file over FAST_MAX: it is read line by line instead.
    """
    fd = _open_file(path)
    try:
        st = os.fstat(fd)
        if st.st_size > FAST_MAX:
            return None, (st.st_size, st.st_mtime_ns)
        data = os.read(fd, st.st_size + 1)  # one read, unless the file grew since fstat
        if len(data) > st.st_size:
            return None, (st.st_size, st.st_mtime_ns)  # growing: the line reader takes it
    finally:
        os.close(fd)
    return data, (st.st_size, st.st_mtime_ns)  # a stale stamp only means a re-read later
