"""The recorder with the real engine and a manual clock: every move and note reaches the journal."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.events import CueDue
from sessiontimer.core.journal import preset_from_dict
from sessiontimer.core.journal_read import JournalError, read_journal, unfinished_sessions
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.model import OnEnd, Phase, Preset, Settings
from sessiontimer.core.recorder import CHECKPOINT_EVERY, SessionRecorder
from sessiontimer.core.recovery import close_interrupted, resume_after_crash

PRESET = Preset(
    "Test",
    (Phase("intake", 60), Phase("treatment", 120, OnEnd.HOLD), Phase("rest", None, OnEnd.OPEN)),
)
REGIONS = ("feet", "sacrum", "pelvic diaphragm")
SETTINGS = Settings(presets=(PRESET,), note_keys=(), regions=REGIONS)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "sessions" / "2026" / "2026-11-24T090000-abcdef.jsonl"


@pytest.fixture
def rec(clock: ManualClock, path: Path) -> Iterator[SessionRecorder]:
    recorder = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                               settings=SETTINGS, client="Anna", app_version="9.9")  # fmt: skip
    yield recorder
    recorder.close()


def lines(rec: SessionRecorder, type_: str | None = None) -> list[dict[str, Any]]:
    assert rec.writer.flush(5)
    read = read_journal(rec.writer.path)
    assert read.problems == [] and not read.truncated_tail
    return [e for e in read.events if type_ is None or e["type"] == type_]


def run(rec: SessionRecorder, clock: ManualClock, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(1)
        rec.tick()


def test_start_writes_the_session_then_the_first_phase(rec: SessionRecorder) -> None:
    rec.start()
    first, second = lines(rec)
    assert first["type"] == "session_started" and first["client"] == "Anna"
    assert first["app"] == "9.9" and preset_from_dict(first["preset"]) == PRESET
    assert [p["name"] for p in first["planned"]] == ["intake", "treatment", "rest"]
    assert second == {**second, "type": "phase_started", "phase": 0, "run": 1, "target": 60}
    assert [e["id"] for e in lines(rec)] == ["e1", "e2"]


def test_notes_carry_phase_time_and_region(rec: SessionRecorder, clock: ManualClock) -> None:
    rec.start()
    run(rec, clock, 70)
    assert rec.set_region(2) == "sacrum"
    rec.note(tag="release", key="r")
    clock.advance(0.5)
    rec.note(text="warmth spreading to the feet", key="n", region="feet")
    assert rec.set_region(11) is None  # no such region: nothing happens
    tagged, free = lines(rec, "note")
    assert (tagged["phase"], tagged["t"], tagged["region"], tagged["tag"]) == (
        1,
        70,
        "sacrum",
        "release",
    )
    assert (free["t"], free["region"], free["text"]) == (
        70.5,
        "feet",
        "warmth spreading to the feet",
    )
    assert lines(rec, "region_set")[0]["name"] == "sacrum"
    assert rec.region == "sacrum" and [n.id for n in rec.recent_notes] == [tagged["id"], free["id"]]


def test_undo_retracts_the_last_note_not_yet_retracted(rec: SessionRecorder) -> None:
    rec.start()
    first = rec.note(tag="heat", key="h")
    second = rec.note(tag="tingling", key="t")
    assert rec.undo() == second
    assert rec.undo() == first
    assert rec.undo() is None
    assert [e["note"] for e in lines(rec, "note_retracted")] == [second, first]


def test_on_saved_fires_only_once_the_line_is_durable(rec: SessionRecorder) -> None:
    rec.start()
    saved = threading.Event()
    ident = rec.note(tag="release", key="r", on_saved=saved.set)
    assert saved.wait(5)
    assert any(e["id"] == ident for e in read_journal(rec.writer.path).events)


def test_toggles_record_their_duration(rec: SessionRecorder, clock: ManualClock) -> None:
    rec.start()
    started = rec.toggle("still point", "s")
    assert started.started and "still point" in rec.open_toggles
    run(rec, clock, 42)
    ended = rec.toggle("still point", "s")
    assert not ended.started and ended.duration == 42.0 and rec.open_toggles == {}
    end_line = lines(rec, "toggle_ended")[0]
    assert end_line["duration"] == 42.0 and end_line["started"] == started.id
    (finished,) = rec.finished_toggles  # listed with the notes from now on
    assert (finished.id, finished.tag, finished.t, finished.duration) == (
        ended.id, "still point", 0.0, 42.0,
    )  # fmt: skip


def test_an_open_toggle_is_closed_before_the_session_ends(
    rec: SessionRecorder, clock: ManualClock
) -> None:
    rec.start()
    rec.toggle("still point", "s")
    clock.advance(10)
    rec.end()
    types = [e["type"] for e in lines(rec)]
    assert types[-3:] == ["phase_ended", "toggle_ended", "session_ended"]
    assert [(f.tag, f.duration) for f in rec.finished_toggles] == [("still point", 10.0)]


def test_checkpoints_at_least_every_15_seconds(rec: SessionRecorder, clock: ManualClock) -> None:
    rec.start()
    run(rec, clock, 600)
    times = [e["t"] for e in lines(rec)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) <= CHECKPOINT_EVERY
    assert len(lines(rec, "checkpoint")) >= 600 / CHECKPOINT_EVERY - 4
    last = lines(rec, "checkpoint")[-1]
    assert (last["phase"], last["paused"]) == (1, False)  # the hold phase waits for a key


def test_moves_are_journaled(rec: SessionRecorder, clock: ManualClock) -> None:
    rec.start()
    clock.advance(5)
    rec.pause()
    clock.advance(30)
    rec.resume()
    rec.extend()
    rec.shorten(30)
    rec.next()
    rec.previous()
    types = [e["type"] for e in lines(rec)][2:]
    assert types == ["paused", "resumed", "target_changed", "target_changed", "phase_ended",
                     "phase_started", "phase_ended", "phase_started"]  # fmt: skip
    assert lines(rec, "resumed")[0]["paused_for"] == 30.0
    assert lines(rec, "phase_started")[-1] == {
        **lines(rec, "phase_started")[-1],
        "phase": 0,
        "run": 2,
    }


def test_audio_reports_after_the_close_are_dropped(rec: SessionRecorder) -> None:
    """The closing bell's result can come back after a quick save closed the session."""
    events = rec.start()
    cue = next(e for e in events if isinstance(e, CueDue))
    rec.end("key")
    before = lines(rec)
    assert rec.close()
    rec.cue_result(cue, "simpleaudio", "played")
    rec.audio_backend_changed("visual", "simpleaudio", "no device")
    assert read_journal(rec.writer.path).events == before


def test_cue_results_and_the_end(rec: SessionRecorder, clock: ManualClock) -> None:
    cue = next(e for e in rec.start() if isinstance(e, CueDue))
    rec.cue_result(cue, "simpleaudio", "played")
    rec.closing_note("calm session")
    rec.end()
    cue_line = lines(rec, "cue")[0]
    assert (cue_line["kind"], cue_line["outcome"], cue_line["backend"]) == (
        "phase_start",
        "played",
        "simpleaudio",
    )
    assert lines(rec)[-1]["type"] == "session_ended" and lines(rec)[-1]["reason"] == "key"


def test_resume_after_crash_continues_where_it_stood(clock: ManualClock, path: Path) -> None:
    first = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                            settings=SETTINGS, client="Anna", app_version="1")  # fmt: skip
    first.start()
    run(first, clock, 70)
    first.set_region(3)
    kept = first.note(tag="release", key="r")
    first.note(tag="heat", key="h")
    first.undo()
    first.toggle("still point", "s")
    run(first, clock, 20)
    assert first.close()
    assert unfinished_sessions(path.parent.parent) == [path]
    clock.advance(300)  # down for five minutes; the gap counts from the last line (t=85)
    rec = resume_after_crash(path, "pause", clock, SETTINGS)
    point = rec.engine.resume_point()
    # it stopped at t=90; the last line (a checkpoint) says 85: known to within 15 s
    assert (point.phase_index, point.phase_elapsed, point.session_elapsed) == (1, 25, 85)
    assert rec.region == "pelvic diaphragm" and [n.id for n in rec.recent_notes] == [kept]
    assert list(rec.open_toggles) == ["still point"]
    tail = lines(rec)[-2:]
    assert tail[0]["type"] == "suspended" and tail[0]["reason"] == "crash"
    assert tail[1] == {**tail[1], "type": "resumed_after_crash", "gap": 305.0, "counted": "pause"}
    assert len({e["id"] for e in lines(rec)}) == len(lines(rec))  # ids stay unique
    clock.advance(5)
    assert rec.toggle("still point", "s").duration == 20.0
    rec.close()


def test_resume_counting_the_gap_as_session_time(clock: ManualClock, path: Path) -> None:
    first = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                            settings=SETTINGS, client=None, app_version="1")  # fmt: skip
    first.start()
    run(first, clock, 30)
    first.suspend()
    assert first.close()
    clock.advance(20)
    rec = resume_after_crash(path, "session", clock, SETTINGS)
    assert rec.engine.resume_point().session_elapsed == 50
    assert [e["type"] for e in lines(rec)].count("suspended") == 1  # quit already said so
    rec.end()
    assert rec.writer.flush(5)
    assert unfinished_sessions(path.parent.parent) == []
    with pytest.raises(JournalError, match="already ended"):
        resume_after_crash(path, "pause", clock, SETTINGS)
    rec.close()


def test_close_interrupted_ends_the_session(clock: ManualClock, path: Path) -> None:
    first = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                            settings=SETTINGS, client=None, app_version="1")  # fmt: skip
    first.start()
    assert first.close()
    assert close_interrupted(path, clock)
    types = [e["type"] for e in read_journal(path).events]
    assert types[-2:] == ["suspended", "session_ended"]
    assert read_journal(path).events[-1]["reason"] == "interrupted"


@pytest.mark.parametrize(
    "client", ["../../etc/passwd", "/etc/shadow", "Anna/../../x", "..", "a\x00b"]
)
def test_a_client_name_never_changes_the_path(
    clock: ManualClock, tmp_path: Path, client: str
) -> None:
    from sessiontimer.core.journal import session_path

    path = session_path(tmp_path / "sessions", clock.wall())
    rec = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                          settings=SETTINGS, client=client, app_version="1")  # fmt: skip
    rec.start()
    assert rec.close()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [path] and path.parent == tmp_path / "sessions" / "2026"
    assert read_journal(path).events[0]["client"] == client


def test_a_typed_note_is_filed_at_the_moment_its_key_was_pressed(
    rec: SessionRecorder, clock: ManualClock
) -> None:
    """Issue 14: a note begun in "arrive" was filed under "treatment" (stamped at Enter)."""
    rec.start()
    rec.set_region(2)
    run(rec, clock, 50)
    begun = rec.begin_note()  # `n` pressed in intake, hands at the sacrum
    run(rec, clock, 20)  # intake (60 s) ends while the note is typed
    rec.set_region(3)
    rec.note(text="image of a river", begun=begun)
    (note,) = lines(rec, "note")
    assert (note["t"], note["phase"], note["region"]) == (50.0, 0, "sacrum")
    assert note["saved_t"] == 70.0
    assert note["at"] < lines(rec, "region_set")[-1]["at"]  # the wall time of the moment too
    assert rec.recent_notes[-1].t == 50.0 and rec.recent_notes[-1].phase == 0


def test_undo_can_be_taken_back_once(rec: SessionRecorder, clock: ManualClock) -> None:
    rec.start()
    run(rec, clock, 5)
    rec.note(tag="heat", key="h", felt_at="feet")
    gone = rec.undo_note()
    assert gone is not None and gone.tag == "heat"
    run(rec, clock, 5)
    back = rec.redo()
    assert back is not None and back.tag == "heat" and back.t == 5.0
    assert rec.redo() is None  # once
    restored = lines(rec, "note")[-1]
    assert restored["restores"] == gone.id and restored["t"] == 5.0
    assert restored["felt_at"] == "feet" and restored["id"] != gone.id
    assert [n.id for n in rec.recent_notes] == [back.id]
    rec.undo_note()
    rec.note(tag="tingling", key="t")
    assert rec.redo() is None  # a new note since: what was undone stays undone


def test_a_resumed_session_lists_its_findings_from_before_the_crash(
    clock: ManualClock, path: Path
) -> None:
    """The End screen lists pain scores and rhythm readings with the notes; after a crash and
    resume it listed only those taken since (the recorder held them, the journal had them)."""
    from sessiontimer.core.rhythm import RhythmReading

    first = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                            settings=SETTINGS, client="Anna", app_version="1")  # fmt: skip
    first.start()
    run(first, clock, 10)
    first.set_region(3)
    first.pain(7)
    run(first, clock, 20)
    first.rhythm(RhythmReading(rate=8.5, taps=4, station="feet", t=25.0))
    assert first.close()
    clock.advance(60)
    rec = resume_after_crash(path, "pause", clock, SETTINGS)
    assert [(f.t, f.label, f.region) for f in rec.findings] == [
        (10.0, "pain 7/10", "pelvic diaphragm"),
        (25.0, "rhythm 8.5/min", "feet"),
    ]
    rec.pain(3)
    assert [f.label for f in rec.findings][-1] == "pain 3/10"
    rec.close()


@pytest.mark.parametrize(
    "line",
    [
        {"type": "pain", "t": 5, "value": 99, "region": None},
        {"type": "pain", "t": 5, "value": True, "region": None},
        {"type": "pain", "t": 5, "value": 3, "region": ["a"]},
        {"type": "rhythm", "t": 5, "rate": -5, "station": None},
        {"type": "rhythm", "t": 5, "rate": float("nan"), "station": None},
        {"type": "rhythm", "t": None, "rate": 8, "station": None},
    ],
)
def test_a_planted_finding_is_not_listed_after_a_resume(line: dict[str, Any]) -> None:
    from sessiontimer.core.recorded import finding_of as _finding_of

    assert _finding_of(line) is None


def test_a_resumed_session_lists_its_still_points_from_before_the_crash(
    clock: ManualClock, path: Path
) -> None:
    """The End screen lists each still point that ended with its length; after a crash and
    resume it listed only those ended since (the journal had the earlier ones)."""
    first = SessionRecorder(SessionEngine(PRESET, clock), JournalWriter(path), clock,
                            settings=SETTINGS, client="Anna", app_version="1")  # fmt: skip
    first.start()
    run(first, clock, 5)
    first.set_region(3)
    first.toggle("still point", key="s")
    run(first, clock, 12)
    first.toggle("still point", key="s")
    run(first, clock, 3)
    first.toggle("fascial release", key="f")  # open at the crash: it goes on after
    assert first.close()
    clock.advance(60)
    rec = resume_after_crash(path, "pause", clock, SETTINGS)
    assert [(f.tag, f.t, f.duration, f.region) for f in rec.finished_toggles] == [
        ("still point", 5.0, 12.0, "pelvic diaphragm"),
    ]
    assert list(rec.open_toggles) == ["fascial release"]
    run(rec, clock, 4)
    rec.toggle("fascial release", key="f")
    assert [(f.tag, f.duration) for f in rec.finished_toggles] == [
        ("still point", 12.0), ("fascial release", 4.0),
    ]  # fmt: skip
    rec.close()


@pytest.mark.parametrize(
    "line",
    [
        {"id": "e9", "tag": "still point", "t": -5, "duration": 3, "region": None},
        {"id": "e9", "tag": "still point", "t": 5, "duration": float("inf"), "region": None},
        {"id": "e9", "tag": "still point", "t": 5, "duration": True, "region": None},
        {"id": "e9", "tag": "still point", "t": 5, "duration": 3, "region": ["a"]},
    ],
)
def test_a_planted_still_point_is_not_listed_after_a_resume(line: dict[str, Any]) -> None:
    from sessiontimer.core.recorded import finished_of as _finished_of

    assert _finished_of(line) is None
    assert _finished_of({**line, "t": 5, "duration": 3, "region": None}) is not None
