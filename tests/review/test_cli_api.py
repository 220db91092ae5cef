"""``sessiontimer logs ...`` end to end, and the Start screen's two helpers."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from review_journals import known_session

from sessiontimer import cli, review
from sessiontimer.paths import AppPaths


def test_logs_list_filters_and_json(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    known_session(app_paths.sessions_dir, "Anna", day=20, token="aaaaaa")
    known_session(app_paths.sessions_dir, "Ben", day=21, token="bbbbbb")
    assert cli.main(["logs", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "Ben" in out[0] and "Anna" in out[1]  # newest first
    assert cli.main(["logs", "list", "client:anna", "tag:release", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["client"] for r in rows] == ["Anna"] and rows[0]["notes"] == 3  # still point too
    assert cli.main(["logs", "list", "since:someday"]) == 2
    assert "since:someday is not a date" in capsys.readouterr().err


def test_a_bad_filter_lists_nothing_and_a_filter_that_matches_nothing_says_so(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14: `logs list since:yesterday` printed the error and then the whole list (1);
    a filter that matched nothing printed nothing at all."""
    known_session(app_paths.sessions_dir, "Anna", day=20, token="aaaaaa")
    assert cli.main(["logs", "list", "client:anna", "since:yesterday"]) == 2
    told = capsys.readouterr()
    assert told.out == ""  # nothing listed
    assert "since:yesterday is not a date" in told.err and "YYYY-MM-DD" in told.err
    assert cli.main(["logs", "list", "client:zoe"]) == 1
    told = capsys.readouterr()
    assert told.out == "" and "no sessions match “client:zoe”" in told.err
    assert cli.main(["logs", "list", "client:zoe", "--json"]) == 1
    assert capsys.readouterr().out == ""  # JSON lines only on stdout
    assert cli.main(["logs", "list", "--offset", "5"]) == 0  # past the end: not "no match"
    assert "no sessions match" not in capsys.readouterr().err


def test_logs_show_and_export(
    app_paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = known_session(app_paths.sessions_dir)
    assert cli.main(["logs", "show", path.stem[:12]]) == 0
    out = capsys.readouterr().out
    assert "note: release @ sacrum" in out and "closing note: Felt lighter" in out
    target = tmp_path / "anna.csv"
    assert (
        cli.main(["logs", "export", "--client", "anna", "--format", "csv", "-o", str(target)]) == 0
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    events = tmp_path / "events.csv"
    assert cli.main(["logs", "export", "--all", "--format", "events", "-o", str(events)]) == 0
    assert events.read_text().count("\n") == 1 + len(path.read_text().splitlines())
    # csv: one row per finding (the two notes left, the toggle, the closing note)
    assert target.read_text().count("\n") == 1 + 4
    assert cli.main(["logs", "show", "nope"]) == 1
    assert "no single session matches “nope”" in capsys.readouterr().err


def test_delete_refuses_without_a_terminal_unless_yes(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = known_session(app_paths.sessions_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert cli.main(["logs", "delete", "--client", "Anna"]) == 2
    assert path.exists() and "--yes" in capsys.readouterr().err
    assert cli.main(["logs", "delete", "--client", "Anna", "--yes"]) == 0
    assert not path.exists()


def test_rename(app_paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> None:
    known_session(app_paths.sessions_dir, "anna")
    assert cli.main(["logs", "rename", "anna", "Anna K."]) == 0
    assert review.known_clients(app_paths.sessions_dir, app_paths.state_dir) == ["Anna K."]
    assert cli.main(["logs", "rename", "nobody", "x"]) == 1


def test_known_clients_and_last_visit(app_paths: AppPaths) -> None:
    sd, cd = app_paths.sessions_dir, app_paths.state_dir
    assert review.known_clients(sd, cd) == [] and review.last_visit(sd, cd, "Anna") is None
    known_session(sd, "anna", day=20, token="aaaaaa")
    known_session(sd, "Ben", day=21, token="bbbbbb")
    known_session(sd, "Anna", day=22, token="cccccc")
    assert review.known_clients(sd, cd) == ["Anna", "Ben"]
    visit = review.last_visit(sd, cd, "ANNA")
    assert visit == review.LastVisit(
        "2026-10-22",
        "Short",
        200.0,
        ("release (sacrum)", "still point (sacrum)", "headache since Monday"),
        "Felt lighter, sleeps better.",
    )


def test_amend_a_note_afterwards(app_paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> None:
    path = known_session(app_paths.sessions_dir)
    before = path.read_text()
    assert cli.main(["logs", "show", path.stem[:12]]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "release @ sacrum" in x)
    note = line.split("[", 1)[1].split("]", 1)[0]
    assert cli.main(["logs", "amend", path.stem[:12], note, "--region", "cranial base"]) == 0
    assert "Amended note" in capsys.readouterr().out
    assert path.read_text().startswith(before)  # the original lines are never rewritten
    last = json.loads(path.read_text().splitlines()[-1])
    assert last["type"] == "amended" and last["note"] == note
    assert last["fields"] == {"region": "cranial base"}
    assert cli.main(["logs", "show", path.stem[:12]]) == 0
    assert "release @ cranial base" in capsys.readouterr().out
    assert cli.main(["logs", "amend", path.stem[:12], "e999", "--text", "x"]) == 1
    assert "has no note 'e999'" in capsys.readouterr().err
    assert cli.main(["logs", "amend", path.stem[:12], note]) == 1  # nothing to change
