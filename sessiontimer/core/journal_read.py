"""Reading journals back: tolerant parsing, unfinished sessions, and where a session stood.

A journal is read after crashes, by newer and older versions, and by review: so reading never
raises for bad content and never touches the file. Garbage lines become ``problems``; a
half-written last line (the app died mid-write) is only flagged; unknown types are skipped by
every consumer here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sessiontimer.core.field_kinds import wrong_field
from sessiontimer.core.journal import FORMAT_VERSION
from sessiontimer.core.journal_write import ResumedFile
from sessiontimer.core.lines import Line, capped_lines, open_regular, too_long
from sessiontimer.core.replay import JournalError, ResumeInfo, resume_state, wall_time

__all__ = ["JournalError", "ResumeInfo", "resume_state", "wall_time"]  # their old home

Event = dict[str, Any]
EVERY_LINES = 8192  # how often a long read says how far it is (and may be stopped)
_ENDED = b'"type":"session_ended"'


@dataclass
class JournalRead:
    """Everything readable in one file, plus what was wrong with the rest."""

    events: list[Event]
    problems: list[str]
    truncated_tail: bool


def read_journal(path: Path, keep: frozenset[str] | None = None) -> JournalRead:
    """Parse a journal; never raises for its content and never modifies it.

    ``keep``: only events of these types are kept (a long journal's checkpoints and cues
    need not be held by a reader that ignores them).
    """
    stream = JournalStream(path)
    events = [e for e in stream if keep is None or e["type"] in keep]
    return JournalRead(events, stream.problems, stream.truncated_tail)


MAX_PROBLEMS = 10  # damaged lines said one by one; the rest of a file's are counted
_NONE: frozenset[str] = frozenset()


class JournalStream:
    """The events of one journal, read line by line (one line held at a time, each capped).

    Iterate once; ``problems`` and ``truncated_tail`` are complete when the iteration ends.
    ``kinds``: only events of these types are wanted; a line in the writer's own form
    (``{"v":1,"type":"...``) of another type is passed over without being decoded.
    ``collapse``: of consecutive writer-form lines of one of these types (a long run of
    checkpoints) only the last is decoded, for a reader to which each supersedes the one
    before (the resume search). The first ``MAX_PROBLEMS`` damaged lines are said one by one,
    the rest counted: a file of a million garbage lines must not become a million sentences
    (in memory, in the index, in one row of ``logs list``).
    """

    def __init__(
        self,
        path: Path,
        kinds: frozenset[str] | None = None,
        collapse: frozenset[str] = _NONE,
        *,
        every: Callable[[int], None] | None = None,
    ) -> None:
        self.path = path
        self.every = every  # called with the line number every EVERY_LINES lines (may raise)
        self.kinds = None if kinds is None else {k.encode() for k in kinds}
        self.collapse = {k.encode() for k in collapse}
        self.problems: list[str] = []
        self.truncated_tail = False
        self.unreadable: str | None = None  # why the file could not be opened or read
        self._more = 0  # damaged lines past MAX_PROBLEMS

    def __iter__(self) -> Iterator[Event]:
        try:
            with open_regular(self.path) as f:
                yield from self.events_in(f)
        except OSError as exc:
            self.unreadable = exc.strerror or type(exc).__name__
            self.problems.append(f"cannot read {self.path}: {self.unreadable}")

    def events_in(self, f: BinaryIO) -> Iterator[Event]:
        """The events of ``f``, the journal already opened (read errors are raised)."""
        held: Line | None = None  # the last of a run of collapsed lines, not yet decoded
        every = self.every
        for line in capped_lines(f):
            if every is not None and not line.number % EVERY_LINES:
                every(line.number)
            if self.kinds is not None and line.ended and self._passed_over(line.data):
                continue
            if self.collapse and line.ended and _writer_type(line.data) in self.collapse:
                held = line
                continue
            if held is not None:
                yield from self._complete(held)
                held = None
            if line.data is None:
                self._damaged(too_long(line))
            elif not line.ended:
                event = _parse(line.data) if line.data.strip() else None
                if isinstance(event, dict):
                    yield event  # complete JSON, only the newline missing
                elif event is not None:
                    self.truncated_tail = True
            else:
                yield from self._complete(line)
        if held is not None:
            yield from self._complete(held)
        if self._more:
            self.problems.append(f"{self.path}, {self._more:,} more damaged lines are skipped")
            self._more = 0

    def _complete(self, line: Line) -> Iterator[Event]:
        """The event of a line with its newline (nothing for a blank or damaged one)."""
        raw = line.data or b""
        if not raw.strip():
            return
        if len(self.problems) >= MAX_PROBLEMS and not raw.lstrip().startswith(b"{"):
            self._more += 1  # only counted now: no need to ask json why it is not an object
            return
        event = _checked(line.number, raw)
        if isinstance(event, str):
            self._damaged(event)
        else:
            yield event

    def _damaged(self, what: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{self.path}, {what}")
        else:
            self._more += 1

    def _passed_over(self, raw: bytes | None) -> bool:
        """A line in the writer's form whose type is not wanted (others are decoded)."""
        if raw is None or not raw.startswith(_WRITER_FORM):
            return False
        end = raw.find(b'"', len(_WRITER_FORM))
        return end > 0 and raw[len(_WRITER_FORM) : end] not in (self.kinds or ())


_WRITER_FORM = b'{"v":1,"type":"'


def _writer_type(raw: bytes | None) -> bytes | None:
    """The type of a line in the writer's own form, read without decoding it."""
    if raw is None or not raw.startswith(_WRITER_FORM):
        return None
    end = raw.find(b'"', len(_WRITER_FORM))
    return raw[len(_WRITER_FORM) : end] if end > 0 else None


def _parse(raw: bytes) -> Event | str:
    try:
        value = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError as exc:
        return f"not valid JSON ({getattr(exc, 'msg', exc)})"
    except RecursionError:  # json's decoder recurses: a planted line nested 100,000 deep
        return "not valid JSON (nested too deep)"
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return "not a journal event (an object with a type is expected)"
    return value


def _checked(n: int, raw: bytes) -> Event | str:
    """The event on line ``n``, or what is wrong with it."""
    event = _parse(raw)
    if isinstance(event, str):
        return f"line {n}: {event}; the line is skipped"
    if isinstance(event.get("v"), int) and event["v"] > FORMAT_VERSION:
        return f"line {n}: written by a newer version (v{event['v']}); skipped"
    wrong = wrong_field(event)
    if wrong is not None:
        return f"line {n}: {wrong}; the line is skipped"
    return event


def is_finished(path: Path) -> bool:
    """True when the journal has a ``session_ended`` line (looks at the tail first: fast)."""
    if ended_in_tail(path):
        return True
    return any(e["type"] == "session_ended" for e in JournalStream(path, _ENDS))


def ended_in_tail(path: Path) -> bool:
    """The last 4 KB hold a ``session_ended`` line: the usual finished journal, seen at once."""
    try:
        with open_regular(path) as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 4096))
            return _ENDED in f.read()
    except OSError:
        return False


_ENDS = frozenset({"session_ended"})


_BOUNDS = frozenset({"session_started", "session_ended"})


def unfinished_sessions(sessions_dir: Path, problems: list[str] | None = None) -> list[Path]:
    """Journals that started but never ended (power cut, kill -9, quit), oldest first.

    A file that cannot be read is skipped and said in ``problems`` (the others still count).
    """
    found = []
    for path in sorted(Path(sessions_dir).glob("*/*.jsonl")):
        if ended_in_tail(path):
            continue
        stream = JournalStream(path, _BOUNDS)
        try:
            kinds = {e["type"] for e in stream if e["type"] in _BOUNDS}
            if stream.unreadable:
                raise JournalError(stream.unreadable)
        except Exception as exc:  # one bad file must not hide the others
            if problems is not None:
                problems.append(f"a journal could not be read: {path}: {describe(exc)}")
            continue
        if kinds == {"session_started"}:
            found.append(path)
    return found


def describe(exc: BaseException) -> str:
    """An exception in words, without quoting the file's content (it may be health data)."""
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if isinstance(exc, JournalError):
        return str(exc)
    return f"it holds something this version cannot read ({type(exc).__name__})"


class ResumeStopped(JournalError):
    """The practitioner stopped the reading of a journal (Escape while it was replayed)."""


Progress = Callable[[int, int], None]  # (bytes read, bytes in the file)


def load_for_resume(
    path: Path, *, progress: Progress | None = None, stop: Callable[[], bool] | None = None
) -> tuple[ResumeInfo, ResumedFile]:
    """Where an unfinished session stood, and the file it was read from (the writer's ``prior``).

    The file is kept open, not read into memory: a journal of a million lines is resumed in
    the memory of one line (and of its last notes: ``replay.NOTES_HELD``), and the writer
    copies from that descriptor only if the file is gone or replaced before it opens it.
    JournalError (in words) when it cannot be resumed. A long read calls ``progress`` now and
    then and ends in ResumeStopped as soon as ``stop()`` is true: it runs in a worker while
    the screen says how far it is.
    """
    try:
        f = open_regular(path)
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with f:
        size = os.fstat(f.fileno()).st_size

        def every(_line: int) -> None:
            if stop is not None and stop():
                raise ResumeStopped(f"{path}: the reading was stopped; nothing was changed")
            if progress is not None:
                progress(f.tell(), size)

        stream = JournalStream(path, collapse=_COLLAPSED, every=every)
        try:
            info = resume_state(stream.events_in(f))
            size = os.fstat(f.fileno()).st_size
            ends = size == 0 or (f.seek(size - 1) >= 0 and f.read(1) == b"\n")
        except OSError as exc:
            raise JournalError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if info.ended:
            raise JournalError(f"{path}: this session has already ended; nothing to resume")
        return info, ResumedFile(os.dup(f.fileno()), size, ends)


# Each checkpoint supersedes the one before: of a run of them only the last is decoded (the
# resume search reads them so too; tests/core/test_resume_offer_state.py holds them equal).
_COLLAPSED = frozenset({"checkpoint"})
