"""Reading journals back: tolerance, unfinished sessions, and where a session stood."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from sessiontimer.core.journal import encode_line, make_event, preset_to_dict
from sessiontimer.core.journal_read import (
    JournalError,
    read_journal,
    resume_state,
    unfinished_sessions,
)
from sessiontimer.core.model import OnEnd, Phase, Preset

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
PRESET = Preset("P", (Phase("a", 60), Phase("b", 120, OnEnd.HOLD), Phase("c", None, OnEnd.OPEN)))


class Lines:
    """Builds a journal the way the recorder would, with ids and wall times in order."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def add(self, type_: str, t: float, phase: int | None = None, **fields: Any) -> str:
        ident = f"e{len(self.events) + 1}"
        at = WALL + timedelta(seconds=t)
        self.events.append(make_event(type_, id=ident, at=at, t=t, phase=phase, **fields))
        return ident

    def start(self, client: str | None = "Anna") -> Lines:
        self.add("session_started", 0, app="0.1", preset=preset_to_dict(PRESET), client=client,
                 planned=[])  # fmt: skip
        self.add("phase_started", 0, 0, run=1, target=60.0)
        return self

    def write(self, path: Path, tail: bytes = b"") -> Path:
        path.write_bytes(b"".join(encode_line(e) for e in self.events) + tail)
        return path


def test_a_clean_file_reads_back_exactly(tmp_path: Path) -> None:
    lines = Lines().start()
    read = read_journal(lines.write(tmp_path / "j.jsonl"))
    assert read.events == json.loads(json.dumps(lines.events))
    assert read.problems == [] and not read.truncated_tail


@pytest.mark.parametrize("tail", [b'{"v":1,"type":"no', b"\x00\x00\x00", b'{"v":1,"type":"note",'])
def test_a_half_written_last_line_is_flagged_not_fatal(tmp_path: Path, tail: bytes) -> None:
    path = Lines().start().write(tmp_path / "j.jsonl", tail)
    before = path.read_bytes()
    read = read_journal(path)
    assert [e["id"] for e in read.events] == ["e1", "e2"]
    assert read.truncated_tail and read.problems == []
    assert path.read_bytes() == before  # never modified


def test_a_complete_last_line_missing_only_its_newline_is_kept(tmp_path: Path) -> None:
    lines = Lines().start()
    path = lines.write(tmp_path / "j.jsonl")
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    read = read_journal(path)
    assert len(read.events) == 2 and not read.truncated_tail


def test_garbage_in_the_middle_is_reported_and_skipped(tmp_path: Path) -> None:
    lines = Lines().start()
    good = b"".join(encode_line(e) for e in lines.events)
    path = tmp_path / "j.jsonl"
    path.write_bytes(good + b'garbage \xff\n[1,2]\n{"v":9,"type":"x"}\n\n' + good)
    read = read_journal(path)
    assert len(read.events) == 4
    assert len(read.problems) == 3
    assert f"{path}, line 3: not valid JSON" in read.problems[0]
    assert "line 4: not a journal event" in read.problems[1]
    assert "line 5: written by a newer version (v9)" in read.problems[2]


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    read = read_journal(tmp_path / "nope.jsonl")
    assert read.events == [] and "cannot read" in read.problems[0]


def test_unfinished_sessions_are_those_without_an_end(tmp_path: Path) -> None:
    year = tmp_path / "2026"
    year.mkdir()
    crashed = Lines().start().write(year / "2026-11-24T090000-aaaaaa.jsonl", b'{"v"')
    done = Lines().start()
    done.add("session_ended", 10, 0, reason="key")
    done.write(year / "2026-11-24T100000-bbbbbb.jsonl")
    (year / "2026-11-24T110000-cccccc.jsonl").write_bytes(b"not a journal\n")
    quit_ = Lines().start()
    quit_.add("suspended", 5, 0, reason="quit")
    quit_.write(year / "2026-11-24T120000-dddddd.jsonl")
    assert unfinished_sessions(tmp_path) == [crashed, year / "2026-11-24T120000-dddddd.jsonl"]
    assert unfinished_sessions(tmp_path / "missing") == []


def test_resume_state_ignores_unknown_types_entirely() -> None:
    lines = Lines().start()
    lines.add("checkpoint", 30, 0, run=1, phase_elapsed=30, target=60.0, paused=False)
    lines.events.append({"v": 1, "type": "from_the_future", "id": "e99", "t": 1e6, "phase": 2})
    info = resume_state(lines.events)
    assert (info.session_elapsed, info.phase_index, info.last_id) == (30.0, 0, 3)


def test_resume_state_values() -> None:
    lines = Lines().start(client="Anna")
    lines.add("phase_ended", 60, 0, reason="target", length=60, run=1)
    lines.add("phase_started", 60, 1, run=1, target=120.0)
    lines.add("cue", 60, 1, kind="phase_start", sound="s", backend="b", outcome="failed", late=0)
    lines.add("region_set", 61, 1, index=2, name="sacrum")
    kept = lines.add("note", 62, 1, tag="release", region="sacrum", key="r")
    gone = lines.add("note", 63, 1, text="oops", region="sacrum", key="n")
    lines.add("note_retracted", 63, 1, note=gone)
    lines.add("amended", 64, note=kept, fields={"region": "feet"})
    lines.add("toggle_started", 65, 1, tag="still point", key="s", region="sacrum")
    lines.add("target_changed", 70, 1, old=120.0, new=180.0)
    lines.add("checkpoint", 85, 1, run=1, phase_elapsed=25, target=180.0, paused=False)
    lines.add("paused", 90, 1)
    info = resume_state(lines.events)
    assert info.preset == PRESET and info.client == "Anna"
    assert (info.phase_index, info.run, info.target, info.paused) == (1, 1, 180.0, True)
    assert info.session_elapsed == 90.0 and info.phase_elapsed == 30.0
    assert not info.start_cue_played  # it failed: it may play again
    assert (info.region_index, info.region_name) == (2, "sacrum")
    assert list(info.open_toggles) == ["still point"]
    assert [(n["id"], n["region"]) for n in info.notes] == [(kept, "feet")]
    assert info.last_wall == WALL + timedelta(seconds=90) and info.last_id == 14
    assert info.runs == {0: 1, 1: 1} and not info.ended and not info.suspended
    point = info.resume_point("session", 100.0)
    assert point.session_elapsed == 90.0 and point.paused  # paused: the gap changes nothing


def test_resume_point_counts_the_gap_only_when_asked() -> None:
    lines = Lines().start()
    lines.add("cue", 0, 0, kind="phase_start", sound="s", backend="b", outcome="muted", late=0)
    lines.add("checkpoint", 30, 0, run=1, phase_elapsed=30, target=60.0, paused=False)
    info = resume_state(lines.events)
    assert info.start_cue_played
    assert info.resume_point("pause", 50).session_elapsed == 30
    as_session = info.resume_point("session", 50)
    assert (as_session.session_elapsed, as_session.phase_elapsed) == (80, 80)
    assert info.gap_until(WALL + timedelta(seconds=100)) == 70


def test_a_journal_without_a_start_cannot_be_resumed() -> None:
    with pytest.raises(JournalError, match="no session_started"):
        resume_state([{"v": 1, "type": "note", "id": "e1"}])
    with pytest.raises(JournalError, match="cannot be rebuilt"):
        resume_state([{"v": 1, "type": "session_started", "id": "e1", "preset": {"x": 1}}])
