"""Reading a file line by line with a cap: the one way the app reads files others may edit.

A journal, an index or a registry may have been damaged, planted or synced half-way: a
100 MB line, or a million lines, must not make the app hold the file in memory. Every reader
goes through :func:`capped_lines`, which holds one line (at most ``cap`` bytes) at a time; a
longer line is damage: it is skipped without being held, and reported by its number and
length so the caller can say so.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

LINE_CAP = 1 << 20  # 1 MB: a journal line the app writes is a few hundred bytes
_CHUNK = 1 << 16


class Line(NamedTuple):
    """One line of a file: ``data`` without its newline, or None when it was too long."""

    number: int  # 1-based
    data: bytes | None
    length: int  # bytes in the line, without its newline
    ended: bool  # a newline follows (False only for the file's last line)


def capped_lines(source: BinaryIO, cap: int = LINE_CAP) -> Iterator[Line]:
    """The lines of an open binary file, one at a time; a line over ``cap`` bytes has no data.

    The line a writer was still writing (no newline at the end) comes last, ``ended`` False.
    """
    number = 0
    while True:
        raw = source.readline(cap + 1)
        if not raw:
            return
        number += 1
        ended = raw.endswith(b"\n")
        if ended or len(raw) <= cap:
            data = raw[:-1] if ended else raw
            yield Line(number, data, len(data), ended)
            continue
        length, ended = _skip_rest(source, len(raw))
        yield Line(number, None, length, ended)


def _skip_rest(source: BinaryIO, length: int) -> tuple[int, bool]:
    """Read past the rest of an over-long line in small pieces; its length and whether it ended."""
    while True:
        piece = source.readline(_CHUNK)
        if not piece:
            return length, False
        if piece.endswith(b"\n"):
            return length + len(piece) - 1, True
        length += len(piece)


def open_regular(path: str | Path) -> BinaryIO:
    """Open a file for reading; a FIFO, a device or a folder is refused (OSError), not waited on.

    Opening a FIFO for reading waits for a writer, forever: one planted among the journals
    would hang the resume search.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_capped(path: str | Path, limit: int = LINE_CAP) -> bytes:
    """A small whole file (a config, a registry, a state file), refusing one over ``limit``.

    ValueError names the size: a file that large is not one the app wrote. A FIFO or a device
    is refused (OSError) instead of waited on: a planted FIFO must not hang the start.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        data = f.read(limit + 1) if info.st_size <= limit else b""
    if info.st_size > limit or len(data) > limit:
        size = max(info.st_size, len(data))
        raise ValueError(f"{path} is {size:,} bytes, more than this file can be ({limit:,})")
    return data


def too_long(line: Line, cap: int = LINE_CAP) -> str:
    """The words for a skipped over-long line."""
    return f"line {line.number} is {line.length:,} bytes long (more than {cap:,}); it is skipped"
