"""The session engine and time: next_due precision, late ticks, zero drift, crash resume."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import ResumePoint, SessionEngine
from sessiontimer.core.events import (
    CueDue,
    EngineEvent,
    PhaseEnded,
    PhaseStarted,
    SessionEnded,
    TargetReached,
)
from sessiontimer.core.model import Cue, CueKind, OnEnd, Phase, PhaseCues, Preset

START, WARN, TAP, OVER, END = Cue("start"), Cue("warn"), Cue("tap"), Cue("over"), Cue("end")


def phase(
    name: str,
    target: float | None,
    on_end: OnEnd = OnEnd.ADVANCE,
    *,
    warn: float | None = None,
    interval: float | None = None,
    overtime: float | None = None,
) -> Phase:
    return Phase(name, target, on_end, PhaseCues(START, WARN, warn, TAP, interval, OVER, overtime))


def busy_preset() -> Preset:
    """Every phase kind and every cue, with awkward (non-binary) numbers."""
    return Preset(
        "busy",
        (
            phase("intake", 70.3, warn=20.1, interval=13.7),
            phase("treat", 95.9, OnEnd.HOLD, warn=30.3, interval=17.1, overtime=11.3),
            phase("short", 12.2, interval=5.05),
            phase("open", 40.7, OnEnd.OPEN, interval=9.9),
        ),
        end_cue=END,
    )


def plain(events: list[EngineEvent]) -> list[EngineEvent]:
    """Events without the per-tick fields (late, stale), for comparing tick patterns."""
    return [replace(e, late=0.0, stale=False) if isinstance(e, CueDue) else e for e in events]


def run_at_next_due(engine: SessionEngine, clock: ManualClock, until: float) -> list[EngineEvent]:
    """Tick exactly at each next_due() (checking a tick just before gives nothing)."""
    events: list[EngineEvent] = []
    while (due := engine.next_due()) is not None and due <= until:
        clock.set(due - 1e-6)
        assert engine.tick() == []
        clock.set(due)
        found = engine.tick()
        assert found, f"nothing fired at next_due {due}"
        assert all(e.late == 0.0 for e in found if isinstance(e, CueDue))
        events += found
    return events


def shape(events: list[EngineEvent]) -> list[tuple[str, object, float]]:
    """Kind and session time of each event (to 1 µs): for engines built by different paths."""
    return [(type(e).__name__, getattr(e, "kind", None), round(e.t, 6)) for e in events]


# -- next_due ------------------------------------------------------------------------------


def count(events: list[EngineEvent]) -> dict[tuple[int | None, str], int]:
    found: dict[tuple[int | None, str], int] = {}
    for e in events:
        key = (
            (e.phase, e.kind.value)
            if isinstance(e, CueDue)
            else (getattr(e, "phase", None), type(e).__name__)
        )
        found[key] = found.get(key, 0) + 1
    return found


def test_next_due_is_exactly_when_each_item_fires() -> None:
    clock = ManualClock(start=987_654.321)
    engine = SessionEngine(busy_preset(), clock)
    engine.start()
    t0 = clock.now()
    events = run_at_next_due(engine, clock, until=t0 + 70.3 + 150)  # 150 s into the hold phase
    engine.next()
    events += run_at_next_due(engine, clock, until=clock.now() + 12.2 + 100)
    assert count(events) == {
        (0, "warning"): 1,
        (0, "interval"): 5,  # 13.7 ... 68.5
        (0, "PhaseEnded"): 1,
        (1, "PhaseStarted"): 1,
        (1, "phase_start"): 1,
        (1, "warning"): 1,
        (1, "interval"): 5,  # 17.1 ... 85.5
        (1, "TargetReached"): 1,
        (1, "overtime"): 4,  # 107.2, 118.5, 129.8, 141.1
        (2, "interval"): 2,  # 5.05, 10.1
        (2, "PhaseEnded"): 1,
        (3, "PhaseStarted"): 1,
        (3, "phase_start"): 1,
        (3, "interval"): 10,  # 9.9 ... 99 (open: endless)
        (3, "TargetReached"): 1,  # the hint
    }
    assert engine.next_due() is not None


def test_next_due_moves_with_a_pause() -> None:
    clock = ManualClock(start=10.0)
    engine = SessionEngine(Preset("p", (phase("a", 100, warn=20),)), clock)
    engine.start()
    assert engine.next_due() == 90.0
    clock.advance(30)
    engine.pause()
    assert engine.next_due() is None
    clock.advance(44.5)
    engine.resume()
    assert engine.next_due() == 134.5


def test_next_due_none_when_nothing_is_left_in_a_hold_phase() -> None:
    clock = ManualClock()
    engine = SessionEngine(Preset("p", (phase("h", 60, OnEnd.HOLD),)), clock)
    engine.start()
    assert engine.next_due() == clock.now() + 60
    clock.advance(60)
    assert engine.tick() == [TargetReached(0, 60.0)]
    assert engine.next_due() is None
    assert engine.tick() == []


# -- late ticks ----------------------------------------------------------------------------


def test_one_late_tick_returns_what_fine_ticks_return_each_once_in_order() -> None:
    fine_clock, late_clock = ManualClock(start=55.5), ManualClock(start=55.5)
    fine, late = SessionEngine(busy_preset(), fine_clock), SessionEngine(busy_preset(), late_clock)
    fine.start(), late.start()
    expected = run_at_next_due(fine, fine_clock, until=55.5 + 70.3 + 140)
    late_clock.set(55.5 + 70.3 + 140)
    got = late.tick()
    assert plain(got) == expected
    cues = [e for e in got if isinstance(e, CueDue)]
    assert [c.stale for c in cues] == [True] * (len(cues) - 1) + [False]
    for c in cues:
        assert c.late == pytest.approx(late_clock.now() - 55.5 - c.t, abs=1e-9)
    assert late.tick() == []


def test_a_late_tick_crosses_several_advance_phases() -> None:
    clock = ManualClock(start=0.0)
    phases = tuple(phase(f"p{i}", 10, interval=4) for i in range(5))
    engine = SessionEngine(Preset("p", phases), clock)
    engine.start()
    clock.advance(47)
    events = engine.tick()
    starts = [e for e in events if isinstance(e, PhaseStarted)]
    assert [(s.phase, s.t) for s in starts] == [(1, 10.0), (2, 20.0), (3, 30.0), (4, 40.0)]
    ends = [e for e in events if isinstance(e, PhaseEnded)]
    assert [(e.phase, e.reason, e.length) for e in ends] == [(i, "target", 10.0) for i in range(4)]
    taps = [e.t for e in events if isinstance(e, CueDue) and e.kind is CueKind.INTERVAL]
    assert taps == [4, 8, 14, 18, 24, 28, 34, 38, 44]
    assert [e for e in events if isinstance(e, CueDue) and not e.stale] == [
        CueDue(CueKind.INTERVAL, 4, 44.0, TAP, late=3.0)
    ]
    assert engine.snapshot().phase_index == 4 and engine.snapshot().phase_elapsed == 7.0


def test_a_late_tick_past_the_end_completes_the_session_and_only_the_end_cue_is_fresh() -> None:
    clock = ManualClock(start=0.0)
    engine = SessionEngine(
        Preset("p", (phase("a", 10, warn=5), phase("b", 10)), end_cue=END), clock
    )
    engine.start()
    clock.advance(3_600)  # a suspended laptop
    events = engine.tick()
    assert events[-2:] == [
        SessionEnded(20.0, "completed"),
        CueDue(CueKind.SESSION_END, None, 20.0, END, late=3_580.0),
    ]
    assert sum(1 for e in events if isinstance(e, CueDue) and not e.stale) == 1
    assert engine.ended and engine.session_time() == 20.0


# -- zero drift ----------------------------------------------------------------------------


def test_an_eight_hour_session_with_100_pauses_has_zero_drift() -> None:
    """8 one-hour hold phases, each run into some overtime, ticked every 7.5 s, with 100
    pauses of random length: session time ends exactly at the running time driven."""
    rng = random.Random(8)
    clock = ManualClock(start=123_456.0)
    hold = phase("h", 3600, OnEnd.HOLD, warn=300, interval=900, overtime=120)
    engine = SessionEngine(Preset("8h", (hold,) * 8, end_cue=END), clock)
    steps = [(3600 + 60 * i) // 7.5 for i in range(8)]  # 480, 488, ... steps of 7.5 s
    pause_at = set(rng.sample(range(int(sum(steps))), 100))
    events, running, step = engine.start(), 0.0, 0
    for i, n in enumerate(steps):
        assert engine.snapshot().phase_index == i
        for _ in range(int(n)):
            clock.advance(7.5)
            running += 7.5
            events += engine.tick()
            if step in pause_at:
                events += engine.pause()
                clock.advance(rng.randint(1, 2400) * 0.25)
                events += engine.resume()
            step += 1
        events += engine.next()
    assert engine.ended and engine.session_time() == running
    assert SessionEnded(running, "key") in events
    assert sum(1 for e in events if type(e).__name__ == "Paused") == 100
    per_phase = count(events)
    for i in range(8):
        overtime = (60 * i) // 120
        assert [
            per_phase[(i, k)] for k in ("phase_start", "warning", "interval", "TargetReached")
        ] == [1, 1, 3, 1]
        assert per_phase.get((i, "overtime"), 0) == overtime
    starts = [e.t for e in events if isinstance(e, PhaseStarted)]
    assert starts == [sum(steps[:i]) * 7.5 for i in range(8)]


# -- crash resume --------------------------------------------------------------------------


POINT = ResumePoint(
    phase_index=1,
    run=1,
    phase_elapsed=50.0,
    session_elapsed=120.3,
    target=95.9,
    start_cue_played=False,
)


def test_restored_returns_the_unplayed_start_cue_once_and_replays_nothing_else() -> None:
    clock = ManualClock(start=500.0)
    engine = SessionEngine.restored(busy_preset(), clock, POINT)
    assert engine.started and not engine.paused and engine.session_time() == pytest.approx(120.3)
    assert engine.tick() == [CueDue(CueKind.PHASE_START, 1, 120.3, START)]
    assert engine.tick() == []
    assert engine.next_due() == pytest.approx(501.3)  # interval at 51.3, not 17.1 or 34.2
    clock.advance(1.3)
    assert shape(engine.tick()) == [("CueDue", CueKind.INTERVAL, 121.6)]


def test_restored_with_the_start_cue_played_returns_nothing_at_first() -> None:
    clock = ManualClock()
    engine = SessionEngine.restored(busy_preset(), clock, replace(POINT, start_cue_played=True))
    assert engine.tick() == []


def test_restored_paused_holds_the_start_cue_until_resume() -> None:
    clock = ManualClock()
    engine = SessionEngine.restored(busy_preset(), clock, replace(POINT, paused=True))
    assert engine.paused and engine.tick() == [] and engine.next_due() is None
    clock.advance(30)
    events = engine.resume()
    assert events[1:] == [CueDue(CueKind.PHASE_START, 1, 120.3, START)]
    assert engine.tick() == []


def test_restored_after_the_warning_does_not_replay_it_but_extend_re_arms_it() -> None:
    clock = ManualClock()
    engine = SessionEngine.restored(
        busy_preset(), clock, replace(POINT, phase_elapsed=66.0, start_cue_played=True)
    )
    clock.advance(2.0)
    assert engine.tick() == []  # warning was at 65.6, interval 68.4 not yet
    engine.extend()  # warning now at 125.6
    clock.advance(57.6)
    warnings = [e for e in engine.tick() if isinstance(e, CueDue) and e.kind is CueKind.WARNING]
    assert len(warnings) == 1


def test_restored_advance_phase_past_its_target_ends_at_the_first_tick() -> None:
    clock = ManualClock()
    p = replace(
        POINT,
        phase_index=0,
        phase_elapsed=80.0,
        session_elapsed=80.0,
        target=70.3,
        start_cue_played=True,
    )
    engine = SessionEngine.restored(busy_preset(), clock, p)
    assert engine.tick() == [
        PhaseEnded(0, 80.0, "target", 80.0),
        PhaseStarted(1, 80.0, 1),
        CueDue(CueKind.PHASE_START, 1, 80.0, START),
    ]


def test_restored_runs_count_for_previous() -> None:
    clock = ManualClock()
    engine = SessionEngine.restored(busy_preset(), clock, POINT)
    assert ("PhaseStarted", None, 120.3) in shape(engine.previous())
    assert engine.snapshot().run == 2
    again = SessionEngine.restored(busy_preset(), clock, POINT, runs={0: 3})
    again.previous()
    assert (again.snapshot().phase_index, again.snapshot().run) == (0, 4)


def test_restored_refuses_a_phase_outside_the_preset() -> None:
    with pytest.raises(ValueError, match="phase 9"):
        SessionEngine.restored(busy_preset(), ManualClock(), replace(POINT, phase_index=9))


def test_resume_point_round_trip_continues_identically() -> None:
    clock = ManualClock(start=1_000.0)
    original = SessionEngine(busy_preset(), clock)
    original.start()
    clock.advance(100.0)
    original.tick()
    saved = original.resume_point()
    assert (saved.phase_index, saved.run, saved.start_cue_played) == (1, 1, True)
    assert saved.phase_elapsed == pytest.approx(29.7)
    copy = SessionEngine.restored(busy_preset(), clock, saved)
    assert copy.tick() == []
    clock.advance(120.0)
    ahead, behind = copy.tick(), original.tick()
    assert len(ahead) == 10 and shape(ahead) == shape(behind)
