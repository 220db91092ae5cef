"""The review index: every journal's Summary, cached so the Sessions screen opens at once.

The journals are the only source of truth. The index is a cache in the state folder, keyed
by each file's path, size and mtime: a file that changed, appeared or went away is re-read or
dropped at the next refresh, and deleting the index loses nothing. Reading never writes to a
journal; the index is written atomically (temp file + rename), 0600 in a 0700 folder.

The index is pickles of plain lists (about three times quicker to load than the same JSON),
behind a header and a CRC-32: a head ``(chunk count, order)``, then chunks of rows, as the
readers pickled them (see forked_read). It is loaded with an unpickler that refuses every
class, so a damaged or planted file can only be rejected (and rebuilt), never run.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import pickle
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sessiontimer.review.forked_read import Prepared, Read, read_all
from sessiontimer.review.plain_pickle import PlainUnpickler
from sessiontimer.review.plain_pickle import dumps as _dumps
from sessiontimer.review.summary import Stamp, Summary

INDEX_NAME = "review-index.bin"
OLD_NAMES = ("review-index.json",)  # earlier formats: removed by forget()
HEAD_NAME = "review-head.json"  # the newest HEAD_ROWS rows: the Sessions screen's first paint
HEAD_ROWS = 100
INDEX_VERSION = 3
# The Python version is part of the header: a pickle is only trusted from the same one.
_MAGIC = (
    f"sessiontimer-index {INDEX_VERSION} py{sys.version_info[0]}.{sys.version_info[1]}\n".encode()
)


@dataclass
class Index:
    """Summaries newest first, plus the stamps that say which files they came from."""

    summaries: list[Summary]
    stamps: dict[str, Stamp]  # rel -> (size, mtime_ns) of the bytes summarized
    reread: int = 0  # how many journals this refresh had to read
    saving: threading.Thread | None = field(default=None, repr=False, compare=False)

    def by_id(self, ident: str) -> Summary | None:
        """Exact id, or a unique prefix of one (as typed on the command line)."""
        matches = [s for s in self.summaries if s.id == ident]
        if not matches:
            matches = [s for s in self.summaries if s.id.startswith(ident)]
        return matches[0] if len(matches) == 1 else None


def scan(sessions_dir: Path) -> dict[str, Stamp]:
    """Every ``YYYY/*.jsonl`` under the sessions folder with its size and mtime."""
    found: dict[str, Stamp] = {}
    for rel in journal_names(sessions_dir):
        with contextlib.suppress(OSError):
            st = os.lstat(os.path.join(sessions_dir, rel))
            found[rel] = (st.st_size, st.st_mtime_ns)
    return found


def journal_names(sessions_dir: Path) -> list[str]:
    """Every ``YYYY/*.jsonl`` (regular files only, no symlinks), without a stat per file."""
    found: list[str] = []
    try:
        years = [e for e in os.scandir(sessions_dir) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return found
    for year in years:
        try:
            entries = list(os.scandir(year.path))
        except OSError:
            continue
        prefix = year.name + "/"
        found += [
            prefix + e.name
            for e in entries
            if e.name.endswith(".jsonl") and e.is_file(follow_symlinks=False)
        ]
    return found


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Building 20,000 small objects triggers many useless GC passes: hold them off."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_cached(cache_dir: Path) -> Index | None:
    """The index as last saved, unchecked (None when absent or unreadable)."""
    with _no_gc():
        return _load_cached(cache_dir)


def _load_cached(cache_dir: Path) -> Index | None:
    try:
        data = (cache_dir / INDEX_NAME).read_bytes()
        crc, payload = data[len(_MAGIC) : len(_MAGIC) + 4], data[len(_MAGIC) + 4 :]
        if not data.startswith(_MAGIC) or int.from_bytes(crc, "big") != zlib.crc32(payload):
            return None
        unpickler = PlainUnpickler(io.BytesIO(payload))
        count, order = unpickler.load()  # the chunks' rows, and the order they are listed in
        rows: list[list[Any]] = []
        stamps: dict[str, Stamp] = {}
        for _ in range(count):
            chunk_rows, chunk_stamps = unpickler.load()
            rows += chunk_rows
            stamps.update(chunk_stamps)
        summaries = [Summary.from_row(row) for row in rows]  # built in the order stored
        if order is not None:
            if len(order) != len(rows):
                return None
            summaries = [summaries[i] for i in order]
        return Index(summaries, stamps)
    except (OSError, ValueError, TypeError, LookupError, EOFError, pickle.UnpicklingError):
        return None


def refresh(
    sessions_dir: Path,
    cache_dir: Path | None,
    *,
    save: bool = True,
    processes: bool = False,
    save_in_thread: bool = False,
) -> Index:
    """Bring the index in line with the journals on disk; re-read only what changed.

    ``processes`` lets a large cold build use every core (the command line does; the app,
    whose reading runs in a thread worker, does not fork). ``save_in_thread`` writes the
    index from a thread, so that the caller's printing overlaps the writing of some
    megabytes; the caller joins ``index.saving`` when done (the command line uses it).
    """
    with _no_gc():  # ~10^6 small objects, none of them garbage: collecting them is waste
        index, changed, prepared = _brought_up_to_date(sessions_dir, cache_dir, processes)
    if save and cache_dir is not None and changed:
        if save_in_thread:
            args = (index, cache_dir, prepared)
            index.saving = threading.Thread(target=save_index, args=args, name="index-save")
            index.saving.start()
        else:
            with _no_gc():
                save_index(index, cache_dir, prepared)
    return index


def _brought_up_to_date(
    sessions_dir: Path, cache_dir: Path | None, processes: bool
) -> tuple[Index, bool, Prepared | None]:
    """The fresh index, whether it differs from the one saved, and (after a cold build by
    several processes) the index file's rows already pickled."""
    cached = _load_cached(cache_dir) if cache_dir is not None else None
    if cached is None:  # cold: each journal is stamped as it is read (no stat beforehand)
        summaries: list[Summary] = []
        todo = journal_names(sessions_dir)
    else:
        on_disk = scan(sessions_dir)
        # Kept in the cached (sorted) order, so a refresh that re-reads nothing need not sort.
        summaries = [
            s
            for s in cached.summaries
            if s.rel in on_disk and on_disk[s.rel] == cached.stamps.get(s.rel)
        ]
        kept = {s.rel for s in summaries}
        todo = [rel for rel in on_disk if rel not in kept]
    stamps = {s.rel: cached.stamps[s.rel] for s in summaries} if cached else {}
    prepared = None
    if todo:
        fresh = not summaries
        reads, chunks = read_all(sessions_dir, todo, processes)
        _add_read(sessions_dir, reads, summaries, stamps)
        if chunks is not None and fresh and len(summaries) == len(reads):
            keys = [_newest_first(s) for s in summaries]
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
            summaries = [summaries[i] for i in order]
            prepared = (chunks, order)
        else:
            summaries.sort(key=_newest_first, reverse=True)
    changed = cached is None or bool(todo) or len(summaries) != len(cached.summaries)
    return Index(summaries, stamps, len(todo)), changed, prepared


def _add_read(
    sessions_dir: Path, reads: list[Read], summaries: list[Summary], stamps: dict[str, Stamp]
) -> None:
    """Add ``reads`` to ``summaries`` and ``stamps``; a journal gone meanwhile is left out."""
    if all(stamp is not None for _, stamp in reads):  # the usual case, without a loop here
        summaries += [summary for summary, _ in reads]
        stamps.update({summary.rel: stamp for summary, stamp in reads if stamp is not None})
        return
    for summary, stamp in reads:
        if stamp is None:  # unreadable: listed (as damaged) while it exists
            try:
                st = os.lstat(sessions_dir / summary.rel)
            except OSError:
                continue
            stamp = (st.st_size, st.st_mtime_ns)
        summaries.append(summary)
        stamps[summary.rel] = stamp


def _newest_first(s: Summary) -> tuple[str, str]:
    return (s.start or s.id[:17], s.id)


def load_head(cache_dir: Path) -> list[Summary]:
    """The newest sessions as last indexed (may be stale: only for a first paint)."""
    try:
        rows = json.loads((cache_dir / HEAD_NAME).read_bytes())
        return [Summary.from_row(row) for row in rows]
    except (OSError, ValueError, TypeError):
        return []


def save_index(index: Index, cache_dir: Path, prepared: Prepared | None = None) -> None:
    """Write the index atomically; a failure only costs speed next time, so it is silent.

    The payload is a head ``(chunk count, order)`` then each chunk's ``(rows, stamps)``;
    ``prepared`` gives the chunks already pickled (by the readers) and the order that sorts
    their rows newest first.
    """
    head = [s.to_row() for s in index.summaries[:HEAD_ROWS]]
    _write_atomic(cache_dir, HEAD_NAME, [json.dumps(head, ensure_ascii=False).encode()])
    if prepared is None:
        rows = [s.to_row() for s in index.summaries]
        pieces = [_dumps((1, None)), _dumps((rows, index.stamps))]
    else:
        pieces = [_dumps((len(prepared[0]), prepared[1])), *prepared[0]]
    crc = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    _write_atomic(cache_dir, INDEX_NAME, [_MAGIC + crc.to_bytes(4, "big"), *pieces])
    for name in OLD_NAMES:  # an earlier format's file would keep deleted clients' rows
        with contextlib.suppress(OSError):
            (cache_dir / name).unlink()


def _write_atomic(cache_dir: Path, name: str, pieces: list[bytes]) -> None:
    from sessiontimer.core.journal_write import make_private_dirs, open_private

    tmp = cache_dir / f".{name}.{os.getpid()}.tmp"
    try:
        make_private_dirs(cache_dir)
        fd = open_private(tmp, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "wb") as out:
            for piece in pieces:
                out.write(piece)
        os.replace(tmp, cache_dir / name)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def forget(cache_dir: Path) -> None:
    """Delete the index (it is rebuilt from the journals on the next refresh)."""
    for name in (INDEX_NAME, HEAD_NAME, *OLD_NAMES):
        with contextlib.suppress(OSError):
            (cache_dir / name).unlink()
