"""What one second of the big clock costs: fitting and drawing the digits (no Textual).

Prints microseconds per call for the sizes the session screen gives the clock at 80x24,
100x30 and 160x48, for a new text each time (the drawing cache misses, as each second).
"""

from __future__ import annotations

import time

from sessiontimer.ui import big_digits


def main() -> None:
    for label, width, height in (("80x24", 76, 9), ("100x30", 96, 11), ("160x48", 156, 30)):
        texts = [f"{m}:{s:02d}" for m in range(10, 60) for s in range(60)]
        start = time.perf_counter()
        for text in texts:
            big_digits._render.cache_clear()  # glyphs stay cached, as in the app
            size = big_digits.fit(big_digits.template(text), width, height)
            assert size is not None
            big_digits.render(text, size)
        per = (time.perf_counter() - start) / len(texts) * 1e6
        print(f"{label}: {size.height} rows, fit + draw {per:.0f} us per new second")


if __name__ == "__main__":
    main()
