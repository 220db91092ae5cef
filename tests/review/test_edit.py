"""Corrections and privacy: amend, rename/merge, delete a client."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from review_journals import known_session

from sessiontimer.review import export, index
from sessiontimer.review.edit import EditError, amend, delete_client, rename_client
from sessiontimer.review.timeline import load_timeline

WALL = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)


def test_amend_appends_and_never_rewrites(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    path = known_session(sessions)
    before = path.read_bytes()
    ident = amend(path, "e9", {"region": "pelvic diaphragm"}, WALL)
    after = path.read_bytes()
    assert after.startswith(before)
    line = json.loads(after[len(before) :])
    assert line["type"] == "amended" and line["id"] == ident == "e19"
    assert line["note"] == "e9" and line["fields"] == {"region": "pelvic diaphragm"}
    notes = load_timeline(path, sessions).notes
    assert [n.get("region") for n in notes if n["id"] == "e9"] == ["pelvic diaphragm"]
    s = index.indexed(sessions, tmp_path / "state")[0]
    assert s.amended and ["release", "pelvic diaphragm"] in s.tags


def test_amend_after_a_half_written_line_keeps_lines_whole(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    path = known_session(sessions)
    path.write_bytes(path.read_bytes() + b'{"v":1,"type":"no')
    amend(path, "e4", {"text": "migraine"}, WALL)
    assert json.loads(path.read_bytes().splitlines()[-1])["fields"] == {"text": "migraine"}


@pytest.mark.parametrize(
    ("note", "fields"), [("e99", {"text": "x"}), ("e4", {"client": "x"}), ("e4", {})]
)
def test_bad_amendments_are_clear_errors(tmp_path: Path, note: str, fields: dict[str, str]) -> None:
    path = known_session(tmp_path / "sessions")
    before = path.read_bytes()
    with pytest.raises(EditError):
        amend(path, note, fields, WALL)
    assert path.read_bytes() == before


def test_rename_merges_spellings_by_appending(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    a = known_session(sessions, "anna", day=20, token="aaaaaa")
    b = known_session(sessions, "Anna", day=21, token="bbbbbb")
    before = a.read_bytes()
    done = rename_client(sessions, state, "anna", "Anna", WALL)
    assert done.sessions == 1
    assert a.read_bytes().startswith(before)
    assert [s.client for s in index.indexed(sessions, state)] == ["Anna", "Anna"]
    assert b.read_bytes().count(b"amended") == 0


def test_delete_client_removes_journals_index_entries_and_exports(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    anna = known_session(sessions, "Anna", day=20, token="aaaaaa")
    known_session(sessions, "anna ", day=21, token="bbbbbb")
    ben = known_session(sessions, "Ben", day=22, token="cccccc")
    index.refresh(sessions, state)
    mine, other = tmp_path / "anna.md", tmp_path / "ben.md"
    export.write_export("x", mine, ["Anna"], state)
    export.write_export("y", other, ["Ben"], state)
    done = delete_client(sessions, state, "ANNA")
    assert len(done.journals) == 2 and done.exports == [str(mine.resolve())]
    assert not anna.exists() and ben.exists() and not mine.exists() and other.exists()
    cached = index.cached(state)
    assert cached is not None and [s.client for s in cached] == ["Ben"]
    assert [e["clients"] for e in export.load_registry(state)] == [["Ben"]]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Bob\nX 2026 forged", "Bob X 2026 forged"),
        ("Bob\x1b[2J", "Bob [2J"),
        ("Anna\tBerg\r\n", "Anna Berg"),
        ("Cé\u0085line \x7f Durand", "Cé line Durand"),
    ],
)
def test_a_renamed_client_s_name_holds_no_line_break_or_control(
    tmp_path: Path, typed: str, kept: str
) -> None:
    """A client renamed to 'Bob\\nX 2026 forged' broke the resume dialog's line in two and
    showed as 'Bob\\nX' in the tables; a name is one line of text."""
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    known_session(sessions, "anna", day=20, token="aaaaaa")
    assert rename_client(sessions, state, "anna", typed, WALL).sessions == 1
    assert [s.client for s in index.indexed(sessions, state)] == [kept]
