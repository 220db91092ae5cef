"""The resume offer's quick read says the same as the full replay the resume then runs.

The offer passes over runs of checkpoints undecoded but their last and keeps no notes; for
any journal the recorder writes, where the session stood must come out the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessiontimer.core import journal_read
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.interrupted import resume_offers
from sessiontimer.core.journal_read import JournalStream, resume_state
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.recorder import SessionRecorder
from tests.core.test_recorder import PRESET, SETTINGS

STEPS = st.lists(
    st.sampled_from(["tick", "pause", "next", "previous", "extend", "note", "region", "toggle"])
    | st.integers(1, 400),  # seconds passing
    max_size=40,
)


def _crashed(folder: Path, steps: list[object]) -> Path:
    clock = ManualClock()
    path = folder / "sessions" / "2026" / "2026-11-24T090000-abcdef.jsonl"
    rec = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                          settings=SETTINGS, client="Anna", app_version="9.9")  # fmt: skip
    rec.start()
    for step in steps:
        if isinstance(step, int):
            clock.advance(step)
            rec.tick()
        elif step == "pause":
            rec.toggle_pause()
        elif step == "note":
            rec.note(tag="release", key="r")
        elif step == "region":
            rec.set_region(1)
        elif step == "toggle":
            rec.toggle("still point", "s")
        else:
            getattr(rec, step)()
    assert rec.writer.flush(5)
    rec.writer.close()  # no session_ended: as after a power cut
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_the_offer_reads_where_the_session_stood_as_the_resume_does(
    tmp_path_factory: object, steps: list[object]
) -> None:
    folder = tmp_path_factory.mktemp("j")  # type: ignore[attr-defined]
    path = _crashed(folder, steps)
    full = resume_state(JournalStream(path))
    problems: list[str] = []
    offers = resume_offers(folder / "sessions", problems)
    assert problems == []
    if full.ended:  # "next" past the last phase ended it: nothing to offer
        assert offers == []
        return
    [(offered_path, quick)] = offers
    assert offered_path == path
    fields = ("client", "session_elapsed", "phase_index", "run", "phase_elapsed", "target")
    fields += ("start_cue_played", "paused", "last_wall", "region_index", "last_id", "runs")
    assert {f: getattr(quick, f) for f in fields} == {f: getattr(full, f) for f in fields}
    assert quick.notes == [] and quick.open_toggles == {}  # an offer holds no notes


def test_the_offer_decodes_none_of_a_long_run_of_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A planted journal of a million notes took the offer 28.6 s: each note line was decoded
    though an offer keeps no notes. Of a run of notes and checkpoints only the last is read."""
    path = _crashed(tmp_path, [5, "note", 3, "note", "tick"] * 1000 + ["pause", 7])
    decoded: list[bytes] = []
    real = journal_read._parse

    def counted(raw: bytes) -> object:
        decoded.append(raw)
        return real(raw)

    monkeypatch.setattr(journal_read, "_parse", counted)
    [(_, quick)] = resume_offers(tmp_path / "sessions", [])
    assert len(decoded) < 20, f"{len(decoded)} lines decoded"
    monkeypatch.setattr(journal_read, "_parse", real)
    full = resume_state(JournalStream(path))
    assert (quick.session_elapsed, quick.last_wall, quick.last_id, quick.paused) == (
        full.session_elapsed,
        full.last_wall,
        full.last_id,
        full.paused,
    )
