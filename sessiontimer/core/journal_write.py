"""The crash-safe journal writer: group commit on a background thread, nothing ever lost.

A note is acknowledged on screen only after its line is fsynced, yet the UI must never wait
on the disk. So :meth:`JournalWriter.append` only queues; one thread takes everything queued,
writes it in one call, fsyncs once, and only then calls the ``on_durable`` callbacks in order.
When the disk misbehaves (full, read-only, folder deleted) the lines stay in memory, in order,
and the thread retries; the problem is reported once and the recovery too.
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
        fd = open_private(path, os.O_WRONLY | os.O_APPEND)
        if created:  # make the new directory entry itself durable
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return fd

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
    used to rebuild the file if it vanishes and to end a half-written last line.
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
        self._history: list[bytes] = [prior] if prior else []
        self._head_done = 0  # bytes of the first queued line already in the file
        self._appended = self._durable = 0
        self._handle: int | None = None
        self._expected = -1  # bytes the file should hold; -1 until first opened
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
        self._drop_handle()

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
            self._drop_handle()  # deleted under us: writing on would feed an unlinked file
        if self._handle is not None:
            return self._handle
        self._fs.makedirs(self.path.parent)
        handle = self._fs.open_append(self.path)
        size = self._fs.size(handle)
        if self._expected == -1:
            self._expected = size
        elif size < self._expected:  # the file was deleted or cut: rebuild it from memory
            self._rebuild(handle, size)
        self._handle = handle
        return handle

    def _rebuild(self, handle: int, size: int) -> None:
        data = (b"\n" if size else b"") + b"".join(self._history)
        while data:
            data = data[self._fs.write(handle, data) :]
        self._expected = size + len(b"".join(self._history)) + (1 if size else 0)
        self._head_done = 0

    def _failed(self, exc: OSError) -> None:
        self._drop_handle()
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
            self._history.extend(line for line, _ in batch)
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

    def _drop_handle(self) -> None:
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        with contextlib.suppress(OSError):
            self._fs.close(handle)
