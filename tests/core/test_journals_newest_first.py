"""The resume search lists journals folder by folder, in the order the whole glob gave."""

from __future__ import annotations

import os
from pathlib import Path

from sessiontimer.core.interrupted import journals_newest_first


def test_the_order_and_the_files_are_those_of_the_sorted_glob(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    for year, names in {
        "2024": ["2024-01-02T090000-aaaaaa.jsonl", "2024-12-31T090000-bbbbbb.jsonl"],
        "2026": ["2026-11-24T090000-cccccc.jsonl", ".hidden.jsonl", "notes.txt"],
        "2025": ["2025-06-01T090000-dddddd.jsonl", "x.JSONL"],
        "old stuff": ["a.jsonl"],
    }.items():
        (sessions / year).mkdir(parents=True)
        for name in names:
            (sessions / year / name).write_text("{}\n")
    (sessions / "2026" / "folder.jsonl").mkdir()  # a folder with the name of a journal
    (sessions / "loose.jsonl").write_text("{}\n")  # not in a year folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2023-01-01T090000-eeeeee.jsonl").write_text("{}\n")
    os.symlink(elsewhere, sessions / "2023")  # a symlinked year folder is followed
    expected = sorted(sessions.glob("*/*.jsonl"), reverse=True)
    assert list(journals_newest_first(sessions)) == expected
    assert len(expected) == 8


def test_no_sessions_folder_lists_nothing(tmp_path: Path) -> None:
    assert list(journals_newest_first(tmp_path / "missing")) == []
