"""One instance runs sessions at a time: an advisory ``flock`` on a file in the data folder.

flock is released by the kernel when the process dies, however it dies, so a lock left by a
crash is free again at once: no stale-PID guessing. A second instance that cannot take the
lock can still review logs; it only must not run or resume a session. Where ``fcntl`` is
missing (Windows) the lock is a no-op that always succeeds.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from sessiontimer.core.private_files import make_private_dirs, open_private

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
        self._journals: list[Path] = []  # the live journals held through :meth:`hold`
        self._guard = threading.Lock()  # a session lets go from its journal writer's thread

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

    def hold(self, journal: Path) -> bool:
        """Take the lock for one live journal; it is let go when the last journal is.

        One app may hold two sessions at once for a while (one still waiting for the disk,
        one running), so holds are counted. The lock file names every live journal, so that
        the command line can refuse to delete or rewrite them (:func:`live_journals`).
        """
        with self._guard:
            if not self.acquire():
                return False
            self._journals.append(Path(journal))
            if self._fd is not None:
                self._note_owner(self._fd)
            return True

    def let_go(self, journal: Path) -> None:
        """The journal is final and on disk: drop its hold; the last one releases the lock."""
        with self._guard:
            with contextlib.suppress(ValueError):
                self._journals.remove(Path(journal))
            if self._journals:
                if self._fd is not None:
                    self._note_owner(self._fd)
                return
            self.release()

    def _note_owner(self, fd: int) -> None:
        """Write our pid and the live journals, for people and for the command line.

        The lock itself is the flock; these lines only say what it protects.
        """
        lines = [str(os.getpid()), *(str(j) for j in self._journals)]
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, ("\n".join(lines) + "\n").encode(), 0)
        except OSError:
            pass

    def release(self) -> None:
        """Give the lock back (closing the file releases the flock), whatever still holds it."""
        self._journals = []
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def live_journals(self) -> list[Path] | None:
        """The journals another live process is writing; None when it does not say which.

        Empty when no other process holds the lock. None when one does but its lock file
        names no journal (written by an older version, or the disk refused the names):
        then every unfinished journal must be taken as live.
        """
        if not self.held_elsewhere():
            return []
        try:
            with open(self.path, "rb") as f:
                lines = f.read(1 << 16).decode("utf-8", "replace").splitlines()
        except OSError:
            return None
        named = [Path(line) for line in lines[1:] if line.strip()]
        return named or None

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
