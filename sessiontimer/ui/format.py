"""How times read on screen: pure helpers shared by the widgets."""

from __future__ import annotations

import math


def clock_text(seconds: float, *, round_up: bool) -> str:
    """``M:SS`` (or ``H:MM:SS``) for the big clock.

    Time left rounds up, so the clock reads 0:00 exactly when the phase ends; time elapsed
    rounds down, so it reads 0:01 one second in.
    """
    whole = math.ceil(seconds - 1e-9) if round_up else math.floor(seconds + 1e-9)
    whole = max(0, whole)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def short_minutes(seconds: float) -> str:
    """``45 min`` or ``1 h 15 min`` for totals; under a minute, seconds."""
    if seconds < 60:
        return f"{round(seconds)} s"
    if seconds < 600 and round(seconds) % 60:
        return f"{int(seconds // 60)} min {round(seconds) % 60} s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def whole_minutes(seconds: float, *, round_up: bool) -> str:
    """``23 min`` or ``1 h 5 min`` for running totals: they change once a minute, not every
    second (the big clock has the seconds; a line that ticks draws the eye and the CPU)."""
    minutes = math.ceil(seconds / 60 - 1e-9) if round_up else math.floor(seconds / 60 + 1e-9)
    if minutes <= 0 and not round_up and seconds > 0:
        return "<1 min"
    hours, minutes = divmod(max(0, minutes), 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def session_stamp(seconds: float) -> str:
    """Session time of a note, e.g. ``12:05``."""
    return clock_text(seconds, round_up=False)
