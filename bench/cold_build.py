"""The review index's cold build in its two stages: wall and CPU to listable and to the end.

Usage: ``python bench/cold_build.py DATA [pool|one]`` where ``DATA/sessions`` holds journals
(``bench/make_journals.py DATA N``); the index goes to ``DATA-state`` and is forgotten first.
CPU by ``getrusage``: own = the writer, children = the pool's readers. Prints one line.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from sessiontimer.review import index


def main(base: Path, mode: str) -> None:
    sessions, state = base / "sessions", Path(f"{base}-state")
    index.forget(state)
    t0, c0 = time.perf_counter(), time.process_time()
    ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)

    def cpu() -> tuple[float, float]:
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        children = ch.ru_utime + ch.ru_stime - ch0.ru_utime - ch0.ru_stime
        return time.process_time() - c0, children

    marks: dict[str, tuple[float, float, float]] = {}

    def listable() -> None:
        marks["listable"] = (time.perf_counter() - t0, *cpu())

    done = index.refresh(sessions, state, processes=mode == "pool", listable=listable)
    full = (time.perf_counter() - t0, *cpu())
    first = marks.get("listable", full)
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(
        f"{mode} {done.reread} listable {first[0]:.2f} s (own {first[1]:.2f}, children "
        f"{first[2]:.2f}); full {full[0]:.2f} s (own {full[1]:.2f}, children {full[2]:.2f}), "
        f"filled {done.filled}, load {load}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "pool")
