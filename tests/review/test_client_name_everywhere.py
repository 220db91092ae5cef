"""A renamed client reads the same everywhere: review's summary and the resume replay.

`logs rename` appends an ``amended`` line aimed at the session_started line; the resume
offer used to keep the name the session started with.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from review_journals import TZ, Session, write

from sessiontimer.core.journal_read import JournalStream, resume_state
from sessiontimer.review.summary import summarize

names = st.one_of(st.just(""), st.text(min_size=1, max_size=12))


def _session(folder: Path, first: str | None, renames: list[str], aim_at_note: bool) -> Path:
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ), client=first)
    s.add("phase_started", 0, 0, run=1, target=60.0)
    note = s.add("note", 5, 0, region=None, key="n", text="jaw")
    for i, name in enumerate(renames):
        s.add("amended", 10 + i, note="e1", fields={"client": name})
    if aim_at_note:  # a correction of a note that happens to carry a client field
        s.add("amended", 30, note=note, fields={"client": "not a rename"})
    return write(folder / "sessions", s.wall, s.events, "aaaaaa")  # unfinished: resumable


@settings(max_examples=40, deadline=None)
@given(first=st.one_of(st.none(), names), renames=st.lists(names, max_size=3), aim=st.booleans())
def test_the_summary_and_the_resume_offer_name_the_same_client(
    first: str | None, renames: list[str], aim: bool
) -> None:
    with tempfile.TemporaryDirectory(prefix="i13-") as folder:
        path = _session(Path(folder), first, renames, aim)
        summary = summarize(path, Path(folder) / "sessions")
        info = resume_state(JournalStream(path))
    expected = (renames[-1] if renames else first) or None
    assert summary.client == info.client == expected


def test_a_renamed_client_is_resumed_under_the_new_name(tmp_path: Path) -> None:
    path = _session(tmp_path, "C.D.", ["Carla D."], aim_at_note=True)
    assert resume_state(JournalStream(path)).client == "Carla D."
