"""What a hostile filter line costs the index: a NUL, 1,000 words, 10 kB, FTS5 syntax.

Usage: python bench/hostile_filters.py [--data DIR] [N]  (default 20000; journals are generated
once under DIR/N, default $TMPDIR/sessiontimer-bench, as bench/review_scale.py does)

For each line: the Sessions screen's first query (a window of 200 rows, no marks) and its two
counts, the best CPU and wall time of 3 runs, and the load average.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_journals import generate  # noqa: E402

from sessiontimer.review import index, lookup  # noqa: E402

LINES = {
    "anna (for scale)": "anna",
    "a NUL b": "a\x00b",
    "1,000 words": " ".join(f"w{i}" for i in range(1000)),
    "anna x 1,000": "anna " * 1000,
    "one 10 kB word": "x" * 10_000,
    "FTS5 syntax": 'NEAR("a" "b") AND -x*',
    "2,500 rare words": " ".join(chr(0x4E00 + i) * 3 for i in range(2500)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=20_000, help="journals (20000)")
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "sessiontimer-bench"
    )
    args = parser.parse_args()
    base = args.data / str(args.n)
    if not (base / "data" / "sessions").is_dir():
        generate(base / "data", args.n)
    sessions, state = base / "data" / "sessions", base / "state"
    index.refresh(sessions, state)
    with index.open_index(state) as store:
        for name, line in LINES.items():
            runs = []
            for _ in range(3):
                cpu, wall = time.process_time(), time.perf_counter()
                chosen = lookup.select(store, line)
                rows = lookup.page(store, chosen, 0, 200, marks=False)
                total = lookup.count(store, chosen)
                lookup.count(store)
                runs.append((time.process_time() - cpu, time.perf_counter() - wall))
            best_cpu, best_wall = min(runs)
            load = Path("/proc/loadavg").read_text().split()[0]
            print(
                f"{name:18} {len(rows):4} rows {total:6} match  CPU {best_cpu * 1000:7.1f} ms  "
                f"wall {best_wall * 1000:7.1f} ms  load {load}"
            )


if __name__ == "__main__":
    main()
