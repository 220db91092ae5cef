"""The session engine's moves: transitions, pause/resume, extend/shorten (manual clock)."""

from __future__ import annotations

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
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
    cues = PhaseCues(START, WARN, warn, TAP, interval, OVER, overtime)
    return Phase(name, target, on_end, cues)


def make(*phases: Phase, end_cue: Cue | None = END) -> tuple[SessionEngine, ManualClock]:
    clock = ManualClock(start=7_321.25)
    return SessionEngine(Preset("test", phases, end_cue=end_cue), clock), clock


def three() -> tuple[SessionEngine, ManualClock]:
    return make(phase("a", 60), phase("b", 120), phase("c", 30))


def cue(
    kind: CueKind, ph: int | None, t: float, c: Cue, late: float = 0.0, stale: bool = False
) -> CueDue:
    return CueDue(kind, ph, t, c, late=late, stale=stale)


def kinds(events: list[EngineEvent]) -> list[str]:
    return [
        type(e).__name__ + (f":{e.kind.value}" if isinstance(e, CueDue) else "") for e in events
    ]


# -- transitions ---------------------------------------------------------------------------


def test_start_returns_phase_started_and_its_cue_once() -> None:
    engine, _ = three()
    assert not engine.started
    assert engine.start() == [PhaseStarted(0, 0.0, 1), cue(CueKind.PHASE_START, 0, 0.0, START)]
    assert engine.started and not engine.paused and not engine.ended
    assert engine.start() == []
    assert engine.tick() == []


def test_nothing_moves_before_start() -> None:
    engine, clock = three()
    clock.advance(500)
    for move in (engine.tick, engine.pause, engine.resume, engine.next, engine.previous):
        assert move() == []
    assert engine.extend() == [] and engine.shorten() == [] and engine.end() == []
    assert engine.next_due() is None
    assert engine.session_time() == 0.0
    assert engine.snapshot().phase_elapsed == 0.0


def test_advance_phase_moves_on_by_itself_at_target() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(60)
    assert engine.tick() == [
        PhaseEnded(0, 60.0, "target", 60.0),
        PhaseStarted(1, 60.0, 1),
        cue(CueKind.PHASE_START, 1, 60.0, START),
    ]
    assert engine.tick() == []
    assert engine.snapshot().phase_index == 1


def test_last_advance_phase_completes_the_session() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(180)
    engine.tick()
    clock.advance(30)
    assert engine.tick() == [
        PhaseEnded(2, 210.0, "target", 30.0),
        SessionEnded(210.0, "completed"),
        cue(CueKind.SESSION_END, None, 210.0, END),
    ]
    assert engine.ended
    clock.advance(100)
    assert engine.tick() == [] and engine.next() == [] and engine.pause() == []
    assert engine.session_time() == 210.0
    snap = engine.snapshot()
    assert snap.ended and snap.session_left == 0.0 and snap.next_phase is None


def test_cues_switched_off_produce_no_cue_events() -> None:
    quiet = Phase("q", 60, OnEnd.ADVANCE, PhaseCues(start=None))
    engine, clock = make(quiet, end_cue=None)
    assert engine.start() == [PhaseStarted(0, 0.0, 1)]
    clock.advance(60)
    assert engine.tick() == [PhaseEnded(0, 60.0, "target", 60.0), SessionEnded(60.0, "completed")]


def test_next_ends_the_phase_early_and_starts_the_next() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(12.5)
    assert engine.next() == [
        PhaseEnded(0, 12.5, "key", 12.5),
        PhaseStarted(1, 12.5, 1),
        cue(CueKind.PHASE_START, 1, 12.5, START),
    ]
    clock.advance(120)
    assert kinds(engine.tick()) == ["PhaseEnded", "PhaseStarted", "CueDue:phase_start"]


def test_next_at_the_last_phase_ends_the_session() -> None:
    engine, clock = three()
    engine.start()
    engine.next()
    engine.next()
    clock.advance(5)
    assert engine.next() == [
        PhaseEnded(2, 5.0, "key", 5.0),
        SessionEnded(5.0, "key"),
        cue(CueKind.SESSION_END, None, 5.0, END),
    ]
    assert engine.ended


def test_previous_at_the_first_phase_is_a_no_op() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(40)
    assert engine.previous() == []
    assert engine.snapshot().phase_elapsed == 40.0
    assert engine.snapshot().run == 1


def test_previous_restarts_the_previous_phase_with_its_full_target() -> None:
    engine, clock = three()
    engine.start()
    engine.extend(60)
    clock.advance(100)
    engine.next()
    clock.advance(20)
    assert engine.previous() == [
        PhaseEnded(1, 120.0, "key", 20.0),
        PhaseStarted(0, 120.0, 2),
        cue(CueKind.PHASE_START, 0, 120.0, START),
    ]
    snap = engine.snapshot()
    assert (snap.phase_index, snap.run, snap.target, snap.phase_elapsed) == (0, 2, 60, 0.0)


def test_end_closes_the_session_with_a_reason() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(70)
    assert engine.end() == [
        PhaseEnded(0, 60.0, "target", 60.0),
        PhaseStarted(1, 60.0, 1),
        cue(CueKind.PHASE_START, 1, 60.0, START, late=10.0, stale=True),
        PhaseEnded(1, 70.0, "session_end", 10.0),
        SessionEnded(70.0, "key"),
        cue(CueKind.SESSION_END, None, 70.0, END),
    ]
    assert engine.end() == []


def test_end_interrupted_reason_is_kept() -> None:
    engine, _ = three()
    engine.start()
    assert SessionEnded(0.0, "interrupted") in engine.end("interrupted")


def test_hold_phase_reaches_target_then_counts_overtime_until_next() -> None:
    engine, clock = make(phase("t", 300, OnEnd.HOLD, overtime=120), phase("z", 60))
    engine.start()
    clock.advance(300)
    assert engine.tick() == [TargetReached(0, 300.0)]
    clock.advance(120)
    assert engine.tick() == [cue(CueKind.OVERTIME, 0, 420.0, OVER)]
    clock.advance(100)
    snap = engine.snapshot()
    assert (snap.phase_index, snap.remaining, snap.overtime) == (0, 0.0, 220.0)
    assert snap.session_left == 60.0
    assert kinds(engine.next()) == ["PhaseEnded", "PhaseStarted", "CueDue:phase_start"]


def test_open_phase_counts_up_with_a_hint_and_endless_intervals() -> None:
    engine, clock = make(phase("o", 100, OnEnd.OPEN, warn=30, interval=40, overtime=10))
    engine.start()
    clock.advance(250)
    assert engine.tick() == [
        cue(CueKind.INTERVAL, 0, 40.0, TAP, late=210.0, stale=True),
        cue(CueKind.INTERVAL, 0, 80.0, TAP, late=170.0, stale=True),
        TargetReached(0, 100.0),
        cue(CueKind.INTERVAL, 0, 120.0, TAP, late=130.0, stale=True),
        cue(CueKind.INTERVAL, 0, 160.0, TAP, late=90.0, stale=True),
        cue(CueKind.INTERVAL, 0, 200.0, TAP, late=50.0, stale=True),
        cue(CueKind.INTERVAL, 0, 240.0, TAP, late=10.0),
    ]
    snap = engine.snapshot()
    assert snap.remaining is None and snap.overtime == 0.0 and snap.session_left is None


def test_open_phase_without_target_has_nothing_due() -> None:
    engine, clock = make(phase("o", None, OnEnd.OPEN), phase("z", 60))
    engine.start()
    assert engine.next_due() is None
    clock.advance(10_000)
    assert engine.tick() == []
    assert engine.snapshot().phase_elapsed == 10_000.0


def test_session_left_counts_targets_and_says_none_while_an_open_phase_remains() -> None:
    engine, clock = make(phase("a", 60), phase("o", None, OnEnd.OPEN), phase("c", 30))
    engine.start()
    assert engine.snapshot().session_left is None
    engine.next()
    assert engine.snapshot().session_left is None
    engine.next()
    clock.advance(10)
    assert engine.snapshot().session_left == 20.0
    other, clock2 = three()
    other.start()
    clock2.advance(15)
    assert other.snapshot().session_left == 45 + 120 + 30
    assert other.snapshot().next_phase == other.preset.phases[1]


# -- pause and resume ----------------------------------------------------------------------


def test_pause_twice_and_resume_when_not_paused() -> None:
    engine, clock = three()
    engine.start()
    assert engine.resume() == []
    clock.advance(10)
    assert engine.pause() == [Paused(10.0)]
    assert engine.pause() == []
    clock.advance(25)
    assert engine.resume() == [Resumed(10.0, 25.0)]
    assert engine.resume() == []


def test_pause_stops_both_clocks_and_nothing_falls_due() -> None:
    engine, clock = make(phase("a", 100, warn=20), phase("b", 50))
    engine.start()
    clock.advance(70)
    engine.pause()
    clock.advance(1_000)
    assert engine.tick() == [] and engine.next_due() is None
    assert engine.session_time() == 70.0 and engine.snapshot().phase_elapsed == 70.0
    engine.resume()
    clock.advance(9.5)
    assert engine.tick() == []
    clock.advance(0.5)
    assert engine.tick() == [cue(CueKind.WARNING, 0, 80.0, WARN)]


def test_toggle_pause() -> None:
    engine, clock = three()
    engine.start()
    assert kinds(engine.toggle_pause()) == ["Paused"] and engine.paused
    clock.advance(3)
    assert kinds(engine.toggle_pause()) == ["Resumed"] and not engine.paused


def test_next_while_paused_stays_paused_and_holds_the_start_cue_until_resume() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(10)
    engine.pause()
    clock.advance(5)
    assert engine.next() == [PhaseEnded(0, 10.0, "key", 10.0), PhaseStarted(1, 10.0, 1)]
    assert engine.paused and engine.tick() == [] and engine.next_due() is None
    assert engine.next() == [PhaseEnded(1, 10.0, "key", 0.0), PhaseStarted(2, 10.0, 1)]
    clock.advance(5)
    assert engine.resume() == [Resumed(10.0, 10.0), cue(CueKind.PHASE_START, 2, 10.0, START)]
    assert engine.tick() == []
    engine.pause()
    assert kinds(engine.resume()) == ["Resumed"]


def test_previous_while_paused_holds_the_start_cue_too() -> None:
    engine, clock = three()
    engine.start()
    engine.next()
    clock.advance(30)
    engine.pause()
    assert engine.previous() == [PhaseEnded(1, 30.0, "key", 30.0), PhaseStarted(0, 30.0, 2)]
    assert engine.resume()[1:] == [cue(CueKind.PHASE_START, 0, 30.0, START)]


def test_end_while_paused_plays_the_end_cue_and_is_no_longer_paused() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(10)
    engine.pause()
    clock.advance(50)
    assert kinds(engine.end()) == ["PhaseEnded", "SessionEnded", "CueDue:session_end"]
    assert not engine.paused and engine.session_time() == 10.0
    assert engine.resume() == []


def test_a_tick_due_before_pause_is_taken_in_by_pause() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(65)
    assert kinds(engine.pause()) == ["PhaseEnded", "PhaseStarted", "CueDue:phase_start", "Paused"]
    assert engine.snapshot().phase_index == 1


# -- extend and shorten --------------------------------------------------------------------


def test_extend_moves_the_phase_end() -> None:
    engine, clock = three()
    engine.start()
    clock.advance(30)
    assert engine.extend() == [TargetChanged(0, 30.0, 60, 120)]
    clock.advance(89)
    assert engine.tick() == []
    clock.advance(1)
    assert kinds(engine.tick())[0] == "PhaseEnded"


def test_shorten_floors_at_elapsed_plus_ten_seconds() -> None:
    engine, clock = make(phase("a", 300))
    engine.start()
    clock.advance(250)
    assert engine.shorten() == [TargetChanged(0, 250.0, 300, 260.0)]
    assert engine.shorten() == []
    clock.advance(5)
    assert engine.shorten() == []  # the floor (265) is past the target: never increased
    assert engine.snapshot().target == 260.0


def test_shorten_never_increases_the_target() -> None:
    engine, clock = make(phase("a", 300))
    engine.start()
    clock.advance(295)
    assert engine.shorten() == []
    assert engine.snapshot().target == 300


def test_shorten_at_phase_start_leaves_ten_seconds() -> None:
    engine, _ = make(phase("a", 30))
    engine.start()
    assert engine.shorten() == [TargetChanged(0, 0.0, 30, 10.0)]


def test_shorten_in_overtime_does_nothing_and_extend_moves_the_target() -> None:
    engine, clock = make(phase("t", 300, OnEnd.HOLD, overtime=50))
    engine.start()
    clock.advance(400)
    engine.tick()
    assert engine.shorten() == []
    assert engine.extend() == [TargetChanged(0, 400.0, 300, 360)]
    assert engine.snapshot().overtime == 40.0
    assert engine.next_due() == clock.now() + 10  # 360 + 50
    assert engine.extend() == [TargetChanged(0, 400.0, 360, 420)]
    assert engine.snapshot().remaining == 20.0
    clock.advance(20)
    assert engine.tick() == [TargetReached(0, 420.0)]


def test_extend_and_shorten_of_an_open_phase_without_target_do_nothing() -> None:
    engine, _ = make(phase("o", None, OnEnd.OPEN))
    engine.start()
    assert engine.extend() == [] and engine.shorten() == []


def test_extend_and_shorten_refuse_non_positive_seconds() -> None:
    engine, _ = three()
    engine.start()
    with pytest.raises(ValueError, match="positive"):
        engine.extend(0)
    with pytest.raises(ValueError, match="positive"):
        engine.shorten(-5)


def test_an_unplayed_warning_moves_with_the_target() -> None:
    engine, clock = make(phase("a", 300, warn=60))
    engine.start()
    clock.advance(200)
    engine.extend()
    assert engine.next_due() == clock.now() + 100
    clock.advance(100)
    assert engine.tick() == [cue(CueKind.WARNING, 0, 300.0, WARN)]


def test_a_played_warning_is_re_armed_when_the_end_moves_later_than_its_lead() -> None:
    engine, clock = make(phase("a", 300, warn=60))
    engine.start()
    clock.advance(250)
    assert engine.tick() == [cue(CueKind.WARNING, 0, 240.0, WARN, late=10.0)]
    engine.extend(5)  # warning moment 245 < 250: not re-armed
    clock.advance(50)
    assert engine.tick() == []
    engine.extend()  # target 365, warning at 305 > 300: re-armed
    clock.advance(5)
    assert engine.tick() == [cue(CueKind.WARNING, 0, 305.0, WARN)]


def test_a_warning_shortened_into_the_past_is_dropped_and_returns_with_extend() -> None:
    engine, clock = make(phase("a", 300, warn=60))
    engine.start()
    clock.advance(200)
    engine.shorten()  # target 240, warning at 180: already behind
    clock.advance(30)
    assert engine.tick() == []
    engine.extend()  # target 300, warning at 240
    clock.advance(10)
    assert engine.tick() == [cue(CueKind.WARNING, 0, 240.0, WARN)]


def test_extend_while_paused_changes_the_target_without_cues() -> None:
    engine, clock = make(phase("a", 100, warn=10))
    engine.start()
    clock.advance(95)
    engine.tick()
    engine.pause()
    assert engine.extend() == [TargetChanged(0, 95.0, 100, 160)]
    assert engine.tick() == [] and engine.paused
    engine.resume()
    clock.advance(55)
    assert engine.tick() == [cue(CueKind.WARNING, 0, 150.0, WARN)]
