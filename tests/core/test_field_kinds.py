"""The one test of a pain score and a rhythm rate, which the writer, the readers and every
view of a finding share (a planted line must not show in one view and not another)."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.field_kinds import pain_score, rhythm_rate, wrong_field
from sessiontimer.core.recorded import finding_of

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(-50, 1100), st.floats(allow_nan=True),
    st.text(max_size=3), st.lists(st.integers(), max_size=2),
)  # fmt: skip


@given(ANYTHING)
def test_a_pain_score_is_a_whole_number_from_0_to_10(value: Any) -> None:
    fits = type(value) is int and 0 <= value <= 10
    assert pain_score(value) == (value if fits else None)
    shown = finding_of({"type": "pain", "t": 1.0, "value": value, "region": None})
    assert (shown is not None) == fits
    line = {"type": "pain", "t": 1.0, "value": value}
    if type(value) is int:  # a number of the right kind: only its range can be wrong
        assert (wrong_field(line) is None) == fits


@given(ANYTHING)
def test_a_rhythm_rate_is_above_0_and_under_1000(value: Any) -> None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    fits = number and not math.isnan(value) and 0 < value < 1000
    assert rhythm_rate(value) == (float(value) if fits else None)
    shown = finding_of({"type": "rhythm", "t": 1.0, "rate": value, "station": None})
    assert (shown is not None) == fits
    if number and not math.isnan(value) and abs(value) < 1e12:
        assert (wrong_field({"type": "rhythm", "t": 1.0, "rate": value}) is None) == fits


def test_the_words_name_the_field_and_what_belongs() -> None:
    said = wrong_field({"type": "pain", "t": 1.0, "value": 99})
    assert said == "'value' holds a number out of range where a pain score (0-10) belongs"
    said = wrong_field({"type": "correction", "fields": {"rate": -5}})
    assert (
        said == "'fields.rate' holds a number out of range where a rate of cycles a minute belongs"
    )
