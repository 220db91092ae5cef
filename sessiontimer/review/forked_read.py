"""Reading many journals at once: the parent and forked children share the work.

Used for a cold index build (thousands of journals, nothing cached): each process claims
chunks of journals from a pipe and pickles its chunks as it goes, so the index file can be
those pickles joined. Small jobs, or a process with threads, read in one process.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import threading
from pathlib import Path

from sessiontimer.review.plain_pickle import PlainUnpickler, dumps
from sessiontimer.review.summary import Stamp, Summary, summarize_stamped

PARALLEL_MIN = 2000  # fewer journals than this are read in one process (forking costs more)
Read = tuple[Summary, Stamp | None]
Prepared = tuple[list[bytes], list[int]]  # pickled chunks of rows, then the sorted order
CHUNK = 100  # journals per work item of the forked readers


def read_all(
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
                rows, stamps = PlainUnpickler(io.BytesIO(data)).load()
                if 0 <= n < len(self.reads) and self.reads[n] is None:
                    self.reads[n] = [(Summary.from_row(r), stamps.get(r[1])) for r in rows]
                    self.pickled[n] = data


def _claim(work: int) -> int | None:
    """The next chunk number from the work pipe (reads of 4 bytes never interleave)."""
    token = os.read(work, 4)
    return int.from_bytes(token, "big") if len(token) == 4 else None


def _pickle_chunk(reads: list[Read]) -> bytes:
    return dumps(([s.to_row() for s, _ in reads], {s.rel: stamp for s, stamp in reads}))


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
