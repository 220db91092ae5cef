"""Replace a small private file all at once, so a crash never leaves half of it.

Used for the UI state file and by the config editor: temp file in the same folder, fsync,
rename, fsync of the folder. 0600 in a 0700 folder whatever the umask.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from sessiontimer.core.private_files import make_private_dirs


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``; on any failure ``path`` keeps its old content."""
    path = Path(path)
    if not path.parent.exists():
        make_private_dirs(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
