"""Reading many journals with every core (the standard library's process pool).

A large cold build takes this path (see bench/review_scale.py for what it gains), from the
command line and from the Sessions screen. A process with one thread (the CLI) forks its
readers; one with more (the app: Textual's threads, the screen's worker) must not fork,
since a child could inherit a lock another thread held, so its readers start fresh
(forkserver, or spawn where there is none). Results come back in chunks, in order, so the
caller can commit and report progress as they arrive.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sessiontimer.review.index import ReadAs, read_batch
from sessiontimer.review.store import Batch


def _read_chunk(root: str, rels: list[str], sids: list[int], how: ReadAs) -> Batch:
    """The rows of these journals, built in the worker: plain tuples are cheap to send back."""
    return read_batch(root, rels, sids, how)


def read_in_pool(
    root: str, chunks: list[tuple[list[int], list[str]]], how: ReadAs = "whole"
) -> Iterator[Batch]:
    """The rows of each (sids, journals) chunk, in order, read by one process per core
    (``how``: see index.read_batch). A pool that cannot start, or a worker that dies,
    costs only time: what it did not read is read here."""
    started = _started(root, chunks, how)
    if started is None:  # no processes here (a limit, a sandbox, an unguarded main module)
        for sids, rels in chunks:
            yield _read_chunk(root, rels, sids, how)
        return
    pool, futures = started
    with pool:
        try:
            for (sids, rels), future in zip(chunks, futures, strict=True):
                try:
                    result = future.result()
                except Exception:
                    result = _read_chunk(root, rels, sids, how)
                yield result
        finally:
            for future in futures:
                future.cancel()


def _started(
    root: str, chunks: list[tuple[list[int], list[str]]], how: ReadAs
) -> tuple[ProcessPoolExecutor, list[Future[Batch]]] | None:
    """A pool with every chunk handed to it, by the first start method that works here
    (a forkserver needs a socket path short enough under TMPDIR; spawn does not)."""
    workers = min(os.cpu_count() or 1, 8)
    for method in _start_methods():
        pool = None
        try:
            with _stderr_without_a_bad_fileno():
                context = multiprocessing.get_context(method)
                pool = ProcessPoolExecutor(workers, mp_context=context)
                submit = pool.submit
                return pool, [submit(_read_chunk, root, r, s, how) for s, r in chunks]
        except Exception:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
    return None


def _start_methods() -> list[str]:
    """fork for a process with one thread; otherwise methods that do not copy threads."""
    if _start_method() == "fork":
        return ["fork"]
    return [m for m in ("forkserver", "spawn") if m in multiprocessing.get_all_start_methods()]


def _start_method() -> str:
    """fork for a process with one thread; otherwise a method that does not copy threads."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class _NoFileno:
    """``sys.stderr`` as it is, only without a file number."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def fileno(self) -> int:
        raise OSError("no file number")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextlib.contextmanager
def _stderr_without_a_bad_fileno() -> Iterator[None]:
    """multiprocessing's resource tracker passes ``sys.stderr.fileno()`` to its process,
    and the app's stderr (Textual captures it) answers one that is not a file: starting it
    failed, so the app never had its readers. Writes still go where they went."""
    real = sys.stderr
    try:
        os.fstat(real.fileno())
    except Exception:
        sys.stderr = _NoFileno(real)
        try:
            yield
        finally:
            sys.stderr = real
        return
    yield
