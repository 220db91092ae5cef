"""Start-up notices one at a time, the sound one first (issue: three toasts stacked)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.notices import GAP, OTHER, SOUND, Notice, NoticeQueue


def test_the_sound_notice_goes_first_though_it_came_last() -> None:
    queue = NoticeQueue(started=100.0, hold=2.5)
    queue.add(Notice("may sleep", timeout=6))
    queue.add(Notice("config problem", timeout=8))
    assert queue.take(100.5) is None  # held: the sound notice may still come
    queue.add(Notice("no sound", "warning", 6, SOUND))
    first = queue.take(101.0)
    assert first is not None and first.text == "no sound"
    assert queue.take(106.9) is None  # one at a time: the first still has its time
    assert queue.wake_at() == 101.0 + 6 + GAP
    second = queue.take(107.3)
    assert second is not None and second.text == "may sleep"
    third = queue.take(107.3 + 6 + GAP)
    assert third is not None and third.text == "config problem"
    assert queue.take(1000.0) is None and queue.wake_at() is None


def test_without_a_sound_notice_the_rest_wait_for_the_hold_only() -> None:
    queue = NoticeQueue(started=0.0, hold=2.5)
    queue.add(Notice("may sleep"))
    assert queue.take(2.4) is None and queue.wake_at() == 2.5
    shown = queue.take(2.5)
    assert shown is not None and shown.text == "may sleep"


def test_the_same_sentence_waits_once() -> None:
    queue = NoticeQueue(started=0.0, hold=0.0)
    queue.add(Notice("disk full", timeout=1))
    queue.add(Notice("disk full", timeout=1))
    assert queue.take(0.0) is not None
    assert queue.take(5.0) is None


@given(st.lists(st.tuples(st.booleans(), st.floats(0.1, 20)), max_size=12))
def test_never_two_at_once_and_every_notice_is_shown(items: list[tuple[bool, float]]) -> None:
    queue = NoticeQueue(started=0.0, hold=2.5)
    for i, (sound, timeout) in enumerate(items):
        queue.add(Notice(f"n{i}", timeout=timeout, kind=SOUND if sound else OTHER))
    shown: list[tuple[float, Notice]] = []
    now = 0.0
    while (wake := queue.wake_at()) is not None:
        now = max(now, wake)
        notice = queue.take(now)
        assert notice is not None
        shown.append((now, notice))
    assert sorted(n.text for _, n in shown) == sorted(f"n{i}" for i in range(len(items)))
    for (at, notice), (next_at, _) in itertools.pairwise(shown):
        assert next_at >= at + notice.timeout + GAP
    kinds = [n.kind for _, n in shown]
    assert kinds == sorted(kinds, key=lambda k: k != SOUND)  # every sound notice first
