"""`sessiontimer backup` and `restore`: round trips, a restore onto newer or different
journals, private files, refusal of members that are not ours, verification."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path

import pytest
from review_journals import known_session, many

from sessiontimer import backup, cli
from sessiontimer.paths import AppPaths


def _journals(paths: AppPaths) -> dict[str, bytes]:
    root = paths.sessions_dir
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.glob("*/*.jsonl")}


def _setup(paths: AppPaths) -> None:
    many(paths.sessions_dir, 5)
    known_session(paths.sessions_dir, "Anna", day=20, token="aaaaaa")
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text('[presets.x]\nphases = [{ name = "a", duration = "1m" }]\n')
    paths.state_dir.mkdir(parents=True, exist_ok=True)
    paths.state_file.write_text('{"volume": 0.4}')


def test_round_trip_onto_a_new_laptop(app_paths: AppPaths, tmp_path: Path) -> None:
    _setup(app_paths)
    target = tmp_path / "out" / "backup.tar.gz"
    target.parent.mkdir()
    old = os.umask(0)
    try:
        made = backup.backup(app_paths, target)
    finally:
        os.umask(old)
    assert made.journals == 6 and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["backup.tar.gz"]  # no temp file left
    before = _journals(app_paths)
    config, state = app_paths.config_file.read_text(), app_paths.state_file.read_text()
    for p in [*app_paths.sessions_dir.glob("*/*.jsonl"), app_paths.config_file]:
        p.unlink()
    app_paths.state_file.unlink()
    done = backup.restore(app_paths, target)
    assert len(done.added) == 6 and not done.kept and not done.refused
    assert _journals(app_paths) == before
    assert app_paths.config_file.read_text() == config
    assert app_paths.state_file.read_text() == state
    for p in app_paths.sessions_dir.glob("*/*.jsonl"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    again = backup.restore(app_paths, target)  # a second restore changes nothing
    assert again.same == 6 and not again.added and not again.updated


def test_a_restore_never_overwrites_a_journal_that_differs_without_saying(
    app_paths: AppPaths, tmp_path: Path
) -> None:
    _setup(app_paths)
    target = tmp_path / "b.tar.gz"
    backup.backup(app_paths, target)
    paths = sorted(app_paths.sessions_dir.glob("*/*.jsonl"))
    newer, other, shorter = paths[0], paths[1], paths[2]
    newer_bytes = newer.read_bytes() + b'{"v":1,"type":"checkpoint","id":"e999","t":1.0}\n'
    newer.write_bytes(newer_bytes)  # grew here after the backup: the copy here is newer
    other.write_bytes(other.read_bytes().replace(b"release", b"RELEASE"))  # edited by hand
    full = shorter.read_bytes()
    shorter.write_bytes(full[: len(full) // 2])  # here only the beginning of the backup's
    done = backup.restore(app_paths, target)
    assert sorted(done.kept) == sorted([newer.name, other.name])
    assert done.updated == [shorter.name]
    assert newer.read_bytes() == newer_bytes and b"RELEASE" in other.read_bytes()
    assert shorter.read_bytes() == full


def test_restore_refuses_members_that_are_not_ours(app_paths: AppPaths, tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        for name in ["../escape.jsonl", "/etc/x", "sessions/2026/../../x.jsonl", "other.txt"]:
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"{}"))
        link = tarfile.TarInfo("sessions/2026/link.jsonl")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    done = backup.restore(app_paths, evil)
    assert len(done.refused) == 5 and not done.added
    assert not (tmp_path / "escape.jsonl").exists()
    assert not list(app_paths.sessions_dir.glob("*/*"))


def test_a_backup_never_replaces_a_file(app_paths: AppPaths, tmp_path: Path) -> None:
    _setup(app_paths)
    target = tmp_path / "b.tar.gz"
    target.write_text("mine")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(app_paths, target)
    assert target.read_text() == "mine"


def test_verification_failure_keeps_no_archive(
    app_paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(app_paths)
    real = backup._add

    def damaged(tar: tarfile.TarFile, name: str, data: bytes) -> None:
        real(tar, name, data[:-1] if name.startswith("sessions/") else data)

    monkeypatch.setattr(backup, "_add", damaged)
    with pytest.raises(backup.BackupError, match="reads back differently"):
        backup.backup(app_paths, tmp_path / "b.tar.gz")
    assert list(tmp_path.glob("*b.tar.gz*")) == []


def test_the_commands(
    app_paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(app_paths)
    target = tmp_path / "b.tar.gz"
    assert cli.main(["backup", str(target)]) == 0
    out = capsys.readouterr().out
    assert "6 journals" in out and "verified" in out
    assert cli.main(["backup", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    next(app_paths.sessions_dir.glob("*/*.jsonl")).unlink()
    assert cli.main(["restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert "1 journal added" in out and "5 already here" in out
    assert cli.main(["logs", "list", "--all"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 6
    (tmp_path / "junk").write_text("not an archive")
    assert cli.main(["restore", str(tmp_path / "junk")]) == 1
    assert "is not a sessiontimer backup" in capsys.readouterr().err
