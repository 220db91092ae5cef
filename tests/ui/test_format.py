"""How times read on screen."""

from __future__ import annotations

import pytest

from sessiontimer.ui.format import clock_text, short_minutes, whole_minutes


@pytest.mark.parametrize(
    ("seconds", "round_up", "text"),
    [
        (0, True, "0:00"),
        (0.001, True, "0:01"),  # a sliver left still shows the second it is in
        (59.999, False, "0:59"),
        (60, False, "1:00"),
        (3599.5, True, "1:00:00"),
        (3725, False, "1:02:05"),
        (-3, True, "0:00"),
    ],
)
def test_clock_text(seconds: float, round_up: bool, text: str) -> None:
    assert clock_text(seconds, round_up=round_up) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(42, "42 s"), (90, "1 min 30 s"), (300, "5 min"), (3600, "1 h"), (4500, "1 h 15 min")],
)
def test_short_minutes(seconds: float, text: str) -> None:
    assert short_minutes(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "round_up", "text"),
    [
        (0, False, "0 min"),
        (10, False, "<1 min"),  # just started: not "0 min in"
        (119.9, False, "1 min"),  # time in counts whole minutes done
        (0, True, "0 min"),
        (1, True, "1 min"),  # time left counts the minute it is in
        (60, True, "1 min"),
        (60.5, True, "2 min"),
        (3600, True, "1 h"),
        (3661, False, "1 h 1 min"),
    ],
)
def test_whole_minutes(seconds: float, round_up: bool, text: str) -> None:
    assert whole_minutes(seconds, round_up=round_up) == text


def test_whole_minutes_changes_once_a_minute() -> None:
    shown = {whole_minutes(s / 10, round_up=False) for s in range(600, 6000)}
    assert shown == {f"{m} min" for m in range(1, 10)}
