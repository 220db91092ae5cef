"""A journal of hours of cues (or a planted one) opens as a bounded timeline that says so.

The timeline keeps at most ``timeline.LIMIT`` notes and ``LIMIT`` other events; the rest are
counted and the timeline (screen and ``logs show``) says how many lines it did not show.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from review_journals import TZ, Session, write

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review.timeline import LIMIT, hidden_line, load_timeline
from sessiontimer.ui.screens.review.timeline import timeline_text

EXTRA = 25


def _flooded(tmp_path: Path) -> Path:
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    retracted = s.add("note", 1, 0, region=None, key="n", text="a slip")
    s.add("note_retracted", 2, 0, note=retracted)
    kept = s.add("note", 3, 0, region=None, key="n", text="first")
    for n in range(LIMIT + EXTRA):
        s.add("cue", 4 + n, 0, kind="interval", sound="soft-bell", backend="visual",
              outcome="visual", late=0.0)  # fmt: skip
        s.add("checkpoint", 4 + n, 0, run=1, phase_elapsed=4.0 + n, target=60.0, paused=False)
    last = s.add("note", LIMIT + 50, 0, region=None, key="n", text="after the flood")
    s.add("amended", LIMIT + 51, note=kept, fields={"text": "first, corrected"})
    s.add("session_ended", LIMIT + 60, 0, reason="key")
    s.add("closing_note", LIMIT + 61, 0, text="calm")
    assert last
    return write(tmp_path, s.wall, s.events, "ffffff")


def test_a_flood_of_cues_is_cut_and_counted_and_no_note_is_lost(tmp_path: Path) -> None:
    path = _flooded(tmp_path)
    tl = load_timeline(path, tmp_path)
    items = [e for p in tl.phases for e in p.items]
    cues = [e for e in items if e["type"] == "cue"]
    notes = [e.get("text") for e in items if e["type"] == "note"]
    assert len(cues) == LIMIT - 1  # the phase itself is one of the LIMIT other events
    assert tl.hidden == EXTRA + 1  # the cues past the cap; the closing note is kept
    assert notes == ["first, corrected", "after the flood"]  # retracted gone, amended applied
    assert [n.get("text") for n in tl.notes] == notes
    assert tl.closing == "calm"
    text = timeline_text(tl)
    assert hidden_line(tl) in text
    assert f"{tl.hidden:,} more lines" in hidden_line(tl)


def test_a_short_session_says_nothing_of_hidden_lines(tmp_path: Path) -> None:
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("note", 3, 0, region=None, key="n", text="only")
    tl = load_timeline(write(tmp_path, s.wall, s.events, "eeeeee"), tmp_path)
    assert tl.hidden == 0 and hidden_line(tl) == ""
    assert "not shown" not in timeline_text(tl)


def test_the_events_past_the_first_page_are_reached_page_by_page(tmp_path: Path) -> None:
    """The timeline kept the first LIMIT other events and no way to see the rest."""
    path = _flooded(tmp_path)
    first = load_timeline(path, tmp_path)
    second = load_timeline(path, tmp_path, page=1)
    cues = [e for p in second.phases for e in p.items if e["type"] == "cue"]
    assert len(cues) == EXTRA + 1 and second.hidden == 0 and second.before == LIMIT
    all_cues = [e for p in first.phases for e in p.items if e["type"] == "cue"] + cues
    assert len({e["id"] for e in all_cues}) == len(all_cues)  # none twice
    assert len(all_cues) == LIMIT + EXTRA  # every cue, on one page or the other
    notes = [e.get("text") for p in second.phases for e in p.items if e["type"] == "note"]
    assert notes == ["first, corrected", "after the flood"]  # the notes on every page
    said = hidden_line(second)
    assert f"Other events from no. {LIMIT + 1:,} on" in said and "[ goes back" in said
    assert said in timeline_text(second)  # the last page says how to go back too
    assert "page down with ]" in hidden_line(first)


def _cue_lines(out: str) -> int:
    return sum("soft-bell" in line for line in out.splitlines())


def test_logs_show_prints_one_page_or_all_of_them(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """`logs show` printed only the first page, with no way to the others."""
    path = _flooded(app_paths.sessions_dir)
    assert cli.main(["logs", "show", path.stem]) == 0
    first = capsys.readouterr().out
    assert _cue_lines(first) == LIMIT - 1
    assert f"logs show {path.stem} --page 2" in first and "--all" in first
    assert cli.main(["logs", "show", path.stem, "--page", "2"]) == 0
    second = capsys.readouterr().out
    assert _cue_lines(second) == EXTRA + 1
    assert second.count("first, corrected") == 1 and second.count("after the flood") == 1
    assert f"Other events from no. {LIMIT + 1:,} on" in second and "--page 1" in second
    assert cli.main(["logs", "show", path.stem, "--all"]) == 0
    every = capsys.readouterr().out
    assert _cue_lines(every) == LIMIT + EXTRA  # every cue, once
    assert every.count("first, corrected") == 1 and every.count("after the flood") == 1
    assert every.count("closing note: calm") == first.count("closing note: calm") == 2
    assert "not shown" not in every


def test_logs_show_past_the_last_page_says_so(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _flooded(app_paths.sessions_dir)
    assert cli.main(["logs", "show", path.stem, "--page", "3"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "has 2 pages" in err
    assert cli.main(["logs", "show", path.stem, "--page", "0"]) == 2
