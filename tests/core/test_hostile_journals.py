"""Planted and damaged journals: the resume search says what is wrong and offers the rest."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sessiontimer.core.interrupted import resume_offers
from sessiontimer.core.journal import encode_line
from sessiontimer.core.journal_read import (
    MAX_PROBLEMS,
    JournalStream,
    read_journal,
    resume_state,
    unfinished_sessions,
)
from tests.core.test_journal_read import WALL, Lines


def _crashed(folder: Path, name: str, *extra: dict[str, object]) -> Path:
    lines = Lines().start()
    lines.add("checkpoint", 30, 0, run=1, phase_elapsed=30, target=60.0, paused=False)
    path = lines.write(folder / f"2026-11-24T{name}.jsonl")
    with path.open("ab") as f:
        for event in extra:
            f.write(json.dumps(event).encode() + b"\n")
    return path


def _year(tmp_path: Path) -> Path:
    year = tmp_path / "2026"
    year.mkdir()
    return year


def test_a_checkpoint_with_a_phase_the_preset_lacks_is_skipped(tmp_path: Path) -> None:
    year = _year(tmp_path)
    genuine = _crashed(year, "090000-aaaaaa")
    planted = _crashed(
        year, "100000-bbbbbb",
        {"v": 1, "type": "checkpoint", "id": "e9", "t": 40, "phase": 99, "run": 1,
         "phase_elapsed": 40, "target": 60.0, "paused": False},
    )  # fmt: skip
    problems: list[str] = []
    offers = resume_offers(tmp_path, problems)
    assert [path for path, _ in offers] == [planted, genuine]  # newest first, both offered
    assert [info.phase_index for _, info in offers] == [0, 0]
    assert problems == []


def test_a_wall_time_without_offset_is_local_time(tmp_path: Path) -> None:
    naive = (WALL + timedelta(seconds=40)).astimezone().replace(tzinfo=None)
    path = _crashed(
        _year(tmp_path), "090000-aaaaaa",
        {"v": 1, "type": "checkpoint", "id": "e9", "t": 40, "phase": 0, "run": 1,
         "phase_elapsed": 40, "target": 60.0, "at": naive.isoformat(), "paused": False},
    )  # fmt: skip
    info = resume_state(read_journal(path).events)
    assert info.last_wall is not None and info.last_wall.tzinfo is not None
    assert info.gap_until(WALL + timedelta(seconds=100)) == 60.0
    paused = {"type": "paused", "at": "2026-11-24T09:01:00Z"}
    zulu = resume_state([*read_journal(path).events[:-1], paused])
    assert zulu.last_wall == datetime(2026, 11, 24, 9, 1, tzinfo=timezone.utc)


def test_an_unreadable_journal_is_said_and_the_others_offered(tmp_path: Path) -> None:
    year = _year(tmp_path)
    genuine = _crashed(year, "090000-aaaaaa")
    locked = _crashed(year, "100000-bbbbbb")
    locked.chmod(0)
    (year / "2026-11-24T110000-cccccc.jsonl").mkdir()  # a folder with a journal's name
    problems: list[str] = []
    try:
        offers = resume_offers(tmp_path, problems)
    finally:
        locked.chmod(0o600)
    if locked.stat().st_uid == 0:  # root reads any file: only the folder is unreadable
        assert [path for path, _ in offers] == [locked, genuine]
    else:
        assert [path for path, _ in offers] == [genuine]
        assert any(str(locked) in p and "Permission denied" in p for p in problems)
    assert any("110000-cccccc" in p for p in problems)


def test_an_over_long_line_is_damage_skipped_and_reported(tmp_path: Path) -> None:
    lines = Lines().start()
    path = lines.write(_year(tmp_path) / "j.jsonl")
    with path.open("ab") as f:
        long = b'{"v":1,"type":"note","text":"' + b"x" * (2 << 20) + b'"}'
        f.write(long + b"\n")
        f.write(encode_line(lines.events[-1]))
    read = read_journal(path)
    assert len(read.events) == 3
    assert read.problems == [
        f"{path}, line 3 is {len(long):,} bytes long (more than 1,048,576); it is skipped"
    ]
    assert unfinished_sessions(tmp_path) == [path]


def test_bad_numbers_in_a_checkpoint_do_not_move_the_session(tmp_path: Path) -> None:
    lines = Lines().start()
    lines.add("checkpoint", 30, 0, run=1, phase_elapsed=30, target=60.0, paused=False)
    for bad in ({"target": "soon"}, {"phase_elapsed": -5}, {"run": 0}, {"target": 1e300}):
        event = dict(lines.events[-1], t=40, **bad)
        lines.events.append(event)
    info = resume_state(lines.events)
    assert (info.target, info.run, info.session_elapsed) == (60.0, 1, 40.0)


def test_a_stream_for_some_kinds_still_decodes_lines_not_in_the_writers_form(
    tmp_path: Path,
) -> None:
    lines = Lines().start()
    lines.add("checkpoint", 30, 0, run=1, phase_elapsed=30, target=60.0, paused=False)
    path = lines.write(tmp_path / "j.jsonl")
    with path.open("ab") as f:
        f.write(b'{"type": "session_ended", "v": 1, "reason": "key"}\n')
    kinds = [e["type"] for e in JournalStream(path, frozenset({"session_ended"}))]
    assert kinds == ["session_ended"]
    assert [e["type"] for e in JournalStream(path)][-2:] == ["checkpoint", "session_ended"]


def test_a_million_damaged_lines_are_counted_not_each_held(tmp_path: Path) -> None:
    """Each damaged line used to add a sentence: a 2 MB file of garbage lines held about
    200 MB of them in the resume search and put them all in one row of ``logs list``."""
    path = _crashed(_year(tmp_path), "090000-aaaaaa")
    with path.open("ab") as f:
        f.write(b"x\n" * 5000 + b'{"no type": 1}\n' * 5000)
    stream = JournalStream(path)
    kinds = [e["type"] for e in stream]
    assert kinds == ["session_started", "phase_started", "checkpoint"]
    shown = MAX_PROBLEMS
    assert len(stream.problems) == shown + 1, stream.problems[-3:]
    assert f"{path}, line 4: not valid JSON" in stream.problems[0]
    assert stream.problems[-1] == f"{path}, {10_000 - shown:,} more damaged lines are skipped"
    problems: list[str] = []
    assert [p for p, _ in resume_offers(tmp_path, problems)] == [path] and problems == []


DEEP = b"[" * 200_000 + b"]" * 200_000  # within the line cap; json's decoder recurses on it


def test_a_line_nested_past_the_decoders_depth_is_damage_not_a_crash(tmp_path: Path) -> None:
    """Python's json raises RecursionError (not a ValueError) on deep nesting: a planted
    line of 400 kB took down the resume search, and with it every start of the app."""
    year = _year(tmp_path)
    genuine = _crashed(year, "090000-aaaaaa")
    planted = _crashed(year, "100000-bbbbbb")
    with planted.open("ab") as f:
        f.write(b'{"v":1,"type":"checkpoint","id":"e9","t":40,"x":' + DEEP + b"}\n")
    problems: list[str] = []
    offers = resume_offers(tmp_path, problems)
    assert [path for path, _ in offers] == [planted, genuine]
    read = read_journal(planted)
    assert any("line 4: not valid JSON" in p for p in read.problems)


def test_a_journal_whose_preset_cannot_be_rebuilt_is_not_called_unreadable(
    tmp_path: Path,
) -> None:
    """The journal was read; its preset snapshot (a NaN target) is what cannot go on: the
    resume search said 'a journal could not be read'."""
    year = _year(tmp_path)
    genuine = _crashed(year, "090000-aaaaaa")
    planted = _crashed(year, "100000-bbbbbb")
    lines = planted.read_text().splitlines()
    start = json.loads(lines[0])
    start["preset"]["phases"][0]["target"] = float("nan")
    planted.write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n")
    problems: list[str] = []
    offers = resume_offers(tmp_path, problems)
    assert [path for path, _ in offers] == [genuine]
    (said,) = problems
    assert said.startswith(f"an interrupted session cannot be resumed: {planted}: "), said
    assert "the preset in this journal cannot be rebuilt" in said
