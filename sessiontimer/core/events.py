"""Plain events the engine returns from its moves and from ``tick()``.

The UI routes them: widgets repaint, ``CueDue`` goes to the audio service, and the recorder
writes each to the journal. They carry session time ``t`` (seconds of running session time,
pauses excluded), never wall time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessiontimer.core.model import Cue, CueKind


@dataclass(frozen=True)
class PhaseStarted:
    phase: int
    t: float
    run: int  # 1 for the first run of this phase, 2 after a "previous" brought it back, ...


@dataclass(frozen=True)
class PhaseEnded:
    phase: int
    t: float
    reason: str  # "target" | "key" | "session_end"
    length: float  # seconds this run of the phase lasted


@dataclass(frozen=True)
class TargetReached:
    """A hold phase passed its target (overtime begins) or an open phase passed its hint."""

    phase: int
    t: float


@dataclass(frozen=True)
class TargetChanged:
    phase: int
    t: float
    old: float | None
    new: float | None


@dataclass(frozen=True)
class Paused:
    t: float


@dataclass(frozen=True)
class Resumed:
    t: float
    paused_for: float  # clock seconds the pause lasted


@dataclass(frozen=True)
class CueDue:
    """A cue fell due.

    ``late`` is how far behind its due moment the tick that found it came. ``stale`` is set
    when a later cue fell due in the same tick: play only the fresh one, never a burst.
    """

    kind: CueKind
    phase: int | None
    t: float  # session time the cue fell due
    cue: Cue
    late: float = 0.0
    stale: bool = False


@dataclass(frozen=True)
class SessionEnded:
    t: float
    reason: str  # "completed" (after the last advance phase) | "key" | "interrupted"


EngineEvent = (
    PhaseStarted
    | PhaseEnded
    | TargetReached
    | TargetChanged
    | Paused
    | Resumed
    | CueDue
    | SessionEnded
)
