"""The prepared-sound cache: scaled WAVs a player can open, kept between runs.

A cue's sound at a level is a file a system player (or the worker) reads. Writing it costs
tens of milliseconds and a megabyte, so it is written once, into one private folder under the
platform cache folder (0700), named by sound and level, and reused by later runs. Files are
written under a temporary name and renamed, so a crash never leaves half a sound to reuse.
Earlier versions left a ``sessiontimer-audio-*`` folder in the temp folder on every run; those
(the user's own, real folders only) are removed when the service starts.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import stat
import tempfile
import threading
import time
from array import array
from pathlib import Path

from sessiontimer.audio.sound import write_wav
from sessiontimer.paths import private_dir, sound_cache_dir

KEEP_BYTES = 64 * 1024 * 1024  # older sounds beyond this are removed at start
LEGACY_AGE = 600.0  # seconds: a folder this fresh may belong to an old version starting now
LEGACY_PREFIX = "sessiontimer-audio-"
_UID = os.getuid() if hasattr(os, "getuid") else None  # no owners to compare on Windows


def cache_key(source: Path, factor: float, repeat: int) -> str:
    """A file name that says which sound at which level, and changes if the sound changes."""
    try:
        st = source.stat()
        version = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        version = "?"
    digest = hashlib.sha256(f"{source}|{version}|{factor!r}|{repeat}".encode()).hexdigest()
    level = f"{factor:.4f}".rstrip("0").rstrip(".")
    return f"{source.stem[:40]}-x{level}-r{repeat}-{digest[:16]}"


class SoundCache:
    """One private folder of prepared sounds; a private temporary one if that cannot be made."""

    def __init__(self, folder: Path | None = None) -> None:
        self._wanted = folder if folder is not None else sound_cache_dir()
        self._folder: Path | None = None
        self._temporary = False
        self._lock = threading.Lock()
        self._serial = itertools.count(1)

    @property
    def folder(self) -> Path:
        """The folder in use, made on first use (0700)."""
        if self._folder is None:
            try:
                if not self._wanted.parent.exists():  # ours to make private; never chmod another's
                    private_dir(self._wanted.parent)
                self._folder = private_dir(self._wanted)
            except OSError:  # a read-only home: a temporary folder, removed by close()
                self._folder = Path(tempfile.mkdtemp(prefix="sessiontimer-cache-"))
                self._temporary = True
        return self._folder

    def existing(self, key: str, size: int) -> Path | None:
        """The WAV for ``key`` if a whole one (``size`` bytes, ours) is there, else None."""
        path = self.folder / f"{key}.wav"
        return path if _whole(path, size) else None

    def store(self, key: str, samples: array[int], rate: int, channels: int) -> Path:
        """The WAV for ``key``: reused when a whole one is already there, else written."""
        path = self.folder / f"{key}.wav"
        size = 44 + 2 * len(samples)
        with self._lock:  # two threads preparing the same sound write it once
            if _whole(path, size):
                return path
            tmp = path.with_name(f".{key}.{os.getpid()}.{next(self._serial)}.tmp")
            try:
                write_wav(tmp, samples, rate, channels)
                os.replace(tmp, path)
            except OSError:
                tmp.unlink(missing_ok=True)
                if _whole(path, size):  # another process of ours wrote it meanwhile
                    return path
                raise
        return path

    def prune(self, keep_bytes: int = KEEP_BYTES) -> None:
        """Remove the least recently written sounds beyond ``keep_bytes``, and stale temporaries."""
        try:
            entries = [(e, e.stat(follow_symlinks=False)) for e in os.scandir(self.folder)]
        except OSError:
            return
        files = sorted(
            ((e, st) for e, st in entries if stat.S_ISREG(st.st_mode)),
            key=lambda item: item[1].st_mtime,
            reverse=True,
        )
        total, now = 0, time.time()
        for entry, st in files:
            if entry.name.endswith(".tmp"):  # another run may be writing it right now
                if now - st.st_mtime > LEGACY_AGE:
                    Path(entry.path).unlink(missing_ok=True)
                continue
            total += st.st_size
            if total > keep_bytes:
                Path(entry.path).unlink(missing_ok=True)

    def close(self) -> None:
        """Nothing to do for the cache folder (it is kept); a temporary fallback is removed."""
        if self._temporary and self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _whole(path: Path, size: int) -> bool:
    try:
        st = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and _UID in (None, st.st_uid) and st.st_size == size


def remove_legacy_folders(temp: Path | None = None) -> int:
    """Remove ``sessiontimer-audio-*`` folders left in the temp folder by earlier versions.

    Only real folders (not symlinks) owned by this user, untouched for ten minutes (an old
    version starting right now keeps its own), are removed. Returns how many went.
    """
    temp = Path(tempfile.gettempdir()) if temp is None else temp
    removed = 0
    try:
        entries = list(os.scandir(temp))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.startswith(LEGACY_PREFIX):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        old = time.time() - st.st_mtime > LEGACY_AGE
        if stat.S_ISDIR(st.st_mode) and _UID in (None, st.st_uid) and old:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
    return removed
