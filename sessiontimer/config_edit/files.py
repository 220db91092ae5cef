"""Safe writes of the config file: atomic replace, one backup, and a check for edits elsewhere.

A practitioner may have the file open in an editor while the app saves a preset. Whatever
happens (a power cut mid-save, a full disk, the other window saving first), the file on disk is
either the old version or the new one, never half of each, and never silently overwritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sessiontimer.core.atomic import atomic_write

BACKUP_SUFFIX = ".bak"


class ConfigChangedOnDisk(Exception):
    """The file changed on disk since it was loaded; the UI offers to reload instead of saving."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} changed on disk since it was loaded (edited in another window?); "
            "reload it to see those changes, then make your edit again"
        )
        self.path = path


@dataclass(frozen=True)
class Fingerprint:
    """What the file looked like when it was read: mtime and size first, the hash decides."""

    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of_bytes(cls, path: Path, data: bytes) -> Fingerprint:
        stat = path.stat()
        return cls(stat.st_mtime_ns, len(data), hashlib.sha256(data).hexdigest())

    @classmethod
    def read(cls, path: Path) -> tuple[Fingerprint | None, bytes | None]:
        """The file's fingerprint and bytes, or (None, None) if it does not exist."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None, None
        return cls.of_bytes(path, data), data


def unchanged_since(path: Path, seen: Fingerprint | None) -> bool:
    """True if ``path`` is as it was when ``seen`` was taken (None: it did not exist)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return seen is None
    if seen is None:
        return False
    if stat.st_mtime_ns == seen.mtime_ns and stat.st_size == seen.size:
        return True  # the cheap check; a touch without a change falls through to the hash
    current, _ = Fingerprint.read(path)
    return current is not None and current.sha256 == seen.sha256


def backup_path(path: Path) -> Path:
    """``config.toml`` -> ``config.toml.bak``: the one previous version kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def save_with_backup(path: Path, data: bytes, previous: bytes | None) -> None:
    """Keep ``previous`` as the backup, then write ``data``; both steps are atomic.

    The backup is written first, so a crash between the two leaves the old file in place and
    a backup equal to it.
    """
    if previous is not None:
        atomic_write(backup_path(path), previous)
    atomic_write(path, data)
