"""A file or folder name that is not UTF-8 in the sessions folder (a sync tool's copy, a disk
from another system) never takes the listings down: the app names journals in ASCII, so such
a name is no journal of its own, passed over like a symlink."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from review_journals import known_session

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review import index


def _plant(app_paths: AppPaths, where: str) -> None:
    """A copy of a real journal under a name with a byte that is not UTF-8 (0xff)."""
    source = known_session(app_paths.sessions_dir, "Ben", day=22, token="bbbbbb")
    sessions = os.fsencode(app_paths.sessions_dir)
    if where == "file":
        target = sessions + b"/2026/2026-10-22T090000-\xff.jsonl"
    else:
        os.mkdir(sessions + b"/\xff", 0o700)
        target = sessions + b"/\xff/2026-10-22T090000-cccccc.jsonl"
    shutil.copyfile(os.fsencode(source), target)
    source.unlink()


@pytest.mark.parametrize("where", ["file", "folder"])
def test_logs_list_lists_the_others_beside_a_name_that_is_not_utf8(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """It stopped with a UnicodeEncodeError traceback (surrogates not allowed) at every run."""
    known_session(app_paths.sessions_dir, "Anna")
    _plant(app_paths, where)
    assert cli.main(["logs", "list"]) == 0
    assert cli.main(["logs", "list", "--json"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and all("Anna" in line for line in out)


def test_the_full_refresh_of_the_sessions_screen_passes_the_name_over(
    app_paths: AppPaths,
) -> None:
    """The Sessions screen's background refresh raised; the screen said 'checking for
    changes…' for ever and listed nothing new."""
    known_session(app_paths.sessions_dir, "Anna")
    _plant(app_paths, "file")
    _plant(app_paths, "folder")
    done = index.refresh(app_paths.sessions_dir, app_paths.state_dir, full=True)
    assert done.reread == 1
    assert index.journal_names(app_paths.sessions_dir) == ["2026/2026-10-20T090000-aaaaaa.jsonl"]


def test_a_journal_renamed_to_such_a_name_leaves_the_index(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    known_session(app_paths.sessions_dir, "Anna")
    ben = known_session(app_paths.sessions_dir, "Ben", day=22, token="bbbbbb")
    assert cli.main(["logs", "list"]) == 0
    os.rename(os.fsencode(ben), os.fsencode(ben.parent) + b"/2026-10-22T090000-\xff.jsonl")
    capsys.readouterr()
    assert cli.main(["logs", "list"]) == 0
    assert "Ben" not in capsys.readouterr().out
    assert Path(ben).parent.is_dir()
