"""``logs note`` and ``logs sign`` as a user runs them: messages, refusals, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sessiontimer import cli
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.lock import SessionLock
from sessiontimer.paths import AppPaths

DATA = Path(__file__).resolve().parents[1] / "data" / "notes"
CONFIG = '[practitioner]\nname = "Jane Doe, CST-T"\nlicence = "MA-LMT 12345"\n'


def _journal(app_paths: AppPaths, name: str = "cst") -> Path:
    target = app_paths.sessions_dir / "2026" / "2026-11-26T140000-abcdef.jsonl"
    target.parent.mkdir(parents=True, mode=0o700)
    shutil.copyfile(DATA / f"{name}.jsonl", target)
    target.chmod(0o600)
    return target


def _config(app_paths: AppPaths, text: str = CONFIG) -> None:
    app_paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.config_file.write_text(text, encoding="utf-8")


def test_sign_then_note_says_it_matches(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _journal(app_paths)
    _config(app_paths)
    assert cli.main(["logs", "sign", "2026-11-26"]) == 0
    assert (
        "Signed the note of 2026-11-26T140000-abcdef as Jane Doe, CST-T." in capsys.readouterr().out
    )
    (signed,) = [e for e in read_journal(path).events if e["type"] == "signed"]
    assert signed["practitioner"] == "Jane Doe, CST-T" and len(signed["sha256"]) == 64
    assert cli.main(["logs", "note", "2026-11-26", "--format", "text"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("TREATMENT NOTE\n") and "Signed by Jane Doe, CST-T" in out
    assert "the note matches its signature" in err
    assert cli.main(["logs", "sign", "2026-11-26"]) == 1  # nothing changed since
    assert "nothing was signed" in capsys.readouterr().err
    assert cli.main(["logs", "amend", "2026-11-26", signed_note_id(path), "--text", "fixed"]) == 0
    capsys.readouterr()
    assert cli.main(["logs", "note", "2026-11-26"]) == 0
    out, err = capsys.readouterr()
    assert "was: “Low back pain" in out and "1 correction(s) since" in err


def signed_note_id(path: Path) -> str:
    events = read_journal(path).events
    return next(e["id"] for e in events if e.get("text", "").startswith("Low back"))


def test_sign_without_a_practitioner_says_how_to_set_one(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _journal(app_paths)
    _config(app_paths, '[general]\ndefault_preset = "Demo"\n')
    before = path.read_bytes()
    assert cli.main(["logs", "sign", "2026-11-26"]) == 1
    err = capsys.readouterr().err
    assert "no practitioner is set up" in err and '[practitioner]\n  name = "Your Name"' in err
    assert path.read_bytes() == before


def test_sign_with_a_broken_config_signs_nothing(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _journal(app_paths)
    _config(app_paths, CONFIG + "colour = 1\n")
    before = path.read_bytes()
    assert cli.main(["logs", "sign", "2026-11-26"]) == 1
    assert 'unknown key "colour"' in capsys.readouterr().err
    assert path.read_bytes() == before


def test_sign_refuses_an_unfinished_or_live_session(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _journal(app_paths)
    _config(app_paths)
    text = path.read_text()
    path.write_text("".join(line for line in text.splitlines(True) if "session_ended" not in line))
    assert cli.main(["logs", "sign", "2026-11-26"]) == 1
    assert "has not ended" in capsys.readouterr().err
    path.write_text(text)
    lock = SessionLock(app_paths.lock_file)
    assert lock.acquire()
    try:
        assert cli.main(["logs", "sign", "2026-11-26"]) == 1
        assert "a session is running" in capsys.readouterr().err
    finally:
        lock.release()
    assert path.read_text() == text


def test_note_of_a_tampered_journal_exits_1(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _journal(app_paths, "signed")
    path.write_text(path.read_text().replace('"value":2', '"value":1', 1))
    assert cli.main(["logs", "note", "2026-11-26", "--format", "html"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("<!DOCTYPE html>") and "no longer gives the note" in err


def test_export_md_and_text_are_notes(
    app_paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _journal(app_paths)
    _config(app_paths)
    assert cli.main(["logs", "export", "--all"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Treatment note") and "Jane Doe, CST-T" in out
    assert cli.main(["logs", "export", "--all", "--format", "text"]) == 0
    assert capsys.readouterr().out.startswith("TREATMENT NOTE")
