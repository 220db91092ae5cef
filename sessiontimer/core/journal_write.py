"""The crash-safe journal writer: group commit on a background thread, nothing ever lost.

A note is acknowledged on screen only after its line is fsynced, yet the UI must never wait
on the disk. So :meth:`JournalWriter.append` only queues; one thread takes everything queued,
writes it in one call, fsyncs once, and only then calls the ``on_durable`` callbacks in order.
When the disk misbehaves (full, read-only, folder deleted) the lines not yet written stay in
memory, in order, and the thread retries; the problem is reported once and the recovery too.

Lines already written are not kept in memory (an 8-hour session must not grow): if the file
is deleted or replaced under the writer, the old descriptor still reads the old contents (an
unlinked file lives on while open), so the writer keeps it open and copies from it into the
new file. On resume the file as it was read is held as an open descriptor
(:class:`ResumedFile`), never its bytes, until the file is first opened.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sessiontimer.core.journal import encode_line
from sessiontimer.core.private_files import PRIVATE_FILE, make_private_dirs

Callback = Callable[[], None]
COPY_CHUNK = 1 << 16  # bytes read back per call while rebuilding a deleted file


@dataclass(frozen=True)
class ResumedFile:
    """The journal as it was read for resume: a read-only descriptor, its size, its last byte.

    Kept instead of the file's bytes (a 173 MB journal must not be held in memory); the
    writer owns the descriptor, copies from it if the file is gone or replaced before it is
    first opened, and closes it once the file holds those lines again.
    """

    fd: int
    size: int
    ends_line: bool  # the last byte is a newline (or the file is empty)

    def close(self) -> None:
        """For a caller that will not hand it to a writer after all."""
        with contextlib.suppress(OSError):
            os.close(self.fd)


class NotOurFile(OSError):
    """What is at the journal's path is not a regular file (a FIFO, a device, a folder)."""


class FileLayer(Protocol):
    """The few file operations the writer uses; injectable so tests can record and fail them."""

    def makedirs(self, path: Path) -> None: ...
    def open_append(self, path: Path) -> int: ...
    def create_temp(self, path: Path) -> tuple[int, Path]: ...
    def replace(self, source: Path, target: Path) -> None: ...
    def remove(self, path: Path) -> None: ...
    def fsync_dir(self, folder: Path) -> None: ...
    def read_at(self, handle: int, offset: int, size: int) -> bytes: ...
    def size(self, handle: int) -> int: ...
    def is_current(self, handle: int, path: Path) -> bool: ...
    def write(self, handle: int, data: bytes) -> int: ...
    def fsync(self, handle: int) -> None: ...
    def close(self, handle: int) -> None: ...


NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class OsFileLayer:
    """The real file system: 0600 files, 0700 folders, never through a link, never a FIFO."""

    def makedirs(self, path: Path) -> None:
        make_private_dirs(path)

    def open_append(self, path: Path) -> int:
        """Open an existing journal; NotOurFile (or ELOOP for a symlink) if it is not a file.

        Non-blocking, so that a FIFO planted at the path is refused instead of waited on.
        """
        flags = os.O_RDWR | os.O_APPEND | NOFOLLOW | CLOEXEC | NONBLOCK  # readable: read_at
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NotOurFile(errno.EINVAL, "not a regular file", str(path))
            if NONBLOCK:
                os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def create_temp(self, path: Path) -> tuple[int, Path]:
        """A new, empty, private file next to ``path`` under a name nobody else can have made."""
        for _ in range(100):
            temp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC
            try:
                fd = os.open(temp, flags, PRIVATE_FILE)
            except FileExistsError:
                continue
            with contextlib.suppress(OSError):
                os.fchmod(fd, PRIVATE_FILE)
            return fd, temp
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))

    def replace(self, source: Path, target: Path) -> None:
        """Rename over whatever is at ``target``: a link or FIFO there is replaced, not used."""
        os.replace(source, target)

    def remove(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            os.unlink(path)

    def fsync_dir(self, folder: Path) -> None:
        """Make a new directory entry durable (where folders can be opened)."""
        try:
            dir_fd = os.open(folder, os.O_RDONLY | CLOEXEC)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)

    def read_at(self, handle: int, offset: int, size: int) -> bytes:
        """Read back what the writer wrote, even after the file was unlinked."""
        if hasattr(os, "pread"):
            return os.pread(handle, size, offset)
        os.lseek(handle, offset, os.SEEK_SET)  # O_APPEND: writes ignore this offset
        return os.read(handle, size)

    def size(self, handle: int) -> int:
        return os.fstat(handle).st_size

    def is_current(self, handle: int, path: Path) -> bool:
        """False when the path no longer names the open file (deleted, replaced, a link)."""
        try:
            here, there = os.fstat(handle), os.lstat(path)
        except FileNotFoundError:
            return False
        if not stat.S_ISREG(there.st_mode):
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
        "Notes are kept in memory and saving is retried every few seconds, "
        "for as long as sessiontimer runs."
    )


class JournalWriter:
    """Appends lines to one journal file; see the module docstring for the guarantees.

    Callbacks (``on_durable``, ``on_problem``, ``on_recovered``, ``on_done``) run on the
    writer thread: a UI must hand them to its own loop. ``prior`` is what the file held
    before (on resume: a :class:`ResumedFile`, or the bytes themselves), used to end a
    half-written last line, and to rebuild the file if it is gone, replaced or shorter when
    first opened (kept only until then). Without ``prior`` the journal is new: it is always
    created, never an existing file opened.
    """

    def __init__(
        self,
        path: Path,
        *,
        fs: FileLayer | None = None,
        on_problem: Callable[[str], None] | None = None,
        on_recovered: Callback | None = None,
        retry_interval: float = 2.0,
        prior: bytes | ResumedFile = b"",
    ) -> None:
        self.path = Path(path)
        self._fs: FileLayer = fs if fs is not None else OsFileLayer()
        self._on_problem = on_problem
        self._on_recovered = on_recovered
        self._on_done: Callback | None = None
        self._retry = retry_interval
        self._cond = threading.Condition()
        self._io = threading.Lock()  # held while the file is written or copied
        self._queue: list[tuple[bytes, Callback | None]] = []
        self._head_done = 0  # bytes of the first queued line already in the file
        self._appended = self._durable = 0
        self._handle: int | None = None
        self._expected = 0  # bytes of our file (the one ``_handle`` is open on)
        self._opened = False  # False until the journal was first opened or created
        self._prior = b""  # prior bytes (when given as bytes): dropped once the file holds them
        self._source: int | None = None  # a retired handle, kept to copy the old lines from
        self._source_end = 0  # bytes of finished lines in the source
        if isinstance(prior, ResumedFile):  # the resumed file is the source until it is opened
            self._source, self._source_end = prior.fd, prior.size
            self._prior_size, ends_line = prior.size, prior.ends_line
        else:
            self._prior, self._prior_size, ends_line = prior, len(prior), prior.endswith(b"\n")
        self._closing = False  # no more lines: finish writing what is queued, then stop
        self._stopped = False  # give up (the process is leaving)
        self.problem: str | None = None
        if self._prior_size and not ends_line:
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
        """True once :meth:`finish` (or :meth:`close`) was called: the journal is final."""
        with self._cond:
            return self._closing

    @property
    def pending(self) -> int:
        """How many appended lines are not durable yet."""
        with self._cond:
            return self._appended - self._durable

    @property
    def done(self) -> bool:
        """Final and every line on disk: the writer has let its files go."""
        return self.closed and not self._thread.is_alive()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything appended so far is durable; False on timeout."""
        with self._cond:
            goal = self._appended
            return self._cond.wait_for(lambda: self._durable >= goal, timeout)

    def finish(self, on_done: Callback | None = None) -> None:
        """No more lines. The thread goes on writing (retrying for as long as the process
        runs) until every line is on disk, then lets its files go and calls ``on_done``."""
        with self._cond:
            self._on_done = on_done
            self._closing = True
            self._cond.notify_all()
        if on_done is not None and not self._thread.is_alive():
            on_done()

    def close(self, timeout: float | None = 5.0) -> bool:
        """Finish and wait up to ``timeout``; True if every line is on disk.

        On False nothing is dropped: the thread keeps trying in the background.
        """
        self.finish(self._on_done)
        done = self.flush(timeout)
        if done:
            self._thread.join(timeout)
        return done

    def stop(self) -> int:
        """Give up (the process is leaving): stop retrying; how many lines never got to disk."""
        with self._cond:
            self._stopped = self._closing = True
            self._cond.notify_all()
        return self.pending

    def write_copy(self, folder: Path) -> Path:
        """Write the whole journal (on disk or waiting) to a new file in ``folder``.

        For quitting while the journal's own folder refuses: the practitioner chooses
        another place (their home folder, a memory stick) and gets one complete journal.
        """
        folder = Path(folder)
        with self._io:
            with self._cond:
                waiting = b"".join(line for line, _ in self._queue)[self._head_done :]
            fs = OsFileLayer()
            fs.makedirs(folder)
            fd, temp = fs.create_temp(folder / self.path.name)
            try:
                for rest in itertools.chain(self._written_chunks(), [waiting]):  # chunk by chunk
                    while rest:
                        rest = rest[fs.write(fd, rest) :]
                fs.fsync(fd)
                target = _free_name(folder / self.path.name)
                os.link(temp, target)  # never over a file that is there: link fails instead
            finally:
                fs.close(fd)
                fs.remove(temp)
            fs.fsync_dir(folder)
        return target

    def _written_chunks(self) -> Iterator[bytes]:
        """The finished lines already in the journal, read back through the open file."""
        if self._handle is not None:
            yield from self._chunks(self._handle, self._expected - self._head_done)
        elif self._source is not None:
            yield from self._chunks(self._source, self._source_end)
        else:
            yield self._prior

    def _chunks(self, handle: int, size: int) -> Iterator[bytes]:
        offset = 0
        while offset < size:
            chunk = self._fs.read_at(handle, offset, min(COPY_CHUNK, size - offset))
            if not chunk:
                return
            yield chunk
            offset += len(chunk)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._queue) or self._closing)
                if self._stopped or not self._queue:
                    break
                batch = list(self._queue)
            try:
                with self._io:
                    self._commit(batch)
            except OSError as exc:
                self._failed(exc)
                continue
            self._succeeded(batch)
        with self._io:
            self._retire()
            self._release_source()
        if not self._stopped and self._on_done is not None:
            with contextlib.suppress(Exception):
                self._on_done()

    def _commit(self, batch: list[tuple[bytes, Callback | None]]) -> None:
        """Write the batch (resuming a partial write) and fsync it."""
        handle = self._open()
        data = b"".join(line for line, _ in batch)[self._head_done :]
        while data:
            n = self._fs.write(handle, data)
            self._expected += n
            self._head_done += n
            data = data[n:]
        self._fs.fsync(handle)

    def _open(self) -> int:
        """Our file at the path, checked before every batch; rebuilt if it is not there."""
        if self._handle is not None:
            if self._fs.is_current(self._handle, self.path):
                return self._handle
            self._retire()  # deleted or replaced: the old descriptor keeps the old lines
        self._fs.makedirs(self.path.parent)
        if not self._opened and self._prior_size:
            handle = self._open_resumed()
            if handle is not None:
                return handle
        return self._rebuild()

    def _open_resumed(self) -> int | None:
        """On resume, the journal as it was read (None: gone, cut, or not a regular file)."""
        try:
            handle = self._fs.open_append(self.path)
        except (FileNotFoundError, NotOurFile):
            return None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EMLINK):  # a link planted there
                return None
            raise
        size = self._fs.size(handle)
        replaced = self._source is not None and not self._fs.is_current(self._source, self.path)
        if size < self._prior_size or replaced:  # cut or swapped since it was read: rebuilt
            self._fs.close(handle)
            return None
        self._set_file(handle, size)
        return handle

    def _rebuild(self) -> int:
        """A new regular file with every finished line, put in place by rename.

        Created exclusively under a temporary name and fsynced before the rename, so a
        symlink, FIFO or device at the path is replaced, never written through; the old
        descriptor (the only copy of the old lines) is closed only after that.
        """
        handle, temp = self._fs.create_temp(self.path)
        try:
            old, end = self._source, self._source_end
            if old is None:
                old_bytes, end = self._prior, len(self._prior)
            written = 0
            while written < end:
                size = min(COPY_CHUNK, end - written)
                chunk = (
                    old_bytes[written : written + size]
                    if old is None
                    else self._fs.read_at(old, written, size)
                )
                if not chunk:  # the old file was cut as well: what is left is all there is
                    break
                while chunk:
                    n = self._fs.write(handle, chunk)
                    written += n
                    chunk = chunk[n:]
            if written:  # an empty new file has no data to sync; the folder is synced below
                self._fs.fsync(handle)
            self._fs.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                self._fs.close(handle)
            self._fs.remove(temp)
            raise
        self._fs.fsync_dir(self.path.parent)
        self._head_done = 0  # a line cut short in the old file is written whole here
        self._set_file(handle, written)
        return handle

    def _set_file(self, handle: int, size: int) -> None:
        self._handle, self._expected, self._opened = handle, size, True
        self._release_source()  # the file holds every finished line again

    def _retire(self) -> None:
        """Stop writing through the handle but keep it open: it may hold the only copy left.

        A handle is only set once the source is released, so there is never both.
        """
        handle, self._handle = self._handle, None
        if handle is not None:
            self._source, self._source_end = handle, self._expected - self._head_done

    def _release_source(self) -> None:
        """The old lines are safe in the file (or the writer stops): let the old copy go."""
        source, self._source = self._source, None
        self._prior = b""
        if source is not None:
            with contextlib.suppress(OSError):
                self._fs.close(source)

    def _failed(self, exc: OSError) -> None:
        message = describe_os_error(self.path, exc)
        is_new = message != self.problem
        self.problem = message
        if is_new and self._on_problem is not None:
            with contextlib.suppress(Exception):
                self._on_problem(message)
        with self._cond:
            self._cond.wait_for(lambda: self._stopped, self._retry)

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
                with contextlib.suppress(Exception):
                    self._on_recovered()
        with self._cond:
            self._durable += len(batch)
            self._cond.notify_all()


def _free_name(path: Path) -> Path:
    """``path``, or ``name-2.jsonl``, ``name-3.jsonl``... whichever does not exist yet."""
    n = 1
    candidate = path
    while os.path.lexists(candidate):
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate
