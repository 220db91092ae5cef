"""A one-line progress bar on stderr for the command line, drawn only on a terminal.

Textual's ProgressBar serves the app; the command line needs no more than this, and a pipe
or a log file gets nothing (no carriage returns in someone's captured output).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
DELAY = 0.3  # a build quicker than this draws nothing


class ProgressLine:
    """Call it with (done, total) as often as you like; :meth:`close` wipes the line."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream)
        self.began = time.monotonic()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        if not self.drawn and time.monotonic() - self.began < DELAY and done < total:
            return
        filled = WIDTH * done // total
        bar = "█" * filled + "░" * (WIDTH - filled)
        self.stream.write(f"\r{self.label} {bar} {done:,}/{total:,} (ctrl+c stops)\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
