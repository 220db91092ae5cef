"""The review index: every journal's Summary, cached so the Sessions screen opens at once.

The journals are the only source of truth. The index is a cache in the state folder, keyed
by each file's path, size and mtime: a file that changed, appeared or went away is re-read or
dropped at the next refresh, and deleting the index loses nothing. Reading never writes to a
journal; the index is written atomically (temp file + rename), 0600 in a 0700 folder.

The index is pickles of plain lists (about three times quicker to load than the same JSON),
behind a header and a CRC-32: a head ``(chunk count, order)``, then chunks of rows, as the
readers pickled them (see _SharedRead). It is loaded with an unpickler that refuses every
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

from sessiontimer.review.summary import Stamp, Summary, summarize_stamped

INDEX_NAME = "review-index.bin"
OLD_NAMES = ("review-index.json",)  # earlier formats: removed by forget()
HEAD_NAME = "review-head.json"  # the newest HEAD_ROWS rows: the Sessions screen's first paint
HEAD_ROWS = 100
INDEX_VERSION = 3
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
        unpickler = _PlainUnpickler(io.BytesIO(payload))
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


class _PlainUnpickler(pickle.Unpickler):
    """Lists, tuples, dicts, strings and numbers only: any class or function is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the review index may not name {module}.{name}")


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
        reads, chunks = _read_all(sessions_dir, todo, processes)
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


Read = tuple[Summary, Stamp | None]
Prepared = tuple[list[bytes], list[int]]  # pickled chunks of rows, then the sorted order
CHUNK = 100  # journals per work item of the forked readers


def _read_all(
    sessions_dir: Path, rels: list[str], processes: bool
) -> tuple[list[Read], list[bytes] | None]:
    """Summaries and stamps of ``rels``, plus (when read by forked children too) each chunk
    of them already pickled as the index stores it, in the same order as the reads."""
    root = str(sessions_dir)
    workers = _cpus()
    if not processes or workers < 2 or not _may_fork(len(rels)):
        return [summarize_stamped(root, rel) for rel in rels], None
    return _SharedRead(root, rels, workers).run()


class _SharedRead:
    """The parent and ``workers - 1`` forked children claim chunks of journals from a pipe
    of chunk numbers (so a slow process just takes fewer), and each pickles its chunks as it
    goes: the parent takes in the children's while it reads, and the index file is these
    pickles joined, so nothing is pickled twice or after the reading. A child that fails only
    means the parent reads the chunks it did not send."""

    def __init__(self, root: str, rels: list[str], workers: int) -> None:
        self.root = root
        size = max(CHUNK, -(-len(rels) // 4096))  # at most 16 KB of chunk numbers
        self.chunks = [rels[i : i + size] for i in range(0, len(rels), size)]
        self.reads: list[list[Read] | None] = [None] * len(self.chunks)
        self.pickled: list[bytes | None] = [None] * len(self.chunks)
        self.workers = workers

    def run(self) -> tuple[list[Read], list[bytes] | None]:
        work, tokens = os.pipe()
        os.write(tokens, b"".join(n.to_bytes(4, "big") for n in range(len(self.chunks))))
        os.close(tokens)
        children = [(*self._fork(work), bytearray()) for _ in range(1, self.workers)]
        while (n := _claim(work)) is not None:
            self._read_chunk(n)
            for _, fd, buf in children:
                self._take(fd, buf, wait=False)
        os.close(work)
        for pid, fd, buf in children:
            self._take(fd, buf, wait=True)
            os.close(fd)
            os.waitpid(pid, 0)
        for n, done in enumerate(self.reads):
            if done is None:  # claimed by a child that failed
                self._read_chunk(n)
        reads = [r for chunk in self.reads if chunk is not None for r in chunk]
        ok = all(stamp is not None for _, stamp in reads)
        return reads, [p for p in self.pickled if p is not None] if ok else None

    def _read_chunk(self, n: int) -> None:
        reads = [summarize_stamped(self.root, rel) for rel in self.chunks[n]]
        self.reads[n] = reads
        self.pickled[n] = _pickle_chunk(reads)

    def _fork(self, work: int) -> tuple[int, int]:
        read_end, write_end = os.pipe()
        with contextlib.suppress(AttributeError, OSError):  # fewer wake-ups: a 1 MB pipe
            import fcntl

            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 1 << 20)
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as out:
                    while (n := _claim(work)) is not None:
                        data = _child_rows(self.root, self.chunks[n])
                        out.write(n.to_bytes(4, "big") + len(data).to_bytes(4, "big") + data)
                        out.flush()
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        os.set_blocking(read_end, False)
        return pid, read_end

    def _take(self, fd: int, buf: bytearray, wait: bool) -> None:
        """Add what a child has sent so far (``wait``: all it will send) to the reads."""
        os.set_blocking(fd, wait)
        with contextlib.suppress(BlockingIOError, OSError):
            while data := os.read(fd, 1 << 20):
                buf += data
        while len(buf) >= 8 and len(buf) >= 8 + (size := int.from_bytes(buf[4:8], "big")):
            n, data = int.from_bytes(buf[:4], "big"), bytes(buf[8 : 8 + size])
            del buf[: 8 + size]
            with contextlib.suppress(pickle.UnpicklingError, ValueError, TypeError, EOFError):
                rows, stamps = _PlainUnpickler(io.BytesIO(data)).load()
                if 0 <= n < len(self.reads) and self.reads[n] is None:
                    self.reads[n] = [(Summary.from_row(r), stamps.get(r[1])) for r in rows]
                    self.pickled[n] = data


def _claim(work: int) -> int | None:
    """The next chunk number from the work pipe (reads of 4 bytes never interleave)."""
    token = os.read(work, 4)
    return int.from_bytes(token, "big") if len(token) == 4 else None


def _pickle_chunk(reads: list[Read]) -> bytes:
    return _dumps(([s.to_row() for s, _ in reads], {s.rel: stamp for s, stamp in reads}))


def _child_rows(root: str, rels: list[str]) -> bytes:
    """A child's work on one chunk: the chunk as the index stores it."""
    return _pickle_chunk([summarize_stamped(root, rel) for rel in rels])


def _may_fork(count: int) -> bool:
    """Forking pays off for a large job, and is only safe in a process with one thread."""
    return count >= PARALLEL_MIN and hasattr(os, "fork") and threading.active_count() == 1


def _cpus() -> int:
    try:
        return min(8, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return min(8, os.cpu_count() or 1)


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


def _dumps(value: Any) -> bytes:
    """Pickle without the memo: seven times quicker for our acyclic lists of plain values."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, 5)
    with contextlib.suppress(AttributeError):  # documented as deprecated; harmless if gone
        pickler.fast = True
    pickler.dump(value)
    return out.getvalue()


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
