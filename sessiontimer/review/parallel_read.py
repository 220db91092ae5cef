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

from sessiontimer.review.summary import Stamp, Summary, summarize_stamped


def _read_chunk(root: str, rels: list[str]) -> list[tuple[Summary, Stamp | None]]:
    return [summarize_stamped(root, rel) for rel in rels]


def read_in_pool(root: str, todo: list[str], chunk: int) -> Iterator[tuple[Summary, Stamp | None]]:
    """Summaries of ``todo`` in order, read by one process per core."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = min(os.cpu_count() or 1, 8)
    chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_read_chunk, root, part) for part in chunks]
        try:
            for part, future in zip(chunks, futures, strict=True):
                try:
                    result = future.result()
                except Exception:
                    result = _read_chunk(root, part)
                yield from result
        finally:
            for future in futures:
                future.cancel()
