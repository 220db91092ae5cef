"""One instance runs sessions at a time: an advisory ``flock`` on a file in the data folder.

flock is released by the kernel when the process dies, however it dies, so a lock left by a
crash is free again at once: no stale-PID guessing. A second instance that cannot take the
lock can still review logs; it only must not run or resume a session. Where ``fcntl`` is
missing (Windows) the lock is a no-op that always succeeds.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sessiontimer.core.journal_write import make_private_dirs, open_private

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


class SessionLock:
    """The session lock at ``path``; ``acquire()`` never blocks."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self.problem: str | None = None  # why the lock file could not be made, if that failed

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock; False when another live process holds it (or the file can't be made)."""
        if self._fd is not None:
            return True
        self.problem = None
        try:
            make_private_dirs(self.path.parent)
            fd = open_private(self.path, os.O_RDWR)
        except OSError as exc:
            self.problem = f"cannot write {self.path} ({exc.strerror or exc})"
            return False
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
        self._fd = fd
        self._note_owner(fd)
        return True

    def held_elsewhere(self) -> bool:
        """True when another live process holds the lock: a session is running there.

        A probe that takes nothing: its unfinished journal is that live session, not one
        to offer for resume.
        """
        if self._fd is not None or fcntl is None:
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return False  # no lock file: nobody ever ran a session here
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    def _note_owner(self, fd: int) -> None:
        """Write our pid, for people looking at the file; the lock itself is the flock."""
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass

    def release(self) -> None:
        """Give the lock back (closing the file releases the flock)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
