"""The rhythm tap-rate calculator against a manual clock: no sleeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.rhythm import QUIET_AFTER, RhythmTapper, describe, in_hint_range, rate_of


def tap_every(tapper: RhythmTapper, clock: ManualClock, seconds: float, n: int) -> list:  # type: ignore[type-arg]
    results = []
    for i in range(n):
        if i:
            clock.advance(seconds)
        results.append(tapper.tap(clock.now(), clock.now() - 1000.0, "sacrum"))
    return results


def test_rate_shows_after_three_taps() -> None:
    clock, tapper = ManualClock(), RhythmTapper()
    first, second, third, fourth = tap_every(tapper, clock, 7.5, 4)
    assert first.rate is None and second.rate is None
    assert third.rate == 8.0 and third.taps == 3
    assert fourth.rate == 8.0
    assert describe(third.rate, 3) == (
        "rhythm 8/min (3 taps; within 6–12) · 1-3 amp, 4-6 sym, 7-9 vig"
    )
    given = (("amplitude", "high"),)
    assert describe(third.rate, 3, given) == "rhythm 8/min (3 taps; within 6–12) · amplitude high"
    assert describe(None, 2) == "rhythm: 2 taps…"


def test_reading_when_tapping_stops_for_ten_seconds() -> None:
    clock, tapper = ManualClock(), RhythmTapper()
    tap_every(tapper, clock, 6.0, 5)
    assert tapper.deadline() == clock.now() + QUIET_AFTER
    clock.advance(QUIET_AFTER - 0.001)
    assert tapper.due(clock.now()) is None
    assert tapper.set_quality("amplitude", "low") and tapper.set_quality("vigour", "high")
    clock.advance(0.001)
    reading = tapper.due(clock.now())
    assert reading is not None
    assert (reading.rate, reading.taps, reading.station) == (10.0, 5, "sacrum")
    assert reading.t == 24.0  # session time of the last tap
    assert reading.qualities == (("amplitude", "low"), ("vigour", "high"))
    assert tapper.due(clock.now() + 100) is None and tapper.taps == 0


def test_a_late_tap_closes_the_series_before_it() -> None:
    clock, tapper = ManualClock(), RhythmTapper()
    tap_every(tapper, clock, 5.0, 3)
    clock.advance(30)
    result = tapper.tap(clock.now(), 0.0, "feet")
    assert result.finished is not None and result.finished.rate == 12.0
    assert result.taps == 1 and tapper.station == "feet"


def test_fewer_than_three_taps_make_no_reading_and_bounces_are_ignored() -> None:
    clock, tapper = ManualClock(), RhythmTapper()
    tapper.tap(clock.now(), 0.0, None)
    clock.advance(0.1)
    assert tapper.tap(clock.now(), 0.0, None).bounced and tapper.taps == 1
    assert not tapper.set_quality("amplitude", "low")  # no rate yet
    clock.advance(6)
    tapper.tap(clock.now(), 0.0, None)
    assert tapper.finish() is None


def test_quality_names_and_levels_are_checked() -> None:
    clock, tapper = ManualClock(), RhythmTapper()
    tap_every(tapper, clock, 6.0, 3)
    assert not tapper.set_quality("colour", "low")
    assert not tapper.set_quality("amplitude", "huge")


@pytest.mark.parametrize(
    ("rate", "inside"), [(5.9, False), (6.0, True), (12.0, True), (12.1, False)]
)
def test_hint_range(rate: float, inside: bool) -> None:
    assert in_hint_range(rate) is inside


@given(st.lists(st.floats(0.5, 20.0), min_size=2, max_size=40))
def test_rate_is_cycles_per_minute_of_the_intervals(intervals: list[float]) -> None:
    times = [0.0]
    for gap in intervals:
        times.append(times[-1] + gap)
    rate = rate_of(times)
    assert rate is not None
    assert abs(rate - len(intervals) * 60.0 / sum(intervals)) <= 0.05 + 1e-9


def test_quality_of_digit_one_key_each() -> None:
    from sessiontimer.core.rhythm import quality_of_digit

    assert quality_of_digit("1") == ("amplitude", "low")
    assert quality_of_digit("5") == ("symmetry", "normal")
    assert quality_of_digit("9") == ("vigour", "high")
    assert quality_of_digit("0") is None and quality_of_digit("h") is None
    assert quality_of_digit("") is None and quality_of_digit("12") is None
