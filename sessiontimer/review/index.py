"""The review index: every journal's Summary, cached so the Sessions screen opens at once.

The journals are the only source of truth. The index is a cache in the state folder, keyed
by each file's path, size and mtime: a file that changed, appeared or went away is re-read or
dropped at the next refresh, and deleting the index loses nothing. Reading never writes to a
journal; the index is written atomically (temp file + rename), 0600 in a 0700 folder.

The index is a pickle of plain lists (about three times quicker to load than the same JSON),
behind a header and a CRC-32; it is loaded with an unpickler that refuses every class, so a
damaged or planted file can only be rejected (and rebuilt), never run.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import marshal
import os
import pickle
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessiontimer.review.summary import Stamp, Summary, summarize_stamped

INDEX_NAME = "review-index.bin"
OLD_NAMES = ("review-index.json",)  # earlier formats: removed by forget()
HEAD_NAME = "review-head.json"  # the newest HEAD_ROWS rows: the Sessions screen's first paint
HEAD_ROWS = 100
INDEX_VERSION = 2
# The Python version is part of the header: a pickle is only trusted from the same one.
_MAGIC = (
    f"sessiontimer-index {INDEX_VERSION} py{sys.version_info[0]}.{sys.version_info[1]}\n".encode()
)
PARALLEL_MIN = 2000  # fewer journals than this are read in one process (forking costs more)


@dataclass
class Index:
    """Summaries newest first, plus the stamps that say which files they came from."""

    summaries: list[Summary]
    stamps: dict[str, Stamp]  # rel -> (size, mtime_ns) of the bytes summarized
    reread: int = 0  # how many journals this refresh had to read

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
        rows, stamps = _PlainUnpickler(io.BytesIO(payload)).load()
        if not isinstance(stamps, dict):
            return None
        return Index([Summary.from_row(row) for row in rows], stamps)
    except (OSError, ValueError, TypeError, LookupError, EOFError, pickle.UnpicklingError):
        return None


class _PlainUnpickler(pickle.Unpickler):
    """Lists, tuples, dicts, strings and numbers only: any class or function is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the review index may not name {module}.{name}")


def refresh(
    sessions_dir: Path, cache_dir: Path | None, *, save: bool = True, processes: bool = False
) -> Index:
    """Bring the index in line with the journals on disk; re-read only what changed.

    ``processes`` lets a large cold build use every core (the command line does; the app,
    whose reading runs in a thread worker, does not fork).
    """
    with _no_gc():  # ~10^6 small objects, none of them garbage: collecting them is waste
        index, changed = _brought_up_to_date(sessions_dir, cache_dir, processes)
        if save and cache_dir is not None and changed:
            save_index(index, cache_dir)
    return index


def _brought_up_to_date(
    sessions_dir: Path, cache_dir: Path | None, processes: bool
) -> tuple[Index, bool]:
    """The fresh index, and whether it differs from the one saved."""
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
    if todo:
        _add_read(sessions_dir, todo, processes, summaries, stamps)
        summaries.sort(key=_newest_first, reverse=True)
    changed = cached is None or bool(todo) or len(summaries) != len(cached.summaries)
    return Index(summaries, stamps, len(todo)), changed


def _add_read(
    sessions_dir: Path,
    rels: list[str],
    processes: bool,
    summaries: list[Summary],
    stamps: dict[str, Stamp],
) -> None:
    """Read ``rels`` into ``summaries`` and ``stamps``; a journal gone meanwhile is left out."""
    for summary, stamp in _read_all(sessions_dir, rels, processes):
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


Read = tuple[Summary, Stamp | None]


def _read_all(sessions_dir: Path, rels: list[str], processes: bool) -> list[Read]:
    """Summaries and stamps of ``rels``; with ``processes``, forked children share the work.

    Each child takes every n-th journal (so each gets as many long ones), sends back plain
    rows through a pipe and exits; a child that fails only means we read its share too.
    """
    root = str(sessions_dir)
    workers = _cpus()
    if not processes or workers < 2 or not _may_fork(len(rels)):
        return [summarize_stamped(root, rel) for rel in rels]
    children = [(_fork_reader(root, rels[i::workers]), rels[i::workers]) for i in range(1, workers)]
    done = [summarize_stamped(root, rel) for rel in rels[::workers]]
    for (pid, fd), share in children:
        rows = _collect(pid, fd)
        if rows is None:
            done += [summarize_stamped(root, rel) for rel in share]
        else:
            done += [(Summary.from_row(row), stamp) for row, stamp in rows]
    return done


def _may_fork(count: int) -> bool:
    """Forking pays off for a large job, and is only safe in a process with one thread."""
    return count >= PARALLEL_MIN and hasattr(os, "fork") and threading.active_count() == 1


def _cpus() -> int:
    try:
        return min(8, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return min(8, os.cpu_count() or 1)


def _fork_reader(root: str, rels: list[str]) -> tuple[int, int]:
    """A child that summarizes ``rels`` and writes the rows to a pipe (marshal: the quickest
    to load, and only ever read from our own child)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(read_end)
            data = _child_rows(root, rels)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _child_rows(root: str, rels: list[str]) -> bytes:
    reads = [summarize_stamped(root, rel) for rel in rels]
    return marshal.dumps([(summary.to_row(), stamp) for summary, stamp in reads])


def _collect(pid: int, fd: int) -> list[tuple[list[Any], Stamp | None]] | None:
    """The rows a child sent, or None when it failed."""
    with os.fdopen(fd, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        rows: list[tuple[list[Any], Stamp | None]] = marshal.loads(data)  # our own child's
    except (EOFError, ValueError, TypeError):
        return None
    return rows


def load_head(cache_dir: Path) -> list[Summary]:
    """The newest sessions as last indexed (may be stale: only for a first paint)."""
    try:
        rows = json.loads((cache_dir / HEAD_NAME).read_bytes())
        return [Summary.from_row(row) for row in rows]
    except (OSError, ValueError, TypeError):
        return []


def save_index(index: Index, cache_dir: Path) -> None:
    """Write the index atomically; a failure only costs speed next time, so it is silent."""
    head = [s.to_row() for s in index.summaries[:HEAD_ROWS]]
    _write_atomic(cache_dir, HEAD_NAME, json.dumps(head, ensure_ascii=False).encode())
    rows = [s.to_row() for s in index.summaries]
    payload = _dumps((rows, index.stamps))
    crc = zlib.crc32(payload).to_bytes(4, "big")
    _write_atomic(cache_dir, INDEX_NAME, _MAGIC + crc + payload)
    for name in OLD_NAMES:  # an earlier format's file would keep deleted clients' rows
        with contextlib.suppress(OSError):
            (cache_dir / name).unlink()


def _dumps(value: Any) -> bytes:
    """Pickle without the memo: seven times quicker for our acyclic lists of plain values."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, 5)
    with contextlib.suppress(AttributeError):  # documented as deprecated; harmless if gone
        pickler.fast = True
    pickler.dump(value)
    return out.getvalue()


def _write_atomic(cache_dir: Path, name: str, data: bytes) -> None:
    from sessiontimer.core.journal_write import make_private_dirs, open_private

    tmp = cache_dir / f".{name}.{os.getpid()}.tmp"
    try:
        make_private_dirs(cache_dir)
        fd = open_private(tmp, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, cache_dir / name)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def forget(cache_dir: Path) -> None:
    """Delete the index (it is rebuilt from the journals on the next refresh)."""
    for name in (INDEX_NAME, HEAD_NAME, *OLD_NAMES):
        with contextlib.suppress(OSError):
            (cache_dir / name).unlink()
