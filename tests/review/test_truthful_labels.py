"""Labels and counts that say what happened (issue 14): quit is not a crash, a still point is
counted, a typed note taken at a region is found by ``region:``, plurals read right."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from review_journals import TZ, Session, write

from sessiontimer.review.query import select
from sessiontimer.review.summary import summarize
from sessiontimer.review.timeline import describe, load_timeline
from sessiontimer.review_cli import row_text


def _stopped_and_resumed(tmp_path: Path, reason: str | None) -> Path:
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("checkpoint", 15, 0, run=1, phase_elapsed=15.0, target=60.0, paused=False)
    if reason is not None:  # written when it stopped (quit, signal, ...)
        s.add("suspended", 15, 0, reason=reason)
    else:  # a crash: the next start writes the suspended line for it
        s.add("suspended", 15, 0, reason="crash")
    s.add("resumed_after_crash", 15, 0, gap=300.0, counted="pause")
    s.add("session_ended", 20, 0, reason="key")
    return write(tmp_path, s.wall, s.events, "bbbbbb")


def _lines(path: Path, sessions_dir: Path) -> list[str]:
    return [describe(e) for p in load_timeline(path, sessions_dir).phases for e in p.items]


def test_a_quit_and_resume_is_not_called_a_crash(tmp_path: Path) -> None:
    lines = _lines(_stopped_and_resumed(tmp_path, "quit"), tmp_path)
    assert "the app was quit" in lines
    assert not any("crash" in line for line in lines), lines
    assert "resumed after the app was quit (the gap as a pause)" in lines


def test_a_real_crash_is_called_one(tmp_path: Path) -> None:
    lines = _lines(_stopped_and_resumed(tmp_path, None), tmp_path)
    assert "resumed after a crash (the gap as a pause)" in lines


def _session_with_a_still_point(tmp_path: Path) -> Path:
    s = Session(datetime(2026, 10, 21, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("region_set", 5, 0, index=4, name="respiratory diaphragm")
    s.add("note", 10, 0, region="respiratory diaphragm", key="r", tag="release")
    s.add("toggle_started", 20, 0, tag="still point", key="s", region="sacrum")
    s.add("toggle_ended", 48, 0, tag="still point", key="s", duration=28.0, started="e5")
    s.add("note", 50, 0, region="hyoid", key="n", text="client mentions jaw pain")
    s.add("session_ended", 55, 0, reason="key")
    return write(tmp_path, s.wall, s.events, "cccccc")


def test_counts_include_still_points_and_plurals_read_right(tmp_path: Path) -> None:
    summary = summarize(_session_with_a_still_point(tmp_path), tmp_path)
    assert summary.notes == 3  # a release, a still point and a typed note
    assert "3 notes" in row_text(summary)
    s = Session(datetime(2026, 10, 22, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("note", 10, 0, region=None, key="r", tag="release")
    s.add("session_ended", 20, 0, reason="key")
    one = summarize(write(tmp_path, s.wall, s.events, "dddddd"), tmp_path)
    assert " 1 note " in row_text(one) + " "
    assert "notes" not in row_text(one)


def test_region_finds_typed_notes_and_toggles_taken_there(tmp_path: Path) -> None:
    summary = summarize(_session_with_a_still_point(tmp_path), tmp_path)
    for region in ("hyoid", "sacrum", "respiratory"):
        found, _ = select([summary], f"region:{region}")
        assert found == [summary], region
    found, _ = select([summary], "region:feet")
    assert found == []


def test_a_cue_cut_short_as_it_began_is_not_shown_as_played(tmp_path: Path) -> None:
    """A cue taken back at its moment (a pause) sounded a moment and faded (issue 15): the
    timeline says it was cut short, not that it played."""
    s = Session(datetime(2026, 10, 22, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("cue", 30, 0, kind="interval", sound="wooden-tap", backend="aplay",
          outcome="faded", late=0.004, began=30.004)  # fmt: skip
    s.add("session_ended", 55, 0, reason="key")
    lines = _lines(write(tmp_path, s.wall, s.events, "dddddd"), tmp_path)
    (cue,) = [line for line in lines if line.startswith("cue ")]
    assert "cut short" in cue and "faded" in cue and "played" not in cue, cue


def test_a_cue_cut_short_later_and_a_change_of_sound_are_shown_with_their_reasons(
    tmp_path: Path,
) -> None:
    """A cue that began, then was cut short (the audio worker died mid-sound), has a later
    line (``cue_updated``); the sound moving to another player has one too
    (``audio_backend_changed``). The timeline showed the cue as played and said neither."""
    s = Session(datetime(2026, 10, 23, 9, 0, tzinfo=TZ))
    s.add("phase_started", 0, 0, run=1, target=60.0)
    cue = s.add("cue", 1, 0, kind="phase_start", sound="singing-bowl", backend="simpleaudio",
                outcome="played", late=0.0, began=1.0)  # fmt: skip
    worker_died = "cut short: the audio worker stopped (killed by SIGKILL)"
    s.add("cue_updated", 2, 0, cue=cue, kind="phase_start", backend="simpleaudio",
          outcome="failed", reason=worker_died)  # fmt: skip
    s.add("audio_backend_changed", 2, None, backend="aplay", previous="simpleaudio",
          reason="the audio worker stopped")  # fmt: skip
    s.add("session_ended", 55, 0, reason="key")
    lines = _lines(write(tmp_path, s.wall, s.events, "eeeeee"), tmp_path)
    (cue_line,) = [line for line in lines if line.startswith("cue ")]
    assert worker_died in cue_line and "(played)" not in cue_line, cue_line
    assert "sound: simpleaudio -> aplay (the audio worker stopped)" in lines, lines
