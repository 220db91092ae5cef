"""The master volume in equal steps of loudness.

Hearing judges loudness by ratio, so the volume moves in decibels: 3 dB a step from full
(0 dB) down to -30 dB, then off. The level is kept as the linear factor the samples are
multiplied by (what the state file has always held), so every backend hears the same number;
a factor from an older state file is moved to the nearest step.
"""

from __future__ import annotations

import math

STEP_DB = 3.0
FLOOR_DB = -30.0
STEPS_DB: tuple[float, ...] = tuple(-STEP_DB * i for i in range(int(-FLOOR_DB / STEP_DB) + 1))


def factor(db: float | None) -> float:
    """The sample factor for ``db`` (None: off)."""
    return 0.0 if db is None else 10 ** (db / 20)


def nearest_db(level: float) -> float | None:
    """The step nearest to the factor ``level`` (None: off, for levels below the floor)."""
    if level <= 0 or not math.isfinite(level):
        return None
    db = 20 * math.log10(min(1.0, level))
    if db < FLOOR_DB - STEP_DB / 2:
        return None
    return min(STEPS_DB, key=lambda s: abs(s - db))


def step(level: float, direction: int) -> float:
    """The factor one step louder (``direction`` > 0) or softer than ``level``."""
    db = nearest_db(level)
    if direction > 0:
        up = STEPS_DB[-1] if db is None else min(0.0, db + STEP_DB)
        return factor(up)
    if db is None or db <= FLOOR_DB:
        return 0.0
    return factor(db - STEP_DB)


def describe(level: float) -> str:
    """How the level reads on screen: "Volume -6 dB (9 of 11)", or "Volume off"."""
    db = nearest_db(level)
    if db is None:
        return "Volume off"
    place = len(STEPS_DB) - STEPS_DB.index(db)
    shown = "0 dB" if db == 0 else f"{db:.0f} dB".replace("-", "\N{MINUS SIGN}")
    return f"Volume {shown} ({place} of {len(STEPS_DB)})"
