"""The pain entry's rules with a manual clock."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.pain_entry import GIVE_UP, SETTLE, PainEntry


def test_digits_other_than_one_are_taken_at_once() -> None:
    for d in "023456789":
        assert PainEntry(0.0).digit(d, 0.1) == int(d)


def test_one_waits_for_zero_or_enter_or_the_pause() -> None:
    e = PainEntry(0.0)
    assert e.digit("1", 0.5) is None and e.prompt().startswith("pain 1")
    assert e.due(0.5 + SETTLE - 0.01) is None
    assert e.digit("0", 1.0) == 10
    e = PainEntry(0.0)
    e.digit("1", 0.5)
    assert e.enter() == 1
    e = PainEntry(0.0)
    e.digit("1", 0.5)
    assert e.deadline() == 0.5 + SETTLE and e.due(0.5 + SETTLE) == 1


def test_nothing_typed_is_dropped_never_forced() -> None:
    e = PainEntry(0.0)
    assert e.enter() is None and e.cancelled
    e = PainEntry(0.0)
    assert e.due(GIVE_UP) is None and e.cancelled
    e = PainEntry(0.0)
    e.cancel()
    assert e.digit("5", 1.0) is None and e.value is None


@given(st.text(alphabet="0123456789x", max_size=6))
def test_any_burst_of_keys_gives_at_most_one_value_in_range(keys: str) -> None:
    e = PainEntry(0.0)
    values = [v for i, k in enumerate(keys) if (v := e.digit(k, i * 0.1)) is not None]
    final = e.due(100.0) if not e.done else e.value
    assert len(set(values)) <= 1
    assert final is None or 0 <= final <= 10
