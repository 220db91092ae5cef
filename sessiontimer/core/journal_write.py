"""The crash-safe journal writer: group commit on a background thread, nothing ever lost.

A note is acknowledged on screen only after its line is fsynced, yet the UI must never wait
on the disk. So :meth:`JournalWriter.append` only queues; one thread takes everything queued,
writes it in one call, fsyncs once, and only then calls the ``on_durable`` callbacks in order.
When the disk misbehaves (full, read-only, folder deleted) the lines not yet written stay in
memory, in order, and the thread retries; the problem is reported once and the recovery too.

Lines already written are not kept in memory (an 8-hour session must not grow): if the file
is deleted or replaced under the writer, the old descriptor still reads the old contents (an
unlinked file lives on while open), so the writer keeps it open and copies from it into the
new file. Only ``prior`` (the file's bytes on resume) is held, until the file is first opened.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sessiontimer.core.journal import encode_line

Callback = Callable[[], None]
COPY_CHUNK = 1 << 16  # bytes read back per call while rebuilding a deleted file
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private_dirs(path: Path) -> None:
    """Create ``path`` and missing parents as 0700 whatever the umask; fix the leaf to 0700.

    ``Path.mkdir(parents=True, mode=...)`` gives the parents the umask's mode, so each
    missing level is made and chmod-ed here. Existing parents are left alone.
    """
    missing: list[Path] = []
    level = path
    while not level.exists():
        missing.append(level)
        if level.parent == level:
            break
        level = level.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)
    os.chmod(path, PRIVATE_DIR)


def open_private(path: Path, flags: int) -> int:
    """Open (creating) a file as 0600 whatever the umask; returns the descriptor."""
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)
    except BaseException:
        os.close(fd)
        raise
    return fd


class FileLayer(Protocol):
    """The few file operations the writer uses; injectable so tests can record and fail them."""

    def makedirs(self, path: Path) -> None: ...
    def open_append(self, path: Path) -> int: ...
    def read_at(self, handle: int, offset: int, size: int) -> bytes: ...
    def size(self, handle: int) -> int: ...
    def is_current(self, handle: int, path: Path) -> bool: ...
    def write(self, handle: int, data: bytes) -> int: ...
    def fsync(self, handle: int) -> None: ...
    def close(self, handle: int) -> None: ...


class OsFileLayer:
    """The real file system: 0600 files, 0700 folders, and the folder fsynced on creation."""

    def makedirs(self, path: Path) -> None:
        make_private_dirs(path)

    def open_append(self, path: Path) -> int:
        created = not path.exists()
        fd = open_private(path, os.O_RDWR | os.O_APPEND)  # readable: see read_at
        if created:  # make the new directory entry itself durable
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return fd

    def read_at(self, handle: int, offset: int, size: int) -> bytes:
        """Read back what the writer wrote, even after the file was unlinked."""
        if hasattr(os, "pread"):
            return os.pread(handle, size, offset)
        os.lseek(handle, offset, os.SEEK_SET)  # O_APPEND: writes ignore this offset
        return os.read(handle, size)

    def size(self, handle: int) -> int:
        return os.fstat(handle).st_size

    def is_current(self, handle: int, path: Path) -> bool:
        """False when the file was deleted or replaced under the open handle."""
        try:
            here, there = os.fstat(handle), os.stat(path)
        except FileNotFoundError:
            return False
        return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)

    def write(self, handle: int, data: bytes) -> int:
        return os.write(handle, data)

    def fsync(self, handle: int) -> None:
        os.fsync(handle)

    def close(self, handle: int) -> None:
        os.close(handle)


def describe_os_error(path: Path, exc: OSError) -> str:
    """A message for the practitioner: which file, what went wrong, what happens now."""
    reason = exc.strerror or (errno.errorcode.get(exc.errno or 0) if exc.errno else None)
    return (
        f"cannot save the session journal {path}: {reason or exc}. "
        "Notes are kept in memory and saving is retried every few seconds."
    )


class JournalWriter:
    """Appends lines to one journal file; see the module docstring for the guarantees.

    Callbacks (``on_durable``, ``on_problem``, ``on_recovered``) run on the writer thread:
    a UI must hand them to its own loop. ``prior`` is what the file held before (on resume),
    used to end a half-written last line, and to rebuild the file if it is gone or shorter
    when first opened (kept only until then).
    """

    def __init__(
        self,
        path: Path,
        *,
        fs: FileLayer | None = None,
        on_problem: Callable[[str], None] | None = None,
        on_recovered: Callback | None = None,
        retry_interval: float = 2.0,
        prior: bytes = b"",
    ) -> None:
        self.path = Path(path)
        self._fs: FileLayer = fs if fs is not None else OsFileLayer()
        self._on_problem = on_problem
        self._on_recovered = on_recovered
        self._retry = retry_interval
        self._cond = threading.Condition()
        self._queue: list[tuple[bytes, Callback | None]] = []
        self._head_done = 0  # bytes of the first queued line already in the file
        self._appended = self._durable = 0
        self._handle: int | None = None
        self._expected = -1  # bytes the file should hold; -1 until first opened
        self._prior = prior  # dropped once the opened file is seen to hold it
        self._source: int | None = None  # a retired handle, kept to copy the old lines from
        self._source_end = 0  # bytes of finished lines in the source
        self._copied: int | None = None  # bytes of the copy stream written; None: no copy
        self._separator = b""  # written before the old lines when the new file is not empty
        self._closing = False
        self.problem: str | None = None
        if prior and not prior.endswith(b"\n"):
            self._queue.append((b"\n", None))
            self._appended += 1
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
        self._thread.start()

    def append(self, event: dict[str, object], on_durable: Callback | None = None) -> None:
        """Queue one event; never blocks on the disk, never raises for disk trouble."""
        line = encode_line(event)
        with self._cond:
            if self._closing:
                raise RuntimeError("the journal writer is closed")
            self._queue.append((line, on_durable))
            self._appended += 1
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called: the journal is final."""
        with self._cond:
            return self._closing

    @property
    def pending(self) -> int:
        """How many appended lines are not durable yet."""
        with self._cond:
            return self._appended - self._durable

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything appended so far is durable; False on timeout."""
        with self._cond:
            goal = self._appended
            return self._cond.wait_for(lambda: self._durable >= goal, timeout)

    def close(self, timeout: float | None = 5.0) -> bool:
        """Write what is queued (within ``timeout``), stop the thread; True if nothing is left."""
        done = self.flush(timeout)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        return done

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._queue) or self._closing)
                if not self._queue:
                    break
                batch = list(self._queue)
            try:
                self._commit(batch)
            except OSError as exc:
                self._failed(exc)
                if self._closing:
                    break
                continue
            self._succeeded(batch)
        self._retire()
        self._release_source()

    def _commit(self, batch: list[tuple[bytes, Callback | None]]) -> None:
        """Write the batch (resuming a partial write) and fsync it."""
        handle = self._open()
        data = b"".join(line for line, _ in batch)[self._head_done :]
        while data:
            n = self._fs.write(handle, data)
            self._advance(n)
            data = data[n:]
        self._fs.fsync(handle)

    def _advance(self, written: int) -> None:
        """Count bytes in the file, so a retry never writes a line twice."""
        self._expected += written
        self._head_done += written

    def _open(self) -> int:
        if self._handle is not None and not self._fs.is_current(self._handle, self.path):
            self._retire()  # deleted or replaced under us: writing on would feed an unlinked file
        if self._handle is not None:
            return self._handle
        self._fs.makedirs(self.path.parent)
        handle = self._fs.open_append(self.path)
        try:
            self._catch_up(handle, self._fs.size(handle))
        except BaseException:
            with contextlib.suppress(OSError):
                self._fs.close(handle)
            raise
        self._release_source()  # the file holds every finished line again
        self._handle = handle
        return handle

    def _catch_up(self, handle: int, size: int) -> None:
        """Make a newly opened file hold every finished line: copy them in if it is short.

        A copy cut short by an error resumes where it stopped when the file is reopened
        (``size`` equals ``_expected``), and starts over if the file went again.
        """
        if self._expected == -1:  # first open: the file should hold ``prior``
            self._expected = self._source_end = len(self._prior)
        if size < self._expected and (self._source is not None or self._prior):
            self._copied, self._expected, self._head_done = 0, size, 0
            self._separator = b"\n" if size else b""  # end whatever line the file ends with
        self._expected = max(self._expected, size)
        if self._copied is None:
            return
        total = len(self._separator) + self._source_end
        while self._copied < total:
            chunk = self._read_old(self._copied, min(COPY_CHUNK, total - self._copied))
            if not chunk:  # the old file was cut as well: what is left of it is all there is
                break
            n = self._fs.write(handle, chunk)
            self._copied += n
            self._expected += n

    def _read_old(self, offset: int, size: int) -> bytes:
        """Bytes of the copy stream: the separator, then the old file (or ``prior``)."""
        sep = self._separator
        if offset < len(sep):
            return sep[offset : offset + size]
        offset -= len(sep)
        if self._source is None:
            return self._prior[offset : offset + size]
        return self._fs.read_at(self._source, offset, size)

    def _retire(self) -> None:
        """Stop writing through the handle but keep it open: it may hold the only copy left.

        Its finished lines are copied into the next file if that file turns out short.
        A handle is only set once the source is released, so there is never both.
        """
        handle, self._handle = self._handle, None
        if handle is not None:
            self._source, self._source_end = handle, self._expected - self._head_done

    def _release_source(self) -> None:
        """The old lines are safe in the file (or the writer stops): let the old copy go."""
        source, self._source = self._source, None
        self._prior, self._copied = b"", None
        if source is not None:
            with contextlib.suppress(OSError):
                self._fs.close(source)

    def _failed(self, exc: OSError) -> None:
        self._retire()
        message = describe_os_error(self.path, exc)
        is_new = message != self.problem
        self.problem = message
        if is_new and self._on_problem is not None:
            self._on_problem(message)
        with self._cond:
            self._cond.wait_for(lambda: self._closing, self._retry)

    def _succeeded(self, batch: list[tuple[bytes, Callback | None]]) -> None:
        """Callbacks first, then the count: ``flush()`` returns only after they all ran."""
        with self._cond:
            del self._queue[: len(batch)]
            self._head_done = 0
        for _, callback in batch:
            if callback is not None:
                with contextlib.suppress(Exception):  # a broken callback must not stop us
                    callback()
        if self.problem is not None:
            self.problem = None
            if self._on_recovered is not None:
                self._on_recovered()
        with self._cond:
            self._durable += len(batch)
            self._cond.notify_all()
