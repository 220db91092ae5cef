"""Finding the interrupted sessions to offer at start: one bad file never hides the others.

The search runs on every start, over files a sync tool, an editor or another person may have
touched: whatever fails for one journal (unreadable, planted, a phase the preset lacks) is
said in words and that journal skipped; the others are still offered.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from sessiontimer.core.journal_read import (
    JournalError,
    JournalStream,
    ResumeInfo,
    describe,
    ended_in_tail,
    resume_state,
)
from sessiontimer.core.replay import NoSessionStart, UnusablePreset

# Each checkpoint supersedes the one before, and an offer keeps no notes (a note tells it
# only its time and id, which the next line's supersede): of a run of them only the last is
# decoded. A planted journal of a million notes took the offer 28.6 s, every note decoded.
_COLLAPSED = frozenset({"checkpoint", "note"})


Ended = Callable[[str], Mapping[str, tuple[int, int]]]
"""year folder -> {"YYYY/name.jsonl": (size, mtime_ns)} of journals known to hold a
``session_ended`` line when they had that size and mtime (the review index knows)."""


def resume_offers(
    sessions_dir: Path, problems: list[str], ended: Ended | None = None
) -> list[tuple[Path, ResumeInfo]]:
    """Unfinished journals that can be resumed, newest first; the rest said in ``problems``.

    One pass over each journal that does not end in ``session_ended``, in the memory of a
    line: notes are not kept (``light``) and runs of checkpoints and notes are passed over
    undecoded but their last, so a planted journal of a million lines is described in a
    second or two.
    ``ended``: a journal known as ended whose size and mtime are still the same is passed
    over without being opened (at 200,000 journals, 200,000 opens at every start).
    """
    found = []
    known: Mapping[str, tuple[int, int]] = {}
    year = None
    for path in journals_newest_first(Path(sessions_dir)):
        if ended is not None and path.parent.name != year:
            year = path.parent.name
            known = _ended_in(ended, year)
        if _still_ended(path, known.get(f"{year}/{path.name}")) or ended_in_tail(path):
            continue
        stream = JournalStream(path, collapse=_COLLAPSED)
        try:
            info = resume_state(stream, light=True)
            if stream.unreadable:
                raise JournalError(stream.unreadable)
        except NoSessionStart:  # empty (nothing to say), unreadable or its start damaged
            if stream.problems:
                why = stream.unreadable or stream.problems[0].replace(f"{path}, ", "")
                problems.append(f"a journal could not be read: {path}: {why}")
            continue
        except UnusablePreset as exc:  # read, but not a session that can go on
            problems.append(f"an interrupted session cannot be resumed: {path}: {exc}")
            continue
        except Exception as exc:  # one bad file must not hide the others
            problems.append(f"a journal could not be read: {path}: {describe(exc)}")
            continue
        if not info.ended:
            found.append((path, info))
    return found


def _ended_in(ended: Ended, year: str) -> Mapping[str, tuple[int, int]]:
    try:
        return ended(year)
    except Exception:  # the index is a help only: without it, every tail is read
        return {}


def _still_ended(path: Path, stamp: tuple[int, int] | None) -> bool:
    """The journal is the one known as ended (same size and mtime, a regular file)."""
    if stamp is None:
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns) == stamp


def journals_newest_first(sessions_dir: Path) -> Iterator[Path]:
    """Every ``*/*.jsonl``, in the order of ``sorted(glob(...), reverse=True)`` (by folder,
    then by name), one folder listed at a time: at 200,000 journals the list of every path
    at once was most of the app's peak memory at start (about 60 MB of Path objects)."""
    try:
        years = sorted((e.name for e in os.scandir(sessions_dir) if _is_dir(e)), reverse=True)
    except OSError:
        return
    for year in years:
        folder = sessions_dir / year
        try:
            names = [e.name for e in os.scandir(folder) if e.name.endswith(".jsonl")]
        except OSError:
            continue
        for name in sorted(names, reverse=True):
            yield folder / name


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a symlinked folder counts, as glob's "*/" follows it
    except OSError:
        return False
