"""Time sources behind one small interface.

Elapsed session time must keep counting through a laptop suspend, so the system clock uses
``CLOCK_BOOTTIME`` on Linux (``time.monotonic`` elsewhere). Wall time is only used to stamp
the journal. Tests use :class:`ManualClock` and never sleep.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """What the engine needs to know about time."""

    def now(self) -> float:
        """Seconds on a clock that never jumps backwards and counts through suspend."""
        ...

    def wall(self) -> datetime:
        """The current wall time, timezone-aware, for stamping the journal."""
        ...


def _boottime() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)  # type: ignore[attr-defined,unused-ignore]


class SystemClock:
    """The real clock: boot time on Linux (counts through suspend), monotonic elsewhere."""

    def __init__(self) -> None:
        try:
            _boottime()
        except (AttributeError, OSError):
            self._source = time.monotonic
        else:
            self._source = _boottime

    def now(self) -> float:
        return self._source()

    def wall(self) -> datetime:
        return datetime.now().astimezone()


class ManualClock:
    """A clock that moves only when told to; wall time moves with it."""

    def __init__(
        self,
        start: float = 1000.0,
        wall_start: datetime | None = None,
    ) -> None:
        self._now = start
        self._start = start
        self._wall_start = wall_start or datetime(2026, 11, 24, 9, 0, 0, tzinfo=timezone.utc)

    def now(self) -> float:
        return self._now

    def wall(self) -> datetime:
        return self._wall_start + timedelta(seconds=self._now - self._start)

    def advance(self, seconds: float) -> None:
        """Move time forward (never backward: a real monotonic clock cannot)."""
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go back")
        self._now += seconds

    def set(self, now: float) -> None:
        """Jump to an absolute reading, forward only."""
        self.advance(now - self._now)
