"""Reading many journals with every core (the standard library's process pool).

Only a large cold build from the command line takes this path (see bench/review_scale.py
for what it gains); the app reads in one thread worker and never forks. Results come back
in chunks, in order, so the caller can commit and report progress as they arrive.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from sessiontimer.review.index import read_batch
from sessiontimer.review.store import Batch


def _read_chunk(root: str, rels: list[str], first_sid: int) -> Batch:
    """The rows of these journals, built in the worker: plain tuples are cheap to send back."""
    return read_batch(root, rels, first_sid)


def read_in_pool(root: str, chunks: list[tuple[int, list[str]]]) -> Iterator[tuple[int, Batch]]:
    """(journals read, their rows) for each (first sid, journals) chunk, in order, read by
    one process per core."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = min(os.cpu_count() or 1, 8)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_read_chunk, root, rels, first) for first, rels in chunks]
        try:
            for (first, rels), future in zip(chunks, futures, strict=True):
                try:
                    result = future.result()
                except Exception:
                    result = _read_chunk(root, rels, first)
                yield len(rels), result
        finally:
            for future in futures:
                future.cancel()
