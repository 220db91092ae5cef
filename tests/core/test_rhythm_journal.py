"""A rhythm series in the journal: never lost on a way out, stamped where its last tap was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.finding_keys import FindingKeys
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.running import RunningSession
from tests.core.test_running import start


def events(session: RunningSession) -> list[dict[str, Any]]:
    assert session.writer.flush(5)
    read = read_journal(session.path)
    assert read.problems == []
    return list(read.events)


def tap_series(session: RunningSession, keys: FindingKeys, taps: int) -> None:
    """``taps`` taps 7.5 s apart (8 cycles a minute), on the fake clock; no timer fires."""
    clock = session.recorder.clock
    assert isinstance(clock, ManualClock)
    for n in range(taps):
        if n:
            clock.advance(7.5)
        session.route(session.recorder.tick())
        keys.tap(n * 7.5)


@pytest.mark.parametrize(
    ("way_out", "last"),
    [
        (lambda s: s.close(), "session_ended"),
        (lambda s: s.suspend("quit"), "suspended"),
        (lambda s: s.suspend("signal TERM"), "suspended"),
        (lambda s: s.suspend("terminal closed"), "suspended"),
    ],
)
def test_a_series_being_tapped_is_journaled_before_the_way_out(
    tmp_path: Path, way_out: Any, last: str
) -> None:
    session = start(tmp_path)
    keys = FindingKeys(session.recorder)
    tap_series(session, keys, 3)
    way_out(session)  # within the quiet window: the 10 s timer never fired
    kinds = [str(e["type"]) for e in events(session)]
    assert last in kinds
    assert "rhythm" in kinds and kinds.index("rhythm") < kinds.index(last)
    (reading,) = [e for e in events(session) if e["type"] == "rhythm"]
    assert (reading["rate"], reading["taps"], reading["t"]) == (8.0, 3, 15.0)


def test_two_taps_have_no_rate_and_leave_no_reading(tmp_path: Path) -> None:
    session = start(tmp_path)
    keys = FindingKeys(session.recorder)
    tap_series(session, keys, 2)
    session.suspend("quit")
    kinds = [str(e["type"]) for e in events(session)]
    assert "rhythm" not in kinds and kinds[-1] == "suspended"


def test_a_series_ending_on_the_end_key_comes_before_session_ended(tmp_path: Path) -> None:
    session = start(tmp_path)
    keys = FindingKeys(session.recorder)
    tap_series(session, keys, 4)
    session.route(session.recorder.end("key"))  # what the End key does
    session.close("done")
    kinds = [str(e["type"]) for e in events(session)]
    assert kinds.index("rhythm") < kinds.index("session_ended") < kinds.index("closing_note")


def test_the_reading_has_the_phase_region_and_time_of_its_last_tap(tmp_path: Path) -> None:
    session = start(tmp_path)
    recorder = session.recorder
    recorder.set_region(1)
    keys = FindingKeys(recorder)
    tap_series(session, keys, 3)  # phase 0, hands at region 1, last tap at 15 s
    at_tap = recorder.region
    recorder.set_region(2)  # the hands move on and the next phase begins, all before 10 s
    session.route(recorder.next())
    assert recorder.engine.phase_index == 1
    assert isinstance(recorder.clock, ManualClock)
    recorder.clock.advance(10.0)
    keys.due(15.0 + 10.0)
    (reading,) = [e for e in events(session) if e["type"] == "rhythm"]
    assert (reading["phase"], reading["station"], reading["t"]) == (0, at_tap, 15.0)
