"""The cue schedule of one phase: which cues fall due in a window, and when the next one is."""

from __future__ import annotations

import itertools

import pytest

from sessiontimer.core.cues import DueCue, due_cues, next_cue_at, warning_at
from sessiontimer.core.model import Cue, CueKind, OnEnd, Phase, PhaseCues

WARN, TAP, OVER = Cue("warn"), Cue("tap"), Cue("over")


def phase(
    target: float | None,
    on_end: OnEnd = OnEnd.ADVANCE,
    *,
    warn: float | None = None,
    interval: float | None = None,
    overtime: float | None = None,
) -> Phase:
    cues = PhaseCues(
        start=Cue("start"),
        warning=WARN,
        warn_before=warn,
        interval=TAP,
        interval_every=interval,
        overtime=OVER,
        overtime_every=overtime,
    )
    return Phase("p", target, on_end, cues)


def kinds_at(found: list[DueCue]) -> list[tuple[CueKind, float]]:
    return [(due.kind, due.at) for due in found]


def test_advance_intervals_stop_strictly_before_the_target() -> None:
    p = phase(300, interval=100)
    assert kinds_at(due_cues(p, 300, 0, 1000)) == [(CueKind.INTERVAL, 100), (CueKind.INTERVAL, 200)]


def test_window_is_open_below_and_closed_above() -> None:
    p = phase(1000, interval=100)
    assert kinds_at(due_cues(p, 1000, 100, 300)) == [
        (CueKind.INTERVAL, 200),
        (CueKind.INTERVAL, 300),
    ]
    assert due_cues(p, 1000, 300, 300) == []


def test_consecutive_windows_find_each_cue_once() -> None:
    p = phase(1000, OnEnd.HOLD, warn=60, interval=0.1, overtime=0.3)
    edges = [i * 0.37 for i in range(4000)]
    found = [d for a, b in itertools.pairwise(edges) for d in due_cues(p, 1000, a, b)]
    whole = due_cues(p, 1000, 0, edges[-1])
    assert found == whole
    assert len({(d.kind, d.at) for d in found}) == len(found)


def test_hold_overtime_reminders_count_from_the_target() -> None:
    p = phase(300, OnEnd.HOLD, overtime=120)
    assert kinds_at(due_cues(p, 300, 0, 659)) == [(CueKind.OVERTIME, 420), (CueKind.OVERTIME, 540)]


def test_open_phase_has_unlimited_intervals_and_no_warning_or_overtime() -> None:
    p = phase(60, OnEnd.OPEN, warn=30, interval=50, overtime=10)
    assert kinds_at(due_cues(p, 60, 0, 160)) == [
        (CueKind.INTERVAL, 50),
        (CueKind.INTERVAL, 100),
        (CueKind.INTERVAL, 150),
    ]
    assert warning_at(p, 60) is None


def test_warning_needs_a_lead_shorter_than_the_target() -> None:
    assert warning_at(phase(300, warn=60), 300) == 240
    assert warning_at(phase(300, OnEnd.HOLD, warn=60), 360) == 300
    assert warning_at(phase(60, warn=60), 60) is None
    assert warning_at(phase(60, warn=90), 60) is None
    assert warning_at(phase(60), 60) is None


def test_warning_sorts_after_an_interval_at_the_same_moment() -> None:
    p = phase(300, warn=100, interval=100)
    assert kinds_at(due_cues(p, 300, 0, 300)) == [
        (CueKind.INTERVAL, 100),
        (CueKind.INTERVAL, 200),
        (CueKind.WARNING, 200),
    ]


def test_warning_false_leaves_the_played_warning_out() -> None:
    p = phase(300, warn=60)
    assert due_cues(p, 300, 0, 300, warning=False) == []
    assert next_cue_at(p, 300, 0, warning=False) is None


def test_a_cue_switched_off_never_falls_due() -> None:
    cues = PhaseCues(warning=None, warn_before=60, interval=None, interval_every=10)
    p = Phase("p", 300, OnEnd.ADVANCE, cues)
    assert due_cues(p, 300, 0, 300) == []
    assert next_cue_at(p, 300, 0) is None


@pytest.mark.parametrize(
    ("after", "expected"),
    [(0, 100), (99.999, 100), (100, 200), (239, 240), (240, 420), (420, 540)],
)
def test_next_cue_at_is_the_first_moment_after(after: float, expected: float) -> None:
    p = phase(300, OnEnd.HOLD, warn=60, interval=100, overtime=120)
    assert next_cue_at(p, 300, after) == expected


def test_next_cue_at_none_when_nothing_is_left() -> None:
    assert next_cue_at(phase(300, interval=100), 300, 200) is None
    assert next_cue_at(phase(None, OnEnd.OPEN), None, 0) is None


def test_due_moments_are_the_same_float_from_any_window() -> None:
    p = phase(None, OnEnd.OPEN, interval=0.1)
    k = 7_777
    direct = [d.at for d in due_cues(p, None, 0, k * 0.1 + 1)]
    late = [d.at for d in due_cues(p, None, (k - 1) * 0.1, k * 0.1 + 1)]
    assert k * 0.1 in direct and late[0] == k * 0.1
    assert next_cue_at(p, None, (k - 1) * 0.1) == k * 0.1
