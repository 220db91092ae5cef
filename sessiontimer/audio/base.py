"""The one small interface every playback backend implements, and the results it reports.

Backends never block the caller: ``play`` hands the job over and reports later, from
whatever thread the backend uses, through the ``done`` callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sessiontimer.audio.sound import ScaledSound

# "faded": it began, but was taken back as it did (a pause or a move at its moment): it
# sounded a moment and faded out, cut short (docs/journal-format.md).
Outcome = Literal["played", "faded", "failed", "muted", "visual"]


@dataclass(frozen=True)
class CueOutcome:
    """What happened to one cue; the recorder journals it with the backend."""

    outcome: Outcome
    backend: str
    started_at: float  # time.monotonic() when playback was confirmed started (or decided)
    message: str | None = None
    update: bool = False  # a later word on a cue already reported (e.g. cut short: failed)


@dataclass(frozen=True)
class BackendChange:
    """The backend in use changed, or the worker was restarted (then previous == current)."""

    previous: str
    current: str
    reason: str
    restart_seconds: float | None = None  # set when a crashed worker was restarted


@dataclass(frozen=True)
class PlayJob:
    """One sound to play; ``id`` is unique within a service.

    ``on_lost`` is called (once, from any thread) when a sound that had started is lost
    before its end through no wish of ours (the worker died, the player failed). ``at``
    (``time.monotonic()``) is set on a cue handed over ahead of its moment: a backend that
    ``schedules`` starts the sound then (and reports that onset); others never get one.
    """

    id: int
    sound: ScaledSound
    on_lost: Callable[[str], None] | None = field(default=None, compare=False, repr=False)
    at: float | None = None


@dataclass(frozen=True)
class PlayResult:
    """A backend's answer: started (with the time) or an error."""

    started_at: float | None
    error: str | None = None


Done = Callable[[PlayResult], None]


class Backend(Protocol):
    """A way to make a sound. ``name`` is what the journal and ``doctor`` show."""

    @property
    def name(self) -> str: ...

    def unavailable(self) -> str | None:
        """A quick check with no side effects: why this backend cannot work here, or None."""
        ...

    def start(self) -> str | None:
        """Get ready before the session (e.g. start a worker); why it failed, or None."""
        ...

    def preload(self, sound: ScaledSound) -> None:
        """Optionally warm a cache with a sound that will be played later."""
        ...

    def play(self, job: PlayJob, done: Done) -> None:
        """Start playing without blocking; call ``done`` once, from any thread."""
        ...

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is playing (True) or ``timeout`` passed (False)."""
        ...

    def close(self) -> None:
        """Stop and release everything; the backend is not used again."""
        ...
