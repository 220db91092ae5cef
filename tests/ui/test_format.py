"""How times read on screen."""

from __future__ import annotations

import pytest

from sessiontimer.ui.format import clock_text, short_minutes


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
