"""``sessiontimer backup`` and ``restore``: every journal, the config and the state, in one file.

The backup is a gzip-compressed tar archive (the standard library reads it anywhere): the
journals under ``sessions/``, the config file as ``config/config.toml``, and the state
folder's small files under ``state/`` (the review index is left out: it is rebuilt from the
journals). It is written 0600 under a temporary name, fsynced, read back and compared
journal by journal with the files it came from, and only then renamed into place.

A restore merges: a journal that is not here is written; one that is here with the same
bytes is left alone; one that differs is never overwritten without saying so: when the copy
here is the backup's beginning (the backup holds more of the same session) it is replaced,
and said; otherwise the copy here is kept and named in the report. The config and state
files are only written where there are none.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sessiontimer.core.atomic import atomic_write, fsync_dir
from sessiontimer.core.private_files import make_private_dirs
from sessiontimer.paths import AppPaths

Progress = Callable[[int, int], None]
_JOURNAL = re.compile(r"sessions/(\d{4})/([^/\x00]+\.jsonl)")
_SKIPPED_STATE = re.compile(r"review-index.*|\..*\.tmp|.*\.lock")
MAX_MEMBER = 256 << 20  # a member larger than this is not one of ours


class BackupError(Exception):
    """A backup or restore that cannot be done; the message names the file and the fix."""


@dataclass
class Made:
    path: Path
    journals: int
    other: int
    size: int


@dataclass
class Restored:
    added: list[str] = field(default_factory=list)
    same: int = 0
    updated: list[str] = field(default_factory=list)  # the backup held more of the session
    kept: list[str] = field(default_factory=list)  # differs: the copy here was kept
    other_added: list[str] = field(default_factory=list)
    other_kept: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # members that are not ours


def _sources(paths: AppPaths) -> Iterator[tuple[str, Path]]:
    """(name in the archive, file) for everything backed up; regular files only."""
    sessions = paths.sessions_dir
    with contextlib.suppress(OSError):
        for year in sorted(os.scandir(sessions), key=lambda e: e.name):
            if not year.is_dir(follow_symlinks=False) or not year.name.isdigit():
                continue
            for entry in sorted(os.scandir(year.path), key=lambda e: e.name):
                if entry.name.endswith(".jsonl") and entry.is_file(follow_symlinks=False):
                    yield f"sessions/{year.name}/{entry.name}", Path(entry.path)
    if paths.config_file.is_file() and not paths.config_file.is_symlink():
        yield "config/config.toml", paths.config_file
    with contextlib.suppress(OSError):
        for entry in sorted(os.scandir(paths.state_dir), key=lambda e: e.name):
            if entry.is_file(follow_symlinks=False) and not _SKIPPED_STATE.fullmatch(entry.name):
                yield f"state/{entry.name}", Path(entry.path)


def _read(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        return f.read()


def backup(paths: AppPaths, target: Path, progress: Progress | None = None) -> Made:
    """Write the archive to ``target`` (never over an existing file) and verify it."""
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} already exists; name a new file (nothing was written)")
    sources = list(_sources(paths))
    journals = sum(name.startswith("sessions/") for name, _ in sources)
    folder = target.parent if str(target.parent) else Path(".")
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError as exc:
        raise BackupError(f"cannot write in {folder}: {exc.strerror}") from exc
    try:
        os.fchmod(fd, 0o600)
        written: dict[str, bytes] = {}
        with os.fdopen(fd, "wb") as out:
            with tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar:
                for n, (name, path) in enumerate(sources, 1):
                    try:
                        data = _read(path)
                    except OSError:
                        continue  # gone meanwhile (or a symlink swapped in): not backed up
                    _add(tar, name, data)
                    if name.startswith("sessions/"):
                        written[name] = data
                    if progress:
                        progress(n, len(sources) * 2)
            out.flush()
            os.fsync(out.fileno())
        _verify(tmp, written, progress, len(sources))
        os.replace(tmp, target)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return Made(target, len(written), len(sources) - journals, target.stat().st_size)


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, 0
    tar.addfile(info, io.BytesIO(data))


def _verify(archive: Path, written: dict[str, bytes], progress: Progress | None, n: int) -> None:
    """Every journal read back from the archive equals what was read from disk."""
    seen = 0
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if member.name not in written:
                continue
            f = tar.extractfile(member)
            if f is None or f.read() != written[member.name]:
                raise BackupError(f"{member.name} reads back differently: the backup was not kept")
            seen += 1
            if progress:
                progress(n + seen, n * 2)
    if seen != len(written):
        raise BackupError("the archive is missing journals on reading back: not kept")


def restore(paths: AppPaths, source: Path, progress: Progress | None = None) -> Restored:
    """Merge the archive into the current folders; see the module's docstring."""
    done = Restored()
    try:
        tar = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source} is not a sessiontimer backup ({exc})") from exc
    with tar:
        members = tar.getmembers()
        for n, member in enumerate(members, 1):
            _restore_member(paths, tar, member, done)
            if progress:
                progress(n, len(members))
    return done


def _restore_member(
    paths: AppPaths, tar: tarfile.TarFile, member: tarfile.TarInfo, done: Restored
) -> None:
    name = member.name
    journal = _JOURNAL.fullmatch(name)
    if not member.isfile() or member.size > MAX_MEMBER:
        done.refused.append(name)
        return
    if journal:
        target = paths.sessions_dir / journal.group(1) / journal.group(2)
    elif name == "config/config.toml":
        target = paths.config_file
    elif name.startswith("state/") and "/" not in name[6:] and name[6:] not in ("", ".", ".."):
        if _SKIPPED_STATE.fullmatch(name[6:]):
            done.refused.append(name)
            return
        target = paths.state_dir / name[6:]
    else:
        done.refused.append(name)
        return
    f = tar.extractfile(member)
    data = f.read() if f is not None else b""
    if journal:
        _restore_journal(target, data, journal.group(2), done)
    elif target.exists() or target.is_symlink():
        if not target.is_file() or target.is_symlink() or _read(target) != data:
            done.other_kept.append(str(target))
    else:
        _write_new(target, data)
        done.other_added.append(str(target))


def _restore_journal(target: Path, data: bytes, name: str, done: Restored) -> None:
    try:
        here = _read(target)
    except FileNotFoundError:
        _write_new(target, data)
        done.added.append(name)
        return
    except OSError:
        done.kept.append(name)  # a symlink or something else in its place: left alone
        return
    if here == data:
        done.same += 1
    elif data.startswith(here):  # the backup holds more of the same session
        atomic_write(target, data)
        done.updated.append(name)
    else:
        done.kept.append(name)


def _write_new(target: Path, data: bytes) -> None:
    if not target.parent.is_dir():
        make_private_dirs(target.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
