"""How times and counts read to people: the one module every screen, export and CLI line uses.

One rounding rule: a stored time (seconds, three decimals in the journal) is shown as whole
seconds, truncated. So the same still point reads 0:28 on the End screen, in the timeline,
in an export and in ``logs list``. Two readings count toward a moment and round up instead,
because they answer "how long until": the big clock's time left (it reads 0:00 exactly when
the phase ends) and "N min left".
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

EPSILON = 1e-6  # 0.1 + 0.2 style float error must not cost a second


def whole_seconds(seconds: float | None) -> int:
    """The rule: whole seconds, truncated; never negative; None (unknown) as 0."""
    if seconds is None or seconds != seconds or seconds <= 0:
        return 0
    return math.floor(seconds + EPSILON)


def clock(seconds: float | None) -> str:
    """``M:SS`` or ``H:MM:SS``: session times, note stamps, lengths in timelines and exports."""
    return _hms(whole_seconds(seconds))


def countdown(seconds: float | None) -> str:
    """The big clock's time left, rounded up: 0:00 exactly when the phase ends."""
    if seconds is None or seconds != seconds or seconds <= 0:
        return _hms(0)
    return _hms(math.ceil(seconds - EPSILON))


def span(seconds: float | None) -> str:
    """A length in words: ``8 s``, ``23 min 12 s``, ``1 h 1 min 30 s``, ``1 h``."""
    hours, rest = divmod(whole_seconds(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{secs} s" if secs or not (hours or minutes) else "")
    return " ".join(p for p in parts if p)


def minutes_in(seconds: float | None) -> str:
    """Time spent, in whole minutes (truncated): ``23 min``, ``1 h 5 min``; ``<1 min`` under one.

    Running totals change once a minute, not every second: the big clock has the seconds.
    """
    whole = whole_seconds(seconds)
    if whole < 60:
        return "<1 min"
    return _minutes(whole // 60)


def minutes_left(seconds: float | None) -> str:
    """Time left, in whole minutes rounded up: ``1 min`` with 20 s to go, ``0 min`` at the end."""
    if seconds is None or seconds != seconds or seconds <= 0:
        return "0 min"
    return _minutes(math.ceil(seconds / 60 - EPSILON / 60))


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 note``, ``2 notes``, ``0 notes``; ``plural`` for words that do not add an s."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _minutes(minutes: int) -> str:
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def _hms(whole: int) -> str:
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def columns(
    rows: Sequence[Sequence[str]], right: Collection[int] = (), indent: str = "  "
) -> list[str]:
    """Rows of cells as lines whose columns line up, each as wide as its widest cell.

    A fixed width (``{tag:<16}``) put every row with a longer cell ("SomatoEmotional
    Release") a column out of line. Columns in ``right`` are aligned right (counts).
    """
    widths = [max((len(row[i]) for row in rows if i < len(row)), default=0) for i in range(
        max((len(row) for row in rows), default=0)
    )]  # fmt: skip
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
