"""The timeline (screen and ``logs show``) holds every finding of the session: pain scores,
rhythm readings, where a response was felt, the client's own words and the plan. They are
in the treatment note; the timeline, the session in full, left them out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from review_journals import TZ, Session, write

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review.timeline import load_timeline
from sessiontimer.ui.screens.review.timeline import timeline_text


def _with_findings(sessions_dir: Path) -> Path:
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("pain", 5, 0, value=7, region=None)
    s.add("note", 8, 0, region="sacrum", key="h", tag="heat", felt_at="feet")
    s.add("note", 9, 0, region="sacrum", key="'", text="it hurts", words=True)
    s.add("rhythm", 30, 0, rate=7.5, taps=6, station="feet", qualities={"amplitude": "low"})
    s.add("phase_ended", 60, 0, run=1, reason="target", length=60.0)
    s.add("session_ended", 60, 0, reason="completed")
    s.add("pain", 60, 0, value=2, region=None, after=True)
    s.add("plan", 60, 0, text="two weeks: recheck the pelvis")
    return write(sessions_dir, s.wall, s.events, "aaaaaa")


FOUND = [
    "pain 7/10",
    "note: heat @ sacrum, felt at feet",
    "note: “it hurts” (the client's words) @ sacrum",
    "rhythm 7.5/min (6 taps; amplitude low) @ feet",
    "pain 2/10 (after the session)",
    "plan for next time: two weeks: recheck the pelvis",
]


def test_the_timeline_screen_shows_every_finding(tmp_path: Path) -> None:
    text = timeline_text(load_timeline(_with_findings(tmp_path), tmp_path))
    assert [found for found in FOUND if found not in text] == [], text


def test_logs_show_prints_every_finding(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_findings(app_paths.sessions_dir)
    assert cli.main(["logs", "show", path.stem]) == 0
    out = capsys.readouterr().out
    assert [found for found in FOUND if found not in out] == [], out


@pytest.mark.parametrize("rate", [-5, 0])
def test_a_planted_reading_no_session_can_take_is_damage_not_a_number(
    tmp_path: Path, rate: int
) -> None:
    """A planted rhythm rate of -5 showed as 'rhythm -5/min' (the treatment note leaves
    such a reading out); the writer never writes one, so the line is damage, said."""
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("rhythm", 5, 0, rate=rate, taps=4, station=None)
    s.add("session_ended", 60, 0, reason="completed")
    text = timeline_text(load_timeline(write(tmp_path, s.wall, s.events, "aaaaaa"), tmp_path))
    assert f"{rate}/min" not in text and "rhythm" not in text, text
    assert "damaged journal: line 3: 'rate' holds a number out of range" in text, text
