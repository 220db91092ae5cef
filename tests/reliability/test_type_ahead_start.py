"""A note typed ahead, before a new session's screen has drawn, lands after ``session_started``.

The clock of a new session starts after its screen's first refresh, once the first cue can
sound; a key that came before that refresh used to be recorded first, so the journal began
with a note (and the screen never said "Saved").
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sessiontimer.core.journal_read import read_journal
from tests.reliability.ptyapp import PtyApp, sessions

TRIES = 8


def one(home: Path) -> list[str]:
    home.mkdir(parents=True)
    (home / "config.toml").write_text('[audio]\nbackend = "visual"\n')
    app = PtyApp(home, ["run", "--preset", "Demo", "--client", "Zoe"])
    try:
        app.send(b"r")  # typed ahead: the app has not drawn anything yet
        assert app.wait_for("Saved: release", 30), app.text()[-800:]
    finally:
        app.close()
    [journal] = sessions(home)
    return [e["type"] for e in read_journal(journal).events]


def test_a_note_typed_before_the_screen_is_up_comes_after_session_started(
    tmp_path: Path,
) -> None:
    with ThreadPoolExecutor(4) as pool:
        for kinds in pool.map(one, [tmp_path / f"h{i}" for i in range(TRIES)]):
            assert kinds[0] == "session_started", kinds
            assert "note" in kinds, kinds
