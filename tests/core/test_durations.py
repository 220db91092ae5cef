"""Durations as practitioners write them, and back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.durations import MAX_SECONDS, format_duration, parse_duration

EXPECTED = 'expected a duration like "5m", "90s", "1h 15m", "1:30" or "open", got '


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5m", 300.0),
        ("90s", 90.0),
        ("1h 15m", 4500.0),
        ("1h15m", 4500.0),
        ("1m 30s", 90.0),
        ("1.5m", 90.0),
        ("2h", 7200.0),
        ("1:30", 90.0),
        ("0:45", 45.0),
        ("1:02:03", 3723.0),
        ("  10M ", 600.0),
        ("8", 480.0),
        (8, 480.0),
        (1.5, 90.0),
        (0, 0.0),
        ("12h", 43200.0),
    ],
)
def test_parse_accepts_the_usual_forms(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["open", "OPEN", " Open "])
def test_open_means_no_target(value: str) -> None:
    assert parse_duration(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5 mins", EXPECTED + '"5 mins"'),
        ("", EXPECTED + '""'),
        ("m", EXPECTED + '"m"'),
        ("1:75", EXPECTED + '"1:75"'),
        ("5s 1m", EXPECTED + '"5s 1m"'),
        (True, EXPECTED + "true"),
        ([5], EXPECTED + "a list"),
        ({"m": 5}, EXPECTED + "a table"),
        (float("nan"), EXPECTED + "nan"),
        ("-5m", 'a duration cannot be negative, got "-5m"'),
        (-3, "a duration cannot be negative, got -3"),
        (
            "300h",
            '"300h" is longer than 12 hours; write it like "5m", "90s" or "1h 15m" '
            "(a plain number means minutes)",
        ),
        (
            721,
            '721 is longer than 12 hours; write it like "5m", "90s" or "1h 15m" '
            "(a plain number means minutes)",
        ),
    ],
)
def test_parse_rejects_with_a_message_naming_the_value(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(value)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (300, "5m"),
        (90, "1m 30s"),
        (45, "45s"),
        (4500, "1h 15m"),
        (3600, "1h"),
        (3723, "1h 2m 3s"),
        (0, "0s"),
        (0.5, "0.5s"),
        (-60, "-1m"),
    ],
)
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@given(st.integers(min_value=0, max_value=int(MAX_SECONDS)))
def test_whole_seconds_round_trip_exactly(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.floats(min_value=0, max_value=MAX_SECONDS, allow_nan=False))
def test_fractions_round_trip_to_the_millisecond(seconds: float) -> None:
    back = parse_duration(format_duration(seconds))
    assert back is not None
    assert abs(back - seconds) <= 0.0005 + 1e-9


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.booleans(), st.none()))
def test_parse_only_ever_raises_value_error(value: object) -> None:
    try:
        result = parse_duration(value)
    except ValueError as exc:
        assert str(exc)
    else:
        assert result is None or 0 <= result <= MAX_SECONDS
