"""Which cues of one phase fall due in a window of phase-elapsed time: pure functions.

The engine asks for the cues in ``(after, upto]`` (seconds since the phase run began), so
consecutive windows never share a moment and every cue is found exactly once, however late a
tick comes. The phase-start cue is not here: the engine may hold it during a pause, so it
schedules that one itself, as it keeps the "warning already played" state.

Due moments are computed the same way every time (``origin + k * every``), so the same cue
always gets the same float and a re-asked window cannot produce a near-duplicate.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from sessiontimer.core.model import Cue, CueKind, OnEnd, Phase

# Cues that fall due at the same moment are ordered so the most telling comes last: the engine
# marks all but the last cue of a tick stale, and only the fresh one is played.
_RANK = {CueKind.INTERVAL: 0, CueKind.OVERTIME: 1, CueKind.WARNING: 2}


@dataclass(frozen=True)
class DueCue:
    """One cue of a phase and the phase-elapsed second it falls due."""

    kind: CueKind
    at: float
    cue: Cue


def warning_at(phase: Phase, target: float | None) -> float | None:
    """The phase-elapsed moment of the warning, or None when this phase has none.

    Only advance and hold phases warn, and only when the lead is shorter than the target
    (a warning at or before the phase start would just double the start cue).
    """
    lead = phase.cues.warn_before
    if phase.on_end is OnEnd.OPEN or phase.cues.warning is None or target is None:
        return None
    if lead is None or not 0 < lead < target:
        return None
    return target - lead


def due_cues(
    phase: Phase, target: float | None, after: float, upto: float, *, warning: bool = True
) -> list[DueCue]:
    """The cues due in ``(after, upto]``, in time order (``warning=False``: already played)."""
    found: list[DueCue] = []
    moment = warning_at(phase, target) if warning else None
    if moment is not None and after < moment <= upto and phase.cues.warning is not None:
        found.append(DueCue(CueKind.WARNING, moment, phase.cues.warning))
    if phase.cues.interval is not None:
        interval = phase.cues.interval
        found += [
            DueCue(CueKind.INTERVAL, at, interval) for at in _intervals(phase, target, after, upto)
        ]
    if phase.cues.overtime is not None:
        overtime = phase.cues.overtime
        found += [
            DueCue(CueKind.OVERTIME, at, overtime) for at in _overtimes(phase, target, after, upto)
        ]
    return sorted(found, key=lambda due: (due.at, _RANK[due.kind]))


def next_cue_at(
    phase: Phase, target: float | None, after: float, *, warning: bool = True
) -> float | None:
    """The first phase-elapsed moment strictly after ``after`` at which a cue falls due."""
    candidates: list[float] = []
    moment = warning_at(phase, target) if warning else None
    if moment is not None and moment > after:
        candidates.append(moment)
    if phase.cues.interval is not None:
        candidates += _first(_intervals(phase, target, after, math.inf))
    if phase.cues.overtime is not None:
        candidates += _first(_overtimes(phase, target, after, math.inf))
    return min(candidates, default=None)


def _intervals(phase: Phase, target: float | None, after: float, upto: float) -> Iterator[float]:
    """Interval bells: every ``interval_every`` from the phase start; in advance and hold phases
    only strictly before the target, so a bell never doubles the phase change or overtime."""
    every = phase.cues.interval_every
    if every is None or every <= 0:
        return iter(())
    if phase.on_end is OnEnd.OPEN or target is None:
        return _series(0.0, every, after, upto)
    return (at for at in _series(0.0, every, after, min(upto, target)) if at < target)


def _overtimes(phase: Phase, target: float | None, after: float, upto: float) -> Iterator[float]:
    """Overtime reminders of a hold phase: every ``overtime_every`` after the target."""
    every = phase.cues.overtime_every
    if phase.on_end is not OnEnd.HOLD or target is None or every is None or every <= 0:
        return iter(())
    return _series(target, every, after, upto)


def _series(origin: float, every: float, after: float, upto: float) -> Iterator[float]:
    """``origin + k * every`` for k >= 1 inside ``(after, upto]``; lazy, so ``upto`` may be inf."""
    # Start a step early: the division may round up past the first k inside the window.
    k = max(1, math.floor((after - origin) / every) - 1)
    while (at := origin + k * every) <= upto:
        if at > after:
            yield at
        k += 1


def _first(moments: Iterator[float]) -> list[float]:
    first = next(moments, None)
    return [] if first is None else [first]
