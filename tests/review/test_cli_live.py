"""The command line never deletes or rewrites a live journal (issue 12, case 7).

During Zoe's running session, ``logs delete --client Zoe --yes`` deleted the journal (the
next note rebuilt it), and ``logs amend`` / ``logs rename`` wrote ids the app then wrote
again. Each now refuses, says why, and exits with status 1; once the session has ended,
each works.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sessiontimer import cli, paths
from sessiontimer.core import running
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import builtin_settings
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.lock import SessionLock
from sessiontimer.core.running import RunningSession

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def zoe_session() -> RunningSession:
    """Zoe's session, running (as another window would hold it: its own lock)."""
    app_paths = paths.resolve()
    settings = builtin_settings()
    session = running.begin(
        settings.preset("Demo"), "Zoe", clock=ManualClock(wall_start=WALL), settings=settings,
        lock=SessionLock(app_paths.lock_file), sessions_dir=app_paths.sessions_dir,
        app_version="test",
    )  # fmt: skip
    session.start()
    session.recorder.note(tag="release", key="r")
    assert session.writer.flush(5)
    return session


def note_id(session: RunningSession) -> str:
    return session.recorder.recent_notes[-1].id


@pytest.mark.parametrize(
    "command",
    [
        ["logs", "delete", "--client", "Zoe", "--yes"],
        ["logs", "rename", "Zoe", "Zoé"],
        ["logs", "amend", "ID", "NOTE", "--text", "corrected"],
    ],
)
def test_a_live_journal_is_refused(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    session = zoe_session()
    before = session.path.read_bytes()
    command = [session.path.stem if w == "ID" else note_id(session) if w == "NOTE" else w
               for w in command]  # fmt: skip
    assert cli.main(command) == 1
    err = capsys.readouterr().err
    assert str(session.path) in err and "running in another sessiontimer window" in err
    assert session.path.read_bytes() == before
    session.close()
    assert session.wait(5)
    assert cli.main(command) == 0  # ended: the same command now works
    capsys.readouterr()
    if command[1] == "delete":
        assert not session.path.exists()
    else:
        ids = [e["id"] for e in read_journal(session.path).events]
        assert len(ids) == len(set(ids))
