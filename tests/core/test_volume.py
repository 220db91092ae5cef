"""The volume moves in equal steps of loudness (issue 15): 3 dB a step, 0 to -30 dB, then off."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core import volume


def db(level: float) -> float:
    return 20 * math.log10(level)


def test_every_step_down_is_three_decibels_then_off() -> None:
    level, seen = 1.0, []
    while level > 0:
        seen.append(level)
        level = volume.step(level, -1)
    assert len(seen) == 11
    gaps = [db(a) - db(b) for a, b in itertools.pairwise(seen)]
    assert all(abs(g - 3.0) < 1e-9 for g in gaps), gaps
    assert abs(db(seen[-1]) + 30.0) < 1e-9
    assert volume.step(0.0, -1) == 0.0  # off stays off
    assert volume.describe(0.0) == "Volume off"


def test_up_from_off_is_the_quietest_step_and_full_is_the_top() -> None:
    assert abs(db(volume.step(0.0, 1)) + 30.0) < 1e-9
    assert volume.step(1.0, 1) == 1.0


def test_the_level_reads_in_decibels_with_its_place() -> None:
    assert volume.describe(1.0) == "Volume 0 dB (11 of 11)"
    assert volume.describe(volume.factor(-6.0)) == "Volume \u22126 dB (9 of 11)"
    assert volume.describe(volume.factor(-30.0)) == "Volume \u221230 dB (1 of 11)"


def test_an_old_linear_level_moves_to_the_nearest_step() -> None:
    assert volume.nearest_db(0.6) == -3.0  # the old default, -4.4 dB
    assert volume.nearest_db(0.5) == -6.0
    assert volume.nearest_db(0.01) is None  # -40 dB: below the floor, off
    assert volume.nearest_db(float("nan")) is None


@given(st.floats(min_value=0.0, max_value=1.0), st.sampled_from([-1, 1]))
def test_a_step_lands_on_a_step_and_moves_by_at_most_one(level: float, direction: int) -> None:
    new = volume.step(level, direction)
    assert new == 0.0 or volume.nearest_db(new) in volume.STEPS_DB
    assert 0.0 <= new <= 1.0
    if new > 0 and volume.nearest_db(level) is not None:
        moved = abs(db(new) - (volume.nearest_db(level) or 0.0))
        assert moved <= 3.0 + 1e-9
