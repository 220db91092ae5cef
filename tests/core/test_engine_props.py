"""Property tests: random presets, moves and clock jumps never break the engine's promises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.events import CueDue, EngineEvent, PhaseStarted
from sessiontimer.core.model import Cue, OnEnd, Phase, PhaseCues, Preset

seconds = st.floats(min_value=3, max_value=400, allow_nan=False)
maybe = st.none() | seconds


@st.composite
def phases(draw: st.DrawFn) -> Phase:
    on_end = draw(st.sampled_from(OnEnd))
    target = draw(maybe if on_end is OnEnd.OPEN else seconds)
    cues = PhaseCues(
        start=draw(st.sampled_from([Cue("start"), None])),
        warning=Cue("warn"),
        warn_before=draw(maybe),
        interval=Cue("tap"),
        interval_every=draw(maybe),
        overtime=Cue("over"),
        overtime_every=draw(maybe),
    )
    return Phase("p", target, on_end, cues)


presets = st.builds(
    Preset,
    name=st.just("random"),
    phases=st.lists(phases(), min_size=1, max_size=4).map(tuple),
    end_cue=st.sampled_from([Cue("end"), None]),
)
moves = st.sampled_from(
    [
        "tick",
        "due",
        "pause",
        "resume",
        "toggle_pause",
        "next",
        "previous",
        "extend",
        "shorten",
        "end",
    ]
)
ops = st.lists(st.tuples(moves, st.floats(min_value=0, max_value=500)), max_size=40)


def call(engine: SessionEngine, clock: ManualClock, move: str, amount: float) -> list[EngineEvent]:
    """Advance the clock by ``amount`` (or to next_due), then make the move."""
    due = engine.next_due()
    if move == "due" and due is not None:
        clock.set(max(due, clock.now()))
        return engine.tick()
    clock.advance(amount)
    if move == "extend":
        return engine.extend(1 + amount % 120)
    if move == "shorten":
        return engine.shorten(1 + amount % 120)
    action: Callable[[], list[EngineEvent]] = getattr(engine, "tick" if move == "due" else move)
    return action()


class Checker:
    """Watches every returned list for the promises the engine makes."""

    def __init__(self) -> None:
        self.runs: dict[int, int] = {}
        self.seen: set[tuple[object, ...]] = set()
        self.last_t = 0.0

    def check(self, events: list[EngineEvent]) -> None:
        cue_positions = [i for i, e in enumerate(events) if isinstance(e, CueDue)]
        for i, event in enumerate(events):
            assert event.t >= self.last_t - 1e-6, f"time went back: {event}"
            self.last_t = max(self.last_t, event.t)
            if isinstance(event, PhaseStarted):
                self.runs[event.phase] = event.run
            if isinstance(event, CueDue):
                run = 0 if event.phase is None else self.runs[event.phase]
                key = (event.phase, run, event.kind, event.t)
                assert key not in self.seen, f"cue twice: {key}"
                self.seen.add(key)
                assert event.late >= 0
                assert event.stale == (i != cue_positions[-1])


@settings(max_examples=150, deadline=None)
@given(preset=presets, steps=ops, start=st.floats(min_value=0, max_value=1e7))
def test_random_moves_keep_every_promise(
    preset: Preset, steps: list[tuple[str, float]], start: float
) -> None:
    clock = ManualClock(start=start)
    engine = SessionEngine(preset, clock)
    checker = Checker()
    checker.check(engine.start())
    before = engine.session_time()
    for move, amount in steps:
        was_paused = engine.paused
        events = call(engine, clock, move, amount)
        checker.check(events)
        if was_paused and move in ("tick", "due"):
            assert events == []
        now = engine.session_time()
        assert now >= before
        before = now
        if engine.ended:
            assert engine.tick() == [] and engine.next_due() is None


def plain(events: list[EngineEvent]) -> list[EngineEvent]:
    return [replace(e, late=0.0, stale=False) if isinstance(e, CueDue) else e for e in events]


def run(preset: Preset, total: float, pattern: str, gaps: list[float]) -> list[EngineEvent]:
    clock = ManualClock(start=4_242.0)
    engine = SessionEngine(preset, clock)
    events = engine.start()
    end = clock.now() + total
    if pattern == "random":
        for gap in gaps:
            clock.set(min(end, clock.now() + gap))
            events += engine.tick()
    elif pattern == "due":
        for _ in range(100_000):
            due = engine.next_due()
            if due is None or due > end:
                break
            clock.set(max(due, clock.now()))
            found = engine.tick()
            assert found, "next_due() promised an event that tick() did not give"
            events += found
        else:
            raise AssertionError("next_due() never moved on")
    clock.set(end)
    return plain(events + engine.tick())


@settings(max_examples=100, deadline=None)
@given(
    preset=presets,
    total=st.floats(min_value=0, max_value=2_000),
    gaps=st.lists(st.floats(min_value=0, max_value=300), max_size=30),
)
def test_how_often_one_ticks_never_changes_what_happens(
    preset: Preset, total: float, gaps: list[float]
) -> None:
    """Ticking at every next_due(), at random moments, or once at the end gives the same
    events (apart from lateness), each once and in the same order."""
    by_due = run(preset, total, "due", gaps)
    assert by_due == run(preset, total, "random", gaps) == run(preset, total, "once", gaps)
