"""A treatment note is read with a bound: a planted journal of many lines cannot take GBs.

The md, text and csv exports, ``logs note`` and the treatment-note screen used to build the
note from a list of every event of the journal (a million-line journal: about 1 GB). Now
they keep at most ``note_read.NOTE_LIMIT`` lines, pass over runs of checkpoints and cues
but their last, and say what they left out.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from review_journals import TZ, Session, write

from sessiontimer import cli
from sessiontimer.core.journal_read import read_journal
from sessiontimer.paths import AppPaths
from sessiontimer.review import export, note_read
from sessiontimer.review.note import build_note
from sessiontimer.review.note_render import render
from sessiontimer.review.note_view import journal_note
from sessiontimer.review.timeline import load_timeline

DATA = Path(__file__).resolve().parents[1] / "data" / "notes"
WALL = datetime(2026, 10, 20, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.jsonl")))
def test_the_bounded_read_gives_the_note_the_whole_journal_gives(name: str) -> None:
    path = DATA / f"{name}.jsonl"
    whole = build_note(read_journal(path).events, name)
    read = note_read.read_for_note(path)
    assert len(read.events) < len(read_journal(path).events)  # checkpoints passed over
    bounded = build_note(read.events, name, read.problems)
    for fmt in ("text", "md"):
        assert render(bounded, fmt, None) == render(whole, fmt, None)


def _flood(sessions: Path, notes: int) -> Path:
    s = Session(WALL)
    s.add("phase_started", 0, 0, run=1, target=60.0)
    for n in range(notes):
        s.add("checkpoint", n, 0, run=1, phase_elapsed=n, target=60.0, paused=False)
        s.add("note", n + 0.5, 0, region=None, key="n", text=f"finding {n}")
    s.add("closing_note", notes, 0, text="calm")
    s.add("session_ended", notes, 0, reason="completed")
    return write(sessions, WALL, s.events, "abcdef")


def test_a_flood_of_notes_gives_the_first_ones_and_says_so(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(note_read, "NOTE_LIMIT", 60, raising=False)
    sessions = app_paths.sessions_dir
    path = _flood(sessions, 100)
    said = "more lines are not in this note: a treatment note is built from at most 60 lines."
    tl = load_timeline(path, sessions)
    for fmt in ("md", "text", "csv"):
        out = export.render([tl], fmt)
        assert ("finding 20" in out) and ("finding 99" not in out), fmt
        if fmt != "csv":
            assert said in out.replace("\n", " "), fmt
    shown = journal_note(path, path.stem, None)  # the treatment-note screen
    assert "finding 20" in shown.text and "finding 99" not in shown.text
    assert said in shown.text.replace("\n", " ")
    assert cli.main(["logs", "note", path.stem]) == 0
    out = capsys.readouterr().out
    assert "finding 99" not in out and said in out.replace("\n", " ")


def test_a_flood_is_signed_from_the_bounded_lines_and_numbered_after_every_line(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``logs sign`` read every event to build the note it hashes; it now reads the lines
    ``logs note`` checks it with, and numbers the new line after every line of the file
    (not after the last line kept)."""
    monkeypatch.setattr(note_read, "NOTE_LIMIT", 60, raising=False)
    path = _flood(app_paths.sessions_dir, 100)
    app_paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.config_file.write_text('[practitioner]\nname = "Jane Doe"\n', encoding="utf-8")
    assert cli.main(["logs", "sign", path.stem]) == 0
    assert "Signed the note" in capsys.readouterr().out
    events = read_journal(path).events
    assert [e["id"] for e in events[-2:]] == ["e204", "e205"] and events[-1]["type"] == "signed"


def test_a_signature_past_the_limit_is_found_and_says_what_it_covers(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``signed`` line of a long note comes after the lines kept: ``logs note`` said
    "Not signed yet", and nothing said that the signature covers the first lines only."""
    monkeypatch.setattr(note_read, "NOTE_LIMIT", 60, raising=False)
    path = _flood(app_paths.sessions_dir, 100)
    app_paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.config_file.write_text('[practitioner]\nname = "Jane Doe"\n', encoding="utf-8")
    assert cli.main(["logs", "sign", path.stem]) == 0
    out = capsys.readouterr().out
    assert "cover only the first 60 lines of the journal" in out, out
    assert cli.main(["logs", "note", path.stem]) == 0
    said = capsys.readouterr().err
    assert "Not signed" not in said and "the note matches its signature" in said, said
    assert "cover only the first 60 lines of the journal; 145 more lines are in neither" in said
