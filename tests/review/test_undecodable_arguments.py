"""An argument that is not UTF-8 (text pasted from a Latin-1 file, a terminal set to another
encoding) is refused in words before anything is read or written: it reached SQLite or a
journal line and ended in a UnicodeEncodeError traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from review_journals import known_session

from sessiontimer import cli
from sessiontimer.paths import AppPaths

BAD = b"caf\xe9".decode("utf-8", "surrogateescape")  # 'café' in Latin-1, as argv holds it


@pytest.mark.parametrize(
    "argv",
    [
        ["logs", "list", BAD],
        ["logs", "list", f"client:{BAD}"],
        ["logs", "show", BAD],
        ["logs", "amend", "ID", "e4", "--text", BAD],
        ["logs", "amend", "ID", "e4", "--region", BAD],
        ["logs", "rename", "Anna", BAD],
        ["logs", "delete", "--client", BAD],
        ["logs", "export", "--all", "--format", "csv", "-o", f"DIR/{BAD}.csv"],
        ["run", "--preset", "Demo", "--client", BAD],
    ],
)
def test_an_argument_that_is_not_utf8_is_refused_in_words(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], argv: list[str], tmp_path: Path
) -> None:
    path = known_session(app_paths.sessions_dir, "Anna")
    before = path.read_bytes()
    argv = [a.replace("DIR", str(tmp_path)) for a in argv]
    argv = [path.stem if a == "ID" else a for a in argv]
    assert cli.main(argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "caf\\xe9" in err
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".csv")]


def test_the_command_refuses_it_without_a_traceback(app_paths: AppPaths) -> None:
    """Through the real argv (bytes decoded with surrogateescape), not a test's list."""
    known_session(app_paths.sessions_dir, "Anna")
    argv = [sys.executable, "-m", "sessiontimer", b"logs", b"list", b"client:caf\xe9"]
    done = subprocess.run(argv, capture_output=True, timeout=60, env=os.environ)
    assert done.returncode == cli.EXIT_USAGE
    assert b"Traceback" not in done.stderr
    assert b"not UTF-8" in done.stderr and b"client:caf\\xe9" in done.stderr
