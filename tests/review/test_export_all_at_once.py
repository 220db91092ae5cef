"""An export file is written all at once (temporary name beside it, fsync, rename), recorded
before a byte of it is written: a full disk or a kill mid-write leaves the earlier export
whole and no half file of health records that `logs delete --client` would not find."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, TextIO

import pytest
from review_journals import known_session

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review import export


def _full_disk_after(part: str) -> Any:
    """An export writer that writes ``part`` and then meets a full disk."""

    def write_to(out: TextIO, *_: object) -> None:
        out.write(part)
        out.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    return write_to


def test_a_full_disk_keeps_the_earlier_export_and_says_which_file(
    app_paths: AppPaths,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """It left the file truncated to what fitted (the earlier export lost) and said only
    '[Errno 28] No space left on device', naming no file."""
    known_session(app_paths.sessions_dir, "Anna")
    target = tmp_path / "out" / "anna.csv"
    target.parent.mkdir()
    assert cli.main(["logs", "export", "--all", "--format", "csv", "-o", str(target)]) == 0
    before = target.read_bytes()
    capsys.readouterr()
    monkeypatch.setattr(export, "write_to", _full_disk_after('"session","Anna half'))
    argv = ["logs", "export", "--all", "--format", "csv", "-o", str(target)]
    assert cli.main(argv) == cli.EXIT_PROBLEM
    err = capsys.readouterr().err
    assert str(target) in err and "No space left on device" in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["anna.csv"]  # no temporary left


def test_a_half_written_new_export_leaves_no_file(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    known_session(app_paths.sessions_dir, "Anna")
    monkeypatch.setattr(export, "write_to", _full_disk_after('"session","Anna half'))
    target = tmp_path / "new.csv"
    assert cli.main(["logs", "export", "--all", "--format", "csv", "-o", str(target)]) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".tmp")) == []


def test_an_export_the_registry_cannot_record_is_not_written(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The file was written first, then its record failed: a file of Anna's sessions that
    `logs delete --client Anna` would leave on disk."""
    known_session(app_paths.sessions_dir, "Anna")

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "save_registry", full)
    target = tmp_path / "anna.md"
    assert cli.main(["logs", "export", "--all", "--format", "md", "-o", str(target)]) == 1
    assert not target.exists()
