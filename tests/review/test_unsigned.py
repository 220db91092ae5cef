"""Unsigned sessions: marked in the summary, found by ``status:unsigned``, and the index
sees a signature at once (issue 18, part 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review import query
from sessiontimer.review.summary import summarize_rel

DATA = Path(__file__).resolve().parents[1] / "data" / "notes"
CONFIG = '[practitioner]\nname = "Jane Doe, CST-T"\n'


def _copy(root: Path, name: str, rel: str) -> str:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copyfile(DATA / f"{name}.jsonl", target)
    target.chmod(0o600)
    return rel


@pytest.mark.parametrize("fast", [True, False])
def test_summary_says_whether_an_ended_session_is_signed(tmp_path: Path, fast: bool) -> None:
    unsigned = _copy(tmp_path, "cst", "2026/2026-11-26T140000-aaaaaa.jsonl")
    signed = _copy(tmp_path, "signed", "2026/2026-11-27T140000-bbbbbb.jsonl")
    running = tmp_path / "2026/2026-11-28T140000-cccccc.jsonl"
    lines = (DATA / "demo.jsonl").read_text().splitlines(keepends=True)
    running.write_text("".join(ln for ln in lines if '"session_ended"' not in ln))
    assert summarize_rel(str(tmp_path), unsigned, fast=fast).signature == "unsigned"
    assert summarize_rel(str(tmp_path), signed, fast=fast).signature == "signed"
    # a session that has not ended cannot be signed yet: not marked
    rel = running.relative_to(tmp_path).as_posix()
    assert summarize_rel(str(tmp_path), rel, fast=fast).signature == ""


def test_status_unsigned_filter_in_memory(tmp_path: Path) -> None:
    a = summarize_rel(str(tmp_path), _copy(tmp_path, "cst", "2026/2026-11-26T140000-aaaaaa.jsonl"))
    b = summarize_rel(str(tmp_path), _copy(tmp_path, "signed", "2026/2026-11-27T1400-bb.jsonl"))
    assert [s.id for s in query.select([a, b], "status:unsigned")[0]] == [a.id]
    assert [s.id for s in query.select([a, b], "status:signed")[0]] == [b.id]
    assert [s.id for s in query.select([a, b], "STATUS:Unsigned")[0]] == [a.id]
    assert query.select([a, b], "status:early")[0] == [a, b]  # how it ended stays a status


def _ids(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    capsys.readouterr()
    status = cli.main(["logs", "list", *args])
    ids = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert status == (0 if ids else 1)  # 1: the filter matched nothing
    return ids


def test_logs_list_status_unsigned_and_sign_is_seen_at_once(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    root = app_paths.sessions_dir
    # an older year: a quick refresh does not look inside it unless the folder changed
    _copy(root, "cst", "2025/2025-11-26T140000-aaaaaa.jsonl")
    _copy(root, "signed", "2026/2026-11-27T140000-bbbbbb.jsonl")
    app_paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.config_file.write_text(CONFIG, encoding="utf-8")
    assert _ids(capsys, "status:unsigned") == ["2025-11-26T140000-aaaaaa"]
    assert _ids(capsys, "status:signed") == ["2026-11-27T140000-bbbbbb"]
    assert cli.main(["logs", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].startswith("2025-11-26T140000-aaaaaa") and "unsigned" in listed[1]
    assert "unsigned" not in listed[0]
    assert cli.main(["logs", "sign", "2025-11-26"]) == 0
    assert _ids(capsys, "status:unsigned") == []
    assert sorted(_ids(capsys, "status:signed")) == [
        "2025-11-26T140000-aaaaaa",
        "2026-11-27T140000-bbbbbb",
    ]
