"""One way to say a time: whole seconds, truncated, from the stored value; "left" rounds up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.readable import (
    clock,
    count,
    countdown,
    minutes_in,
    minutes_left,
    span,
    whole_seconds,
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (28.6, "0:28"), (28.999, "0:28"), (29.0, "0:29"), (0.3 * 3, "0:00"),
     (59.999, "0:59"), (60, "1:00"), (3599.9, "59:59"), (3600, "1:00:00"),
     (3723.5, "1:02:03"), (-4, "0:00"), (None, "0:00"), (float("nan"), "0:00")],
)  # fmt: skip
def test_clock_truncates(seconds: float, text: str) -> None:
    assert clock(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (0.001, "0:01"), (59.2, "1:00"), (60, "1:00"), (60.0000001, "1:00"),
     (-1, "0:00")],
)  # fmt: skip
def test_countdown_rounds_up(seconds: float, text: str) -> None:
    assert countdown(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (8.4, "8 s"), (60, "1 min"), (109, "1 min 49 s"), (28.6, "28 s"),
     (3600, "1 h"), (3690, "1 h 1 min 30 s"), (3605, "1 h 5 s"), (4500, "1 h 15 min")],
)  # fmt: skip
def test_span_says_every_whole_second(seconds: float, text: str) -> None:
    assert span(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(8, "<1 min"), (0, "<1 min"), (109, "1 min"), (119.99, "1 min"), (120, "2 min"),
     (3900, "1 h 5 min")],
)  # fmt: skip
def test_minutes_in_truncates(seconds: float, text: str) -> None:
    assert minutes_in(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(20, "1 min"), (60, "1 min"), (60.5, "2 min"), (0, "0 min"), (3599, "1 h"),
     (3660, "1 h 1 min")],
)  # fmt: skip
def test_minutes_left_rounds_up(seconds: float, text: str) -> None:
    assert minutes_left(seconds) == text


def test_counts_say_one_without_an_s() -> None:
    assert [count(n, "note") for n in (0, 1, 2)] == ["0 notes", "1 note", "2 notes"]
    assert count(1, "phase") == "1 phase" and count(3, "client") == "3 clients"
    assert count(2, "body", "bodies") == "2 bodies"


@given(st.floats(0, 10**6, allow_nan=False))
def test_every_reading_comes_from_the_same_whole_seconds(seconds: float) -> None:
    whole = whole_seconds(seconds)
    assert whole <= seconds + 1e-6 < whole + 1 + 1e-6
    m, s = divmod(whole % 3600, 60)
    assert clock(seconds).endswith(f"{m:02d}:{s:02d}" if whole >= 3600 else f"{m}:{s:02d}")
    assert span(seconds) == span(whole)
