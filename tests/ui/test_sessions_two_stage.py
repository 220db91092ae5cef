"""The Sessions screen during a large first build: rows once every session is listable, their
notes filled in where they stand, filters and stats on notes waiting for them (and saying so).

STAGED_MIN is lowered so that a handful of journals goes through both stages, and the second
stage's whole reads are held at a gate, so each test looks at the screen between the stages.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from sessiontimer import paths
from sessiontimer.review import index, query
from sessiontimer.review.summary import Summary, summarize_stamped
from sessiontimer.ui.screens.review.client_history import ClientHistoryScreen
from sessiontimer.ui.screens.review.sessions import SessionsScreen
from sessiontimer.ui.screens.review.sessions_table import COLUMNS
from sessiontimer.ui.screens.review.stats import StatsScreen
from tests.ui.conftest import build_app

_spec = importlib.util.spec_from_file_location(
    "review_journals", Path(__file__).resolve().parents[1] / "review" / "review_journals.py"
)
assert _spec and _spec.loader
journals = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(journals)

N = 8
NOTES = [label for label, _ in COLUMNS].index("notes")


class Gate:
    """Holds every whole read of a journal (the second stage) until opened; counts them."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.reads = 0

    def read(self, root: str, rel: str) -> Any:
        assert self.open.wait(10), "the gate was never opened"
        self.reads += 1
        return summarize_stamped(root, rel)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    monkeypatch.setattr(index, "STAGED_MIN", 1)
    held = Gate()
    monkeypatch.setattr(index, "summarize_stamped", held.read)
    journals.many(paths.resolve().sessions_dir, N)
    yield held
    held.open.set()  # a worker still held must not outlive the test


def _full() -> list[Summary]:
    """Every session as a whole read tells it, newest first."""
    sessions = paths.resolve().sessions_dir
    rels = sorted((str(p.relative_to(sessions)) for p in sessions.glob("*/*.jsonl")), reverse=True)
    return [summarize_stamped(str(sessions), rel)[0] for rel in rels]


async def _until(pilot: Any, ready: Callable[[], bool], what: str) -> None:
    """Until a worker thread has done its part (bounded: a test never hangs)."""
    for _ in range(1000):
        if ready():
            return
        await pilot.pause(0.005)
    raise AssertionError(f"never: {what}")


def _column(table: DataTable[Any], x: int) -> list[str]:
    return [str(table.get_row_at(y)[x]) for y in range(table.row_count)]


def _status(screen: Any, widget: str) -> str:
    return str(screen.query_one(widget, Static).content)


async def test_rows_once_listable_filled_in_where_they_stand_and_read_once(
    gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen's own build (the Start screen's reading of client names is left out)."""
    monkeypatch.setattr("sessiontimer.review.known_clients", lambda *_: [])
    full = _full()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        first = SessionsScreen()
        await app.push_screen(first)
        table = first.query_one("#sessions-table", DataTable)
        await _until(pilot, lambda: table.row_count == N, "the partial rows shown")
        assert _column(table, NOTES) == ["…"] * N
        await _until(
            pilot, lambda: "reading notes: 0 of 8" in _status(first, "#sessions-status"), "progress"
        )
        await pilot.press("down", "down", "down")  # keys are answered while the notes are read
        assert table.cursor_row == 2
        await pilot.press("escape")  # leaves; its build stops after what it is reading
        second = SessionsScreen()
        await app.push_screen(second)
        table = second.query_one("#sessions-table", DataTable)
        await _until(pilot, lambda: table.row_count == N, "the partial rows shown again")
        await pilot.press("down", "down", "down", "down")
        keys = list(table.rows)
        await pilot.press("f4")  # a client's history waits for the notes, and says so
        history = app.screen
        assert isinstance(history, ClientHistoryScreen)
        said = lambda: "notes first" in _status(history, "#history-summary")  # noqa: E731
        await _until(pilot, said, "the history saying it waits")
        assert history.history is None
        gate.open.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert history.history is not None
        mine = [s for s in full if s.client == full[3].client]
        assert [s.notes for s in history.history.sessions] == [s.notes for s in mine]
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert gate.reads == N  # the second open and the history read nothing a second time
        assert _column(table, NOTES) == [str(s.notes) for s in full]
        assert table.cursor_row == 3 and list(table.rows) == keys  # filled in place
        assert "reading" not in _status(second, "#sessions-status")
        await _moved_while_asked_again(pilot, second, table)


async def _moved_while_asked_again(pilot: Any, screen: SessionsScreen, table: Any) -> None:
    """Rows asked again as the notes are read (several times a second) leave the cursor
    where the keys put it, also a key pressed while the question was on its way."""
    asked = screen._query

    def query(line: str, base: int, keep: int | None) -> None:
        pilot.app.call_from_thread(table.move_cursor, row=5)  # a key, meanwhile
        asked(line, base, keep)

    screen._query = query  # type: ignore[method-assign]
    worker = threading.Thread(target=screen._requery_kept)
    worker.start()
    await _until(pilot, lambda: not worker.is_alive(), "asked again")
    await pilot.pause()
    assert table.cursor_row == 5


async def test_a_filter_or_stats_on_notes_wait_for_them_then_answer(gate: Gate) -> None:
    """As the app runs: the Start screen's reading of client names builds the index, and
    the Sessions screen opened meanwhile shows that build's rows and progress."""
    full = _full()
    chosen = query.parse("tag:release")
    expected = [s.id for s in full if query.matches(chosen, s)]
    assert 0 < len(expected) < N
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = SessionsScreen()
        await app.push_screen(screen)
        table = screen.query_one("#sessions-table", DataTable)
        await _until(pilot, lambda: table.row_count == N, "the partial rows shown")
        screen.query_one("#sessions-filter", Input).value = "tag:release"
        waits = "reading notes and text to answer this filter: 0 of 8…"
        await _until(pilot, lambda: _status(screen, "#sessions-status") == waits, "it waits")
        assert table.row_count == 0  # not the partial rows' answer
        await pilot.press("enter")  # nothing to open yet
        assert app.screen is screen
        await pilot.press("f3")
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        said = lambda: "notes first" in _status(stats, "#stats-text")  # noqa: E731
        await _until(pilot, said, "the stats saying they wait")
        gate.open.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert stats.stats is not None and stats.stats.sessions == len(expected)
        releases = sum(1 for s in full for tag, _ in s.tags if tag == "release")
        assert dict(stats.stats.tags)["release"] == releases
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [s.id for s in screen.rows] == expected
        assert _status(screen, "#sessions-status").startswith(f"{len(expected)} of {N} sessions")
