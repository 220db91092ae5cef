"""Disk trouble injected in the writer's file layer (CI runs as root: chmod proves nothing).

The app must warn once, keep the notes, write them when the disk recovers, and lose none.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
from pathlib import Path

import pytest

from sessiontimer.core import running
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter, OsFileLayer
from sessiontimer.ui.app import SessionTimerApp
from tests.ui.conftest import build_app

KEYS = ["r", "f", "l", "h", "t"]


class FlakyDisk(OsFileLayer):
    """The real file system, except that every write or open fails while ``error`` is set."""

    def __init__(self) -> None:
        self.error: int | None = None

    def _check(self) -> None:
        if self.error is not None:
            raise OSError(self.error, os.strerror(self.error))

    def open_append(self, path: Path) -> int:
        self._check()
        return super().open_append(path)

    def write(self, handle: int, data: bytes) -> int:
        self._check()
        return super().write(handle, data)

    def fsync(self, handle: int) -> None:
        self._check()
        super().fsync(handle)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FlakyDisk:
    fs = FlakyDisk()
    writer = functools.partial(JournalWriter, fs=fs, retry_interval=0.05)
    monkeypatch.setattr(running, "JournalWriter", writer)
    return fs


def warnings_of(app: SessionTimerApp) -> list[str]:
    return [n.message for n in app._notifications if "cannot save" in n.message]


def journal_tags(app: SessionTimerApp) -> list[str]:
    writer = app.screen.recorder.writer  # type: ignore[attr-defined]
    assert writer.flush(5)
    events = read_journal(writer.path).events
    return [e["tag"] for e in events if e["type"] == "note"]


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.ENOSPC])
async def test_refused_writes_warn_once_and_lose_nothing(disk: FlakyDisk, code: int) -> None:
    app = build_app(preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert journal_tags(app) == ["release"]
        disk.error = code
        for key in KEYS * 3:
            await pilot.press(key)
        await pilot.pause(0.3)  # several failed retries happen meanwhile
        await pilot.pause()
        assert len(warnings_of(app)) == 1
        assert os.strerror(code) in warnings_of(app)[0]
        assert str(app.screen.query_one("#status").render()) == "tingling…"  # not "Saved"
        disk.error = None
        tags = journal_tags(app)
        await pilot.pause()
        expected = ["release"] + [tag_of(app, k) for k in KEYS * 3]
        assert tags == expected
        assert len(warnings_of(app)) == 1
        await pilot.pause()
        assert "Saved: tingling" in str(app.screen.query_one("#status").render())
        assert any("saved again" in n.message for n in app._notifications)


def tag_of(app: SessionTimerApp, key: str) -> str:
    return next(k.tag for k in app.settings.note_keys if k.key == key)


async def test_sessions_folder_deleted_mid_session(disk: FlakyDisk) -> None:
    app = build_app(preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "f")
        assert journal_tags(app) == ["release", "softening"]
        shutil.rmtree(app.paths.sessions_dir)
        await pilot.press("l", "h")
        assert journal_tags(app) == ["release", "softening", "lengthening", "heat"]
        read = read_journal(app.screen.recorder.writer.path)  # type: ignore[attr-defined]
        assert read.problems == []
        assert read.events[0]["type"] == "session_started"
        assert len(warnings_of(app)) <= 1
