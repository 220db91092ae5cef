"""Each export format, checked field by field against the journal it came from."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

from review_journals import known_session

from sessiontimer.core.journal_read import read_journal
from sessiontimer.review import export
from sessiontimer.review.timeline import load_timeline


def _timeline(tmp_path: Path):  # type: ignore[no-untyped-def]
    sessions = tmp_path / "sessions"
    path = known_session(sessions)
    return path, load_timeline(path, sessions)


def test_json_export_holds_every_event_as_written(tmp_path: Path) -> None:
    path, tl = _timeline(tmp_path)
    data = json.loads(export.render([tl], "json"))
    (session,) = data["sessions"]
    assert session["id"] == path.stem and session["client"] == "Anna"
    journal = read_journal(path).events
    assert session["events"] == journal
    raw_lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert session["events"] == raw_lines


def test_events_csv_has_one_row_per_event_with_its_fields(tmp_path: Path) -> None:
    path, tl = _timeline(tmp_path)
    rows = list(csv.DictReader(io.StringIO(export.render([tl], "events"))))
    journal = read_journal(path).events
    assert len(rows) == len(journal)
    names = {0: "arrive", 1: "treat"}
    for row, event in zip(rows, journal, strict=True):
        assert row["session"] == path.stem and row["client"] == "Anna"
        assert row["id"] == event["id"] and row["type"] == event["type"]
        assert row["at"] == event["at"] and float(row["t"]) == event["t"]
        assert row["phase"] == ("" if "phase" not in event else str(event["phase"]))
        assert row["phase_name"] == names.get(event.get("phase"), "")  # type: ignore[arg-type]
        for key in ("tag", "text", "region"):
            assert row[key] == (event.get(key) or "")
        rest = {
            k: v
            for k, v in event.items()
            if k not in {"v", "type", "id", "at", "t", "phase", "tag", "text", "region"}
        }
        assert (json.loads(row["data"]) if row["data"] else {}) == rest


def test_markdown_is_the_treatment_note(tmp_path: Path) -> None:
    _, tl = _timeline(tmp_path)
    md = export.render([tl], "md")
    assert md.startswith("# Treatment note\n")
    assert "- **Client:** Anna\n- **Date:** 2026-10-20 09:00" in md
    assert "> “headache since Monday” (0:10, arrive)" in md  # the first phase's notes: intake
    assert "### sacrum, 2 min 19 s\n\n- 1:10 release\n- 1:30 still point, 42 s" in md
    assert "tension" not in md  # retracted
    assert "- **Closing note:** Felt lighter, sleeps better." in md
    for technical in ("resumed", "paused", "cue", "checkpoint", "target"):
        assert technical not in md.lower(), technical


def test_csv_has_one_row_per_finding(tmp_path: Path) -> None:
    _, tl = _timeline(tmp_path)
    rows = list(csv.DictReader(io.StringIO(export.render([tl], "csv"))))
    assert [(r["time"], r["kind"], r["text"], r["length_s"]) for r in rows] == [
        ("0:10", "intake note", "headache since Monday", ""),
        ("1:10", "tag", "release", ""),
        ("1:30", "toggle", "still point", "42"),
        ("3:20", "closing note", "Felt lighter, sleeps better.", ""),
    ]
    assert {r["region"] for r in rows[1:3]} == {"sacrum"}


def test_export_file_is_private_and_recorded(tmp_path: Path) -> None:
    _, tl = _timeline(tmp_path)
    target, state = tmp_path / "out.md", tmp_path / "state"
    export.write_export(export.render([tl], "md"), target, ["Anna"], state)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert export.load_registry(state) == [{"path": str(target.resolve()), "clients": ["Anna"]}]
    export.write_export("x", tmp_path / "shared.md", ["Anna"], state, mode=0o640)
    assert stat.S_IMODE((tmp_path / "shared.md").stat().st_mode) == 0o640


def test_json_and_events_stream_into_the_file_as_render_gives_them(tmp_path: Path) -> None:
    """Two sessions written line by line into the open file: the same text as render()."""
    sessions = tmp_path / "sessions"
    one = known_session(sessions)
    two = known_session(sessions, client="Bea", day=21, token="bbbbbb")
    timelines = [load_timeline(p, sessions) for p in (one, two)]
    for fmt in ("json", "events"):
        target = tmp_path / f"out.{fmt}"
        export.write_export(lambda out: export.write_to(out, timelines, fmt), target, [], tmp_path)  # noqa: B023
        text = target.read_text(encoding="utf-8")
        assert text == export.render(timelines, fmt)
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [s["client"] for s in data["sessions"]] == ["Anna", "Bea"]
    assert [s["events"] for s in data["sessions"]] == [read_journal(p).events for p in (one, two)]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.events").read_text("utf-8"))))
    assert len(rows) == sum(len(read_journal(p).events) for p in (one, two))
