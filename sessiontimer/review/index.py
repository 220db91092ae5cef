"""The review index: every journal's Summary, cached so the Sessions screen opens at once.

The journals are the only source of truth. The index is a cache in the state folder, keyed
by each file's path, size and mtime: a file that changed, appeared or went away is re-read or
dropped at the next refresh, and deleting the index loses nothing. Reading never writes to a
journal; the index is written atomically (temp file + rename), 0600 in a 0700 folder.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessiontimer.review.summary import Summary, summarize_rel

INDEX_NAME = "review-index.json"
HEAD_NAME = "review-head.json"  # the newest HEAD_ROWS rows: the Sessions screen's first paint
HEAD_ROWS = 100
INDEX_VERSION = 1


@dataclass
class Index:
    """Summaries newest first, plus the stamps that say which files they came from."""

    summaries: list[Summary]
    stamps: dict[str, tuple[int, int]]  # rel -> (size, mtime_ns)
    reread: int = 0  # how many journals this refresh had to read

    def by_id(self, ident: str) -> Summary | None:
        """Exact id, or a unique prefix of one (as typed on the command line)."""
        matches = [s for s in self.summaries if s.id == ident]
        if not matches:
            matches = [s for s in self.summaries if s.id.startswith(ident)]
        return matches[0] if len(matches) == 1 else None


def scan(sessions_dir: Path) -> dict[str, tuple[int, int]]:
    """Every ``YYYY/*.jsonl`` under the sessions folder with its size and mtime."""
    found: dict[str, tuple[int, int]] = {}
    try:
        years = [e for e in os.scandir(sessions_dir) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return found
    for year in years:
        try:
            entries = list(os.scandir(year.path))
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".jsonl") and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    found[f"{year.name}/{entry.name}"] = (st.st_size, st.st_mtime_ns)
    return found


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Building 20,000 small objects triggers many useless GC passes: hold them off."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_cached(cache_dir: Path) -> Index | None:
    """The index as last saved, unchecked (None when absent or unreadable)."""
    with _no_gc():
        return _load_cached(cache_dir)


def _load_cached(cache_dir: Path) -> Index | None:
    try:
        raw = json.loads((cache_dir / INDEX_NAME).read_bytes())
        if raw.get("version") != INDEX_VERSION:
            return None
        rows: list[list[Any]] = raw["rows"]
        stamps = {r: (int(s), int(m)) for r, s, m in raw["stamps"]}
        return Index([Summary.from_row(row) for row in rows], stamps)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def refresh(
    sessions_dir: Path, cache_dir: Path | None, *, save: bool = True, processes: bool = False
) -> Index:
    """Bring the index in line with the journals on disk; re-read only what changed.

    ``processes`` lets a large cold build use every core (the command line does; the app,
    whose reading runs in a thread worker, does not fork).
    """
    cached = load_cached(cache_dir) if cache_dir is not None else None
    on_disk = scan(sessions_dir)
    old = {s.rel: s for s in cached.summaries} if cached else {}
    old_stamps = cached.stamps if cached else {}
    summaries = [
        old[rel] for rel, st in on_disk.items() if rel in old and old_stamps.get(rel) == st
    ]
    todo = [rel for rel, st in on_disk.items() if rel not in old or old_stamps.get(rel) != st]
    with _no_gc():
        summaries += _read_all(sessions_dir, todo, processes)
    summaries.sort(key=lambda s: (s.start or s.id[:17], s.id), reverse=True)
    index = Index(summaries, on_disk, len(todo))
    changed = cached is None or todo or len(old) != len(on_disk)
    if save and cache_dir is not None and changed:
        save_index(index, cache_dir)
    return index


def _read_chunk(sessions_dir: str, rels: list[str]) -> list[list[Any]]:
    return [summarize_rel(sessions_dir, rel).to_row() for rel in rels]


def _read_all(sessions_dir: Path, rels: list[str], processes: bool) -> list[Summary]:
    workers = min(4, os.cpu_count() or 1)
    if not processes or workers < 2 or len(rels) < 2000:
        return [summarize_rel(str(sessions_dir), rel) for rel in rels]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = len(rels) // (workers * 4) + 1
    chunks = [rels[i : i + size] for i in range(0, len(rels), size)]
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        parts = pool.map(_read_chunk, [str(sessions_dir)] * len(chunks), chunks)
        return [Summary.from_row(row) for part in parts for row in part]


def load_head(cache_dir: Path) -> list[Summary]:
    """The newest sessions as last indexed (may be stale: only for a first paint)."""
    try:
        rows = json.loads((cache_dir / HEAD_NAME).read_bytes())
        return [Summary.from_row(row) for row in rows]
    except (OSError, ValueError, TypeError):
        return []


def save_index(index: Index, cache_dir: Path) -> None:
    """Write the index atomically; a failure only costs speed next time, so it is silent."""
    head = [s.to_row() for s in index.summaries[:HEAD_ROWS]]
    _write_atomic(cache_dir, HEAD_NAME, json.dumps(head, ensure_ascii=False).encode())
    data = json.dumps(
        {
            "version": INDEX_VERSION,
            "rows": [s.to_row() for s in index.summaries],
            "stamps": [[rel, size, mtime] for rel, (size, mtime) in index.stamps.items()],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    _write_atomic(cache_dir, INDEX_NAME, data)


def _write_atomic(cache_dir: Path, name: str, data: bytes) -> None:
    from sessiontimer.core.journal_write import make_private_dirs, open_private

    tmp = cache_dir / f".{name}.{os.getpid()}.tmp"
    try:
        make_private_dirs(cache_dir)
        fd = open_private(tmp, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, cache_dir / name)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def forget(cache_dir: Path) -> None:
    """Delete the index (it is rebuilt from the journals on the next refresh)."""
    for name in (INDEX_NAME, HEAD_NAME):
        with contextlib.suppress(OSError):
            (cache_dir / name).unlink()
