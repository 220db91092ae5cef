"""Private files and folders: 0600 and 0700 whatever the umask, never through a link or a FIFO.

Session logs are health information. Every file the app writes (state, exports registry,
error log, the index, exports, the config it creates) is opened here: ``O_NOFOLLOW`` so a
planted symlink is refused, non-blocking so a planted FIFO cannot hang the app, and checked
to be a regular file before a byte is written. Folders the app creates are 0700; a folder
that already exists (a shared 1777 one, the user's home) is never chmod-ed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def make_private_dirs(path: Path) -> None:
    """Create ``path`` and its missing parents as 0700 whatever the umask.

    Only the levels created here are chmod-ed (``mkdir``'s mode is cut by the umask); an
    existing folder keeps its mode: the app never changes a folder it did not create.
    """
    missing: list[Path] = []
    level = Path(path)
    while not level.exists():
        missing.append(level)
        if level.parent == level:
            break
        level = level.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:
            continue  # made meanwhile by someone else: not ours to change
        os.chmod(folder, PRIVATE_DIR)


def open_private(path: Path, flags: int) -> int:
    """Open (creating) a regular file as 0600 whatever the umask; returns the descriptor.

    Refuses a symlink (``O_NOFOLLOW``) and anything that is not a regular file (a FIFO, a
    device) with an OSError that names the file. A file that exists keeps its owner; its
    mode is set to 0600 when the app owns it.
    """
    fd = os.open(path, flags | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC, PRIVATE_FILE)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file; nothing written", str(path))
        if _NONBLOCK:
            os.set_blocking(fd, True)
        if hasattr(os, "fchmod") and info.st_uid == os.geteuid() and info.st_mode & 0o177:
            os.fchmod(fd, PRIVATE_FILE)
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise
    return fd
