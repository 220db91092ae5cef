"""The session state machine: phases, moves, pauses and the cue schedule (DESIGN "Phases",
"Moving through a session", "Cues by phase kind").

The engine owns no timer: every method reads the injected clock once, and ``tick()`` returns
the events that time produced since the last call, each exactly once, in order. Session time
is always ``clock.now() - start - total paused``, never summed tick by tick, so it cannot
drift however long the session. Time is processed over ``(done, now]`` windows of
phase-elapsed seconds with a monotonic ``done`` marker, and an item fires when its clock
reading (the very number ``next_due()`` reports) is ``<= now``: a tick exactly at
``next_due()`` fires it, a tick before does not, and float error cannot lose or repeat it.

Every move first takes in what time produced up to now (normally nothing, as the UI ticks at
``next_due()``) and returns those events ahead of its own, so the state it acts on is the
state at that moment. In every returned list all cues but the last are marked stale: the
audio plays only the fresh one, never a burst.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sessiontimer.core import cues
from sessiontimer.core.clock import Clock
from sessiontimer.core.events import (
    CueDue,
    EngineEvent,
    Paused,
    PhaseEnded,
    PhaseStarted,
    Resumed,
    SessionEnded,
    TargetChanged,
    TargetReached,
)
from sessiontimer.core.model import CueKind, OnEnd, Phase, Preset

MIN_LEFT = 10.0  # shorten never leaves less than this in the phase
_SLACK = 1e-6  # look this far past the computed elapsed time: the clock test decides
_TARGET_RANK = -1  # TargetReached sorts before a cue due at the same moment


@dataclass(frozen=True)
class Snapshot:
    """What the screen shows, computed from the engine at one clock reading."""

    phase_index: int
    phase: Phase
    run: int
    phase_elapsed: float
    target: float | None  # current target of this run (after extend/shorten)
    remaining: float | None  # None for an open phase; 0 once a hold phase is in overtime
    overtime: float  # seconds past the target of a hold phase, else 0
    session_elapsed: float
    session_left: float | None  # targets still ahead; None when an open phase remains
    paused: bool
    started: bool
    ended: bool
    next_phase: Phase | None


@dataclass(frozen=True)
class ResumePoint:
    """Where a crashed session stood, rebuilt from its journal, to continue from."""

    phase_index: int
    run: int
    phase_elapsed: float
    session_elapsed: float
    target: float | None
    start_cue_played: bool
    paused: bool = False


@dataclass(frozen=True)
class _Due:
    """A timed item of the current phase run: a cue, or a target reached (``cue`` None)."""

    at: float
    rank: int
    due: cues.DueCue | None


class SessionEngine:
    """One session of one preset, driven by moves and by ``tick()``."""

    def __init__(self, preset: Preset, clock: Clock) -> None:
        self.preset = preset
        self._clock = clock
        self._started = False
        self._ended = False
        self._end_reason: str | None = None  # "completed", "key", ... once ended
        self._start_clock = 0.0  # clock reading at session time 0
        self._paused_total = 0.0  # clock seconds of the pauses that have ended
        self._pause_clock: float | None = None  # clock reading the current pause began
        self._end_time: float | None = None  # session time the session ended
        self._high_water = 0.0  # session_time() never goes back, even by a float ulp
        self._index = 0
        self._runs: dict[int, int] = {}
        self._phase_start = 0.0  # session time this phase run began
        self._target: float | None = preset.phases[0].target
        self._done = 0.0  # phase-elapsed seconds up to which time has been processed
        self._start_cue_held = False
        self._warning_played = False

    @classmethod
    def restored(
        cls,
        preset: Preset,
        clock: Clock,
        point: ResumePoint,
        *,
        runs: Mapping[int, int] | None = None,
    ) -> SessionEngine:
        """Continue a crashed session at ``point`` (the gap is already counted by the caller).

        No cue before the point replays; the phase-start cue that never played is returned
        by the first ``tick()`` (or by ``resume()`` if the point was paused). ``runs`` gives
        the run count of each phase, for a later ``previous``; by default phases before the
        point ran once. An advance phase already past its target ends at the first tick.
        """
        if not 0 <= point.phase_index < len(preset.phases):
            raise ValueError(f"resume point phase {point.phase_index} is not in {preset.name!r}")
        engine = cls(preset, clock)
        now = clock.now()
        phase = preset.phases[point.phase_index]
        engine._started = True
        engine._start_clock = now - point.session_elapsed
        engine._index = point.phase_index
        engine._runs = dict(runs) if runs else {i: 1 for i in range(point.phase_index)}
        engine._runs[point.phase_index] = point.run
        engine._phase_start = point.session_elapsed - point.phase_elapsed
        engine._target = point.target if point.target is not None else phase.target
        engine._done = point.phase_elapsed
        engine._start_cue_held = not point.start_cue_played
        moment = cues.warning_at(phase, engine._target)
        engine._warning_played = moment is not None and moment <= point.phase_elapsed
        engine._pause_clock = now if point.paused else None
        return engine

    # -- state ---------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._started

    @property
    def paused(self) -> bool:
        return self._pause_clock is not None

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def end_reason(self) -> str | None:
        """Why the session ended: "completed" after the last phase's target, else how."""
        return self._end_reason

    @property
    def phase_index(self) -> int:
        """The index of the phase running now (the last one once the session ended)."""
        return self._index

    @property
    def runs(self) -> dict[int, int]:
        """How many times each phase has been started (a copy: ``previous`` adds runs)."""
        return dict(self._runs)

    @property
    def _running(self) -> bool:
        return self._started and not self._ended and self._pause_clock is None

    @property
    def _active(self) -> bool:
        return self._started and not self._ended

    @property
    def _phase(self) -> Phase:
        return self.preset.phases[self._index]

    def session_time(self) -> float:
        """Running session seconds (pauses excluded), from clock readings: zero drift."""
        self._high_water = max(self._high_water, self._session_at(self._clock.now()))
        return self._high_water

    def snapshot(self) -> Snapshot:
        """What the screen shows at ``clock.now()``; a pure read (``tick()`` moves time on)."""
        elapsed = self._elapsed_at(self._clock.now()) if self._started else 0.0
        target, phase = self._target, self._phase
        remaining = (
            None if phase.on_end is OnEnd.OPEN or target is None else max(0.0, target - elapsed)
        )
        hold = phase.on_end is OnEnd.HOLD and target is not None
        overtime = max(0.0, elapsed - target) if hold and target is not None else 0.0
        after = self.preset.phases[self._index + 1 :]
        return Snapshot(
            phase_index=self._index,
            phase=phase,
            run=self._runs.get(self._index, 1),
            phase_elapsed=elapsed,
            target=target,
            remaining=remaining,
            overtime=overtime,
            session_elapsed=self.session_time(),
            session_left=self._session_left(remaining, after),
            paused=self.paused,
            started=self._started,
            ended=self._ended,
            next_phase=after[0] if after else None,
        )

    def resume_point(self) -> ResumePoint:
        """The current position, as a checkpoint would record it."""
        now = self._clock.now()
        return ResumePoint(
            phase_index=self._index,
            run=self._runs.get(self._index, 1),
            phase_elapsed=self._elapsed_at(now) if self._started else 0.0,
            session_elapsed=self._session_at(now),
            target=self._target,
            start_cue_played=not self._start_cue_held,
            paused=self.paused,
        )

    def next_due(self) -> float | None:
        """The clock reading (``clock.now()`` units) of the next cue or phase change.

        Exact: ``tick()`` at this reading returns the item, a tick before it does not. UI
        timers may fire early (Textual's by up to 0.5 ms), so callers add a small margin,
        e.g. 2 ms. None when not running or when nothing more is scheduled in this phase.
        """
        if not self._running:
            return None
        if self._start_cue_held:
            return self._clock_at(self._done)
        phase, target, done = self._phase, self._target, self._done
        moments = [cues.next_cue_at(phase, target, done, warning=not self._warning_played)]
        if target is not None and phase.on_end is OnEnd.ADVANCE:
            moments.append(max(target, done))
        elif target is not None and target > done:
            moments.append(target)
        found = [moment for moment in moments if moment is not None]
        return self._clock_at(min(found)) if found else None

    def upcoming(self, within: float) -> tuple[float, CueDue] | None:
        """The cue the next due moment will sound if nothing changes, and that moment (a
        ``clock.now()`` reading), when it falls within ``within`` seconds; else None.

        Worked out by the same rules as ``tick()`` on a copy of this engine (nothing here
        changes), so a cue handed to the audio side ahead of its moment is the one ``tick()``
        will produce then: the fresh cue of that moment, not one merged into it. Any move,
        pause or end before it changes what is due; callers ask again after each.
        """
        if not self._running or self._pause_clock is not None:
            return None
        due = self.next_due()
        if due is None or due - self._clock.now() > within:
            return None
        ghost = copy.deepcopy(self, {id(self._clock): self._clock, id(self.preset): self.preset})
        fresh = [
            e for e in _mark_stale(ghost._catch_up(due)) if isinstance(e, CueDue) and not e.stale
        ]
        return (due, fresh[-1]) if fresh else None

    # -- moves ---------------------------------------------------------------------------

    def start(self, at: float | None = None) -> list[EngineEvent]:
        """Start the first phase: PhaseStarted(0) and its start cue.

        ``at`` (a ``clock.now()`` reading, at most now) is the moment session time 0 was
        planned for, when the start cue went to the audio side ahead of it; default now."""
        if self._started:
            return []
        self._started = True
        now = self._clock.now()
        self._start_clock = now if at is None else min(at, now)
        return _mark_stale(self._begin(0, 0.0, late=0.0))

    def opening(self) -> CueDue | None:
        """The start cue ``start()`` would sound, worked out on a copy (nothing changes here),
        so that it can go to the audio side ahead of the session's first moment."""
        if self._started:
            return None
        ghost = copy.deepcopy(self, {id(self._clock): self._clock, id(self.preset): self.preset})
        fresh = [e for e in ghost.start() if isinstance(e, CueDue) and not e.stale]
        return fresh[-1] if fresh else None

    def pause(self) -> list[EngineEvent]:
        """Stop the phase and session clocks; nothing falls due until ``resume()``."""
        if not self._running:
            return []
        now = self._clock.now()
        events = self._catch_up(now)
        if self._running:
            self._pause_clock = now
            events.append(Paused(self._session_at(now)))
        return _mark_stale(events)

    def resume(self) -> list[EngineEvent]:
        """Restart the clocks; a start cue held during the pause plays now, once."""
        if not self._active or self._pause_clock is None:
            return []
        now = self._clock.now()
        t = self._session_at(now)
        paused_for = now - self._pause_clock
        self._paused_total += paused_for
        self._pause_clock = None
        events: list[EngineEvent] = [Resumed(t, paused_for)]
        if self._start_cue_held:
            events += self._start_cue(late=0.0)
        return events

    def toggle_pause(self) -> list[EngineEvent]:
        return self.resume() if self.paused else self.pause()

    def next(self) -> list[EngineEvent]:
        """End the phase now and start the next one; after the last, end the session."""
        events, now = self._prelude()
        if not self._active:
            return _mark_stale(events)
        t, length = self._cut(now)
        events.append(PhaseEnded(self._index, t, "key", length))
        if self._index + 1 < len(self.preset.phases):
            events += self._begin(self._index + 1, t, late=0.0)
        else:
            events += self._finish(t, "key", late=0.0)
        return _mark_stale(events)

    def previous(self) -> list[EngineEvent]:
        """End the phase now and run the previous one again with its full target (a new run).

        At the first phase it does nothing: a stray key must not reset the clock.
        """
        events, now = self._prelude()
        if not self._active or self._index == 0:
            return _mark_stale(events)
        t, length = self._cut(now)
        events.append(PhaseEnded(self._index, t, "key", length))
        events += self._begin(self._index - 1, t, late=0.0)
        return _mark_stale(events)

    def extend(self, seconds: float = 60) -> list[EngineEvent]:
        """Move the target later; [TargetChanged], or [] when the phase has no target."""
        if seconds <= 0:
            raise ValueError("extend needs a positive number of seconds")
        events, now = self._prelude()
        if self._active and self._target is not None:
            events += self._set_target(self._target + seconds, now)
        return _mark_stale(events)

    def shorten(self, seconds: float = 60) -> list[EngineEvent]:
        """Move the target earlier, never below the time spent plus ``MIN_LEFT`` and never
        later than it was (so in overtime it does nothing); [] when nothing changes."""
        if seconds <= 0:
            raise ValueError("shorten needs a positive number of seconds")
        events, now = self._prelude()
        if self._active and self._target is not None:
            new = max(self._target - seconds, self._elapsed_at(now) + MIN_LEFT)
            if new < self._target:
                events += self._set_target(new, now)
        return _mark_stale(events)

    def end(self, reason: str = "key") -> list[EngineEvent]:
        """End the session now (the UI asks first)."""
        events, now = self._prelude()
        if not self._active:
            return _mark_stale(events)
        t, length = self._cut(now)
        events.append(PhaseEnded(self._index, t, "session_end", length))
        events += self._finish(t, reason, late=0.0)
        return _mark_stale(events)

    def tick(self) -> list[EngineEvent]:
        """Everything time produced since the last tick, each exactly once, in time order.

        A late tick returns every item it crossed, phases included, each with ``late`` set;
        all cues but the last are ``stale``.
        """
        if not self._running:
            return []
        return _mark_stale(self._catch_up(self._clock.now()))

    # -- time ----------------------------------------------------------------------------

    def _session_at(self, now: float) -> float:
        if self._end_time is not None:
            return self._end_time
        if not self._started:
            return 0.0
        reading = now if self._pause_clock is None else self._pause_clock
        return reading - self._start_clock - self._paused_total

    def _elapsed_at(self, now: float) -> float:
        return max(self._done, self._session_at(now) - self._phase_start)

    def _clock_at(self, elapsed: float) -> float:
        """The clock reading at which this phase run reaches ``elapsed`` (if never paused)."""
        return self._start_clock + self._paused_total + self._phase_start + elapsed

    def _cut(self, now: float) -> tuple[float, float]:
        """Session time now and the length of the current run, for a move that ends it."""
        elapsed = self._elapsed_at(now)
        return self._phase_start + elapsed, elapsed

    def _prelude(self) -> tuple[list[EngineEvent], float]:
        now = self._clock.now()
        return (self._catch_up(now) if self._running else []), now

    def _catch_up(self, now: float) -> list[EngineEvent]:
        """Process time up to ``now``: held start cue, due items, phases ending at target."""
        events: list[EngineEvent] = []
        if self._start_cue_held:
            events += self._start_cue(late=now - self._clock_at(self._done))
        while self._running:
            end = self._advance_end()
            if end is None or self._clock_at(end) > now:
                events += self._fire_due(now, None)
                break
            events += self._fire_due(now, end)
            events += self._end_at_target(now, end)
        return events

    def _advance_end(self) -> float | None:
        """When this run ends by itself: an advance phase at its target (at once if past)."""
        if self._phase.on_end is not OnEnd.ADVANCE or self._target is None:
            return None
        return max(self._target, self._done)

    def _fire_due(self, now: float, end: float | None) -> list[EngineEvent]:
        """Fire the items in ``(done, now]`` (up to ``end``, which has already come)."""
        computed = self._session_at(now) - self._phase_start
        upto = end if end is not None else computed + _SLACK
        events: list[EngineEvent] = []
        for item in self._items(self._done, upto):
            due_clock = self._clock_at(item.at)
            if due_clock > now:
                return events  # keep ``done`` below it: the next tick fires it
            events.append(self._emit(item, now - due_clock))
            self._done = item.at
        self._done = max(self._done, min(upto, computed))
        return events

    def _items(self, after: float, upto: float) -> list[_Due]:
        phase, target = self._phase, self._target
        found = [
            _Due(due.at, 0, due)
            for due in cues.due_cues(phase, target, after, upto, warning=not self._warning_played)
        ]
        if phase.on_end is not OnEnd.ADVANCE and target is not None and after < target <= upto:
            found.append(_Due(target, _TARGET_RANK, None))
        return sorted(found, key=lambda item: (item.at, item.rank))

    def _emit(self, item: _Due, late: float) -> EngineEvent:
        t = self._phase_start + item.at
        if item.due is None:
            return TargetReached(self._index, t)
        if item.due.kind is CueKind.WARNING:
            self._warning_played = True
        return CueDue(item.due.kind, self._index, t, item.due.cue, late=late)

    def _end_at_target(self, now: float, end: float) -> list[EngineEvent]:
        t = self._phase_start + end
        late = now - self._clock_at(end)
        events: list[EngineEvent] = [PhaseEnded(self._index, t, "target", end)]
        if self._index + 1 < len(self.preset.phases):
            return events + self._begin(self._index + 1, t, late)
        return events + self._finish(t, "completed", late)

    # -- phases --------------------------------------------------------------------------

    def _begin(self, index: int, t: float, late: float) -> list[EngineEvent]:
        """Start a new run of phase ``index`` at session time ``t`` (start cue held if paused)."""
        self._index = index
        self._runs[index] = self._runs.get(index, 0) + 1
        self._phase_start = t
        self._target = self._phase.target
        self._done = 0.0
        self._warning_played = False
        self._start_cue_held = True
        events: list[EngineEvent] = [PhaseStarted(index, t, self._runs[index])]
        if self._pause_clock is None:
            events += self._start_cue(late)
        return events

    def _start_cue(self, late: float) -> list[EngineEvent]:
        self._start_cue_held = False
        cue = self._phase.cues.start
        if cue is None:
            return []
        return [CueDue(CueKind.PHASE_START, self._index, self._phase_start + self._done, cue, late)]

    def _finish(self, t: float, reason: str, late: float) -> list[EngineEvent]:
        self._ended = True
        self._end_time = t
        self._end_reason = reason
        self._pause_clock = None
        self._start_cue_held = False
        events: list[EngineEvent] = [SessionEnded(t, reason)]
        if self.preset.end_cue is not None:
            events.append(CueDue(CueKind.SESSION_END, None, t, self.preset.end_cue, late))
        return events

    def _set_target(self, new: float, now: float) -> list[EngineEvent]:
        """Move the target; an unplayed warning moves with it, a played one is re-armed when
        its new moment is still ahead."""
        old, self._target = self._target, new
        elapsed = self._elapsed_at(now)
        moment = cues.warning_at(self._phase, new)
        if moment is not None and moment > elapsed:
            self._warning_played = False
        return [TargetChanged(self._index, self._phase_start + elapsed, old, new)]

    def _session_left(self, remaining: float | None, after: tuple[Phase, ...]) -> float | None:
        if self._ended:
            return 0.0
        if remaining is None or any(p.on_end is OnEnd.OPEN or p.target is None for p in after):
            return None
        return remaining + sum(p.target or 0.0 for p in after)


def _mark_stale(events: list[EngineEvent]) -> list[EngineEvent]:
    """Mark every cue but the last stale: one call is one moment, and one sound is enough."""
    last = max((i for i, event in enumerate(events) if isinstance(event, CueDue)), default=-1)
    return [
        replace(event, stale=True) if isinstance(event, CueDue) and i < last else event
        for i, event in enumerate(events)
    ]
