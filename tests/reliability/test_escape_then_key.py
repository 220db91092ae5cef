"""Escape then a key, typed fast on the resume offer in a real terminal: never "continue".

Textual's parser read ESC and the key after it as one key (ESC c as alt+c, ESC Tab as
shift+tab): the dialog stayed open after the Escape and the typed name's "c" continued the
session the practitioner had just put off. Here the real app runs in a pty and the bytes
come in one write, as from a fast hand (or tmux's send-keys).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import builtin_settings
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.journal import session_path
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.recorder import SessionRecorder
from tests.reliability.ptyapp import PtyApp, sessions

OFFER = "A session was interrupted"


def _crashed(home: Path) -> Path:
    """A session that died 9 minutes in, with one note (no session_ended)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('[audio]\nbackend = "visual"\n')
    clock, settings = ManualClock(), builtin_settings()
    path = session_path(home / "data" / "sessions", clock.wall())
    recorder = SessionRecorder(
        SessionEngine(settings.presets[0], clock), JournalWriter(path), clock,
        settings=settings, client="C.D.", app_version="test",
    )  # fmt: skip
    recorder.start()
    clock.advance(9 * 60)
    recorder.tick()
    recorder.note(tag="release", key="r")
    assert recorder.writer.flush(5)
    recorder.writer.close()
    return path


@pytest.mark.parametrize(
    ("burst", "then"),
    [
        (b"\x1b\tcarla\r", b""),  # Escape, Tab to the client field, a name, Enter: one read
        (b"\x1bc", b"\tcarla\r"),  # Escape then c in one read; then the name and Enter
    ],
)
def test_escape_then_a_key_in_one_read_puts_the_offer_off(
    tmp_path: Path, burst: bytes, then: bytes
) -> None:
    journal = _crashed(tmp_path)
    before = journal.read_bytes()
    app = PtyApp(tmp_path, [])
    try:
        assert app.wait_for(OFFER, 60), app.text()[-1500:]
        mark = len(app.text())
        app.send(burst)
        if then:
            app.pump(0.3)  # a human's pause, not a wait for anything
            app.send(then)
        assert app.wait_for("carla ·", 60, mark), f"no session for carla: {app.text()[-1500:]}"
        deadline = time.monotonic() + 60  # the new journal's first line reaches the disk
        while not (new := _started(tmp_path, journal)) and time.monotonic() < deadline:
            app.pump(0.05)
    finally:
        app.close()
    kinds = [e["type"] for e in read_journal(journal).events]
    assert journal.read_bytes() == before, f"the session put off was changed: {kinds}"
    assert new == ["carla"]


def _started(home: Path, old: Path) -> list[str]:
    """The clients of the sessions started since (their first line on disk)."""
    found = [read_journal(p).events for p in sessions(home) if p != old]
    return [str(events[0].get("client")) for events in found if events]
