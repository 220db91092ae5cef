"""Every CSV the app writes, read back with the csv module: one row per finding or event.

A CR or LF inside a note or a client's name must stay inside its cell (quoted), or a
spreadsheet forges a row out of it; a formula start still gets its leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review_journals import TZ, Session, write

from sessiontimer.core.journal_read import read_journal
from sessiontimer.review import export
from sessiontimer.review.note_csv import _row, all_findings, csv_cell
from sessiontimer.review.timeline import load_timeline

FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Plenty of the characters that matter to a CSV reader, and anything else Unicode holds.
texts = st.text(
    st.one_of(
        st.sampled_from(["\r", "\n", '"', ",", ";", "=", "+", "-", "@", "\t", "\x00"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    min_size=1,
    max_size=40,
)


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _timeline(sessions: Path, client: str, note: str, closing: str):  # type: ignore[no-untyped-def]
    s = Session(datetime(2026, 10, 20, 9, 0, tzinfo=TZ), client=client)
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("note", 10, 0, region=None, key="n", text=note)
    s.add("closing_note", 50, 0, text=closing)
    s.add("session_ended", 50, 0, reason="completed")
    path = write(sessions, s.wall, s.events, "aaaaaa")
    return load_timeline(path, sessions)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client=texts, note=texts, closing=texts)
def test_every_csv_reads_back_one_row_per_line_cell_for_cell(
    client: str, note: str, closing: str
) -> None:
    with tempfile.TemporaryDirectory(prefix="csv-") as folder:  # exports read the file
        tl = _timeline(Path(folder) / "sessions", client, note, closing)
        _check_both_csvs(tl, client, note, closing)


def _check_both_csvs(tl: Any, client: str, note: str, closing: str) -> None:
    findings = export.render([tl], "csv")
    the_note = export.note_of(tl)
    expected = [[csv_cell(v) for v in _row(the_note, f)] for f in all_findings(the_note)]
    rows = _read(findings)
    assert rows[1:] == expected  # one row per finding, each cell as given
    events = _read(export.render([tl], "events"))
    assert len(events) == 1 + len(read_journal(tl.path).events)
    assert {r[1] for r in events[1:]} == {csv_cell(client)}
    assert [r[9] for r in events[1:] if r[3] in ("note", "closing_note")] == [
        csv_cell(note),
        csv_cell(closing),
    ]
    for row in rows + events:
        assert not any(cell.startswith(FORMULA) for cell in row)


def test_a_carriage_return_in_a_note_stays_in_its_cell(tmp_path: Path) -> None:
    tl = _timeline(tmp_path / "sessions", "Anna", "tight\rjaw", "better\r\nsleeps")
    rows = _read(export.render([tl], "csv"))
    assert len(rows) == 1 + 2
    assert [r[8] for r in rows[1:]] == ["tight\rjaw", "better\r\nsleeps"]
