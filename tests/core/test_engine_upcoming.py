"""``SessionEngine.upcoming``: the cue the next due moment will sound, known ahead of it, so
the audio side can start it exactly then (issue 15). Worked out on a copy: nothing changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.events import CueDue
from sessiontimer.core.model import CueKind, OnEnd
from tests.core.test_engine import END, TAP, WARN, make, phase


def fresh(events: list) -> list[CueDue]:
    return [e for e in events if isinstance(e, CueDue) and not e.stale]


def test_the_next_cue_is_known_within_the_horizon_and_not_before() -> None:
    engine, clock = make(phase("a", 60, interval=20))
    engine.start()
    clock.advance(19.5)
    assert engine.upcoming(0.25) is None  # 0.5 s away
    clock.advance(0.3)
    due, event = engine.upcoming(0.25) or (None, None)
    assert due == engine.next_due() and event is not None
    assert (event.kind, event.phase, event.t, event.cue) == (CueKind.INTERVAL, 0, 20.0, TAP)


def test_looking_ahead_changes_nothing_and_tick_then_gives_that_cue() -> None:
    engine, clock = make(phase("a", 60, warn=10, interval=25))
    engine.start()
    clock.advance(49.9)
    engine.tick()  # the interval at 25 s
    ahead = engine.upcoming(0.25)
    assert ahead is not None
    assert fresh(engine.tick()) == []  # still before its moment: the copy moved, not this
    clock.set(ahead[0])
    (event,) = fresh(engine.tick())
    assert (event.kind, event.t, event.cue) == (ahead[1].kind, ahead[1].t, ahead[1].cue)
    assert event.cue is WARN


def test_cues_due_together_give_the_one_tick_plays() -> None:
    engine, clock = make(phase("a", 30, warn=10, interval=20), end_cue=END)
    engine.start()
    clock.advance(19.9)  # warning and interval both at 20 s: one plays, one is merged
    ahead = engine.upcoming(0.25)
    assert ahead is not None
    clock.set(ahead[0])
    (played,) = fresh(engine.tick())
    assert (played.kind, played.cue) == (ahead[1].kind, ahead[1].cue)


def test_nothing_is_ahead_while_paused_or_after_the_end() -> None:
    engine, clock = make(phase("a", 60, interval=20))
    engine.start()
    clock.advance(19.9)
    engine.pause()
    assert engine.upcoming(0.25) is None
    engine.resume()
    assert engine.upcoming(0.25) is not None
    engine.end("key")
    assert engine.upcoming(0.25) is None


def test_the_session_end_cue_is_known_ahead() -> None:
    engine, clock = make(phase("a", 30), end_cue=END)
    engine.start()
    clock.advance(29.8)
    ahead = engine.upcoming(0.25)
    assert ahead is not None and ahead[1].cue is END


def test_a_hold_phase_has_its_overtime_cue_ahead_but_not_a_move() -> None:
    engine, clock = make(phase("a", 10, OnEnd.HOLD, overtime=5), phase("b", 10))
    engine.start()
    start = clock.now()
    clock.set(start + 14.9)
    engine.tick()
    ahead = engine.upcoming(0.25)  # the overtime reminder: the next phase waits for a key
    assert ahead is not None and ahead[1].kind is CueKind.OVERTIME and ahead[1].phase == 0


@given(
    st.floats(min_value=0.0, max_value=200.0),
    st.floats(min_value=0.01, max_value=2.0),
)
def test_upcoming_always_agrees_with_the_tick_at_its_moment(at: float, within: float) -> None:
    engine, clock = make(phase("a", 60, warn=15, interval=7), phase("b", 40, interval=9))
    engine.start()
    clock.advance(at)
    engine.tick()
    ahead = engine.upcoming(within)
    due = engine.next_due()
    if ahead is None:
        return
    assert due is not None and ahead[0] == due and due - clock.now() <= within
    clock.set(due)
    played = fresh(engine.tick())
    assert played and (played[-1].kind, played[-1].phase, played[-1].t, played[-1].cue) == (
        ahead[1].kind, ahead[1].phase, ahead[1].t, ahead[1].cue,
    )  # fmt: skip
