"""`]` and `[` on the timeline of a long journal: the next page of other events, then back."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sessiontimer import paths
from sessiontimer.review import timeline
from sessiontimer.review.summary import summarize
from sessiontimer.ui.screens.review.timeline import SessionDetailScreen
from tests.ui.conftest import build_app

_spec = importlib.util.spec_from_file_location(
    "review_journals", Path(__file__).resolve().parents[1] / "review" / "review_journals.py"
)
assert _spec and _spec.loader
journals = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(journals)

LIMIT = 6  # other events a page, for the test (the app's is 10,000)


def _long_journal(sessions: Path) -> Path:
    """One phase, 10 cues (cue-0 ... cue-9), a note and a closing note: two pages of 6."""
    s = journals.Session(datetime(2026, 10, 20, 9, 0, tzinfo=journals.TZ))
    s.add("phase_started", 0, 0, run=1, target=600.0)
    s.add("note", 1, 0, region=None, key="n", text="kept on every page")
    for n in range(10):
        s.add("cue", 2 + n, 0, kind="interval", sound=f"cue-{n}", backend="visual",
              outcome="visual", late=0.0)  # fmt: skip
    s.add("session_ended", 20, 0, reason="key")
    s.add("closing_note", 21, 0, text="calm")
    return journals.write(sessions, s.wall, s.events, "abcdef")


def _cues(screen: SessionDetailScreen) -> list[int]:
    return [n for n in range(10) if f"cue-{n} " in screen.text]


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_right_bracket_pages_on_and_left_bracket_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(timeline, "LIMIT", LIMIT)
    sessions = paths.resolve().sessions_dir
    path = _long_journal(sessions)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = SessionDetailScreen(summarize(path, sessions))
        said: list[str] = []
        monkeypatch.setattr(screen, "notify", lambda message, **_: said.append(str(message)))
        await app.push_screen(screen)
        await _settle(pilot)
        assert _cues(screen) == [0, 1, 2, 3, 4]  # the phase is the page's sixth event
        assert "page down with ]" in screen.text and "[ goes back" not in screen.text
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        assert screen.page == 1
        assert _cues(screen) == [5, 6, 7, 8, 9]
        assert "kept on every page" in screen.text and "calm" in screen.text
        assert "Other events from no. 7 on" in screen.text and "[ goes back" in screen.text
        await pilot.press("right_square_bracket")  # no further page
        await _settle(pilot)
        assert screen.page == 1 and _cues(screen) == [5, 6, 7, 8, 9]
        assert said == ["No more events that way."]
        await pilot.press("left_square_bracket")
        await _settle(pilot)
        assert screen.page == 0 and _cues(screen) == [0, 1, 2, 3, 4]
        await pilot.press("left_square_bracket")  # none before the first
        await _settle(pilot)
        assert screen.page == 0 and _cues(screen) == [0, 1, 2, 3, 4]
        assert said == ["No more events that way."] * 2
