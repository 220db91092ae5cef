"""A disk that refuses a change (read-only, full) is said in words with what to do, for every
`logs` command that writes: `logs rename` and `logs sign` printed only
"[Errno 30] Read-only file system: 'PATH'" (seen on a read-only mount)."""

from __future__ import annotations

import errno
import os

import pytest
from review_journals import known_session

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review import edit


@pytest.mark.parametrize(
    ("code", "todo"),
    [
        (errno.EROFS, "the folder is read-only: make it writable"),
        (errno.EACCES, "this user may not write there: make it writable"),
        (errno.ENOSPC, "the disk is full: free some space"),
    ],
)
def test_a_refused_write_is_said_with_its_file_and_what_to_do(
    code: int,
    todo: str,
    app_paths: AppPaths,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = known_session(app_paths.sessions_dir, "Anna")

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(edit, "rename_client", refused)
    assert cli.main(["logs", "rename", "Anna", "Ann"]) == 1
    err = capsys.readouterr().err
    assert f"could not write {path}" in err and todo in err, err
    assert "[Errno" not in err and "Traceback" not in err
