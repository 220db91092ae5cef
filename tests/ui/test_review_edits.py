"""Corrections from the app: amend a note on the timeline, rename / merge and delete a client,
stats over a chosen period. Pilot tests against real journals, plus two snapshots (100x30)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from sessiontimer import paths
from sessiontimer.review import index as review_index
from sessiontimer.ui.dialogs.confirm import ConfirmDialog
from sessiontimer.ui.dialogs.review import AmendNoteDialog, DeleteClientDialog, RenameClientDialog
from sessiontimer.ui.screens.review.client_history import ClientHistoryScreen
from sessiontimer.ui.screens.review.sessions import SessionsScreen
from sessiontimer.ui.screens.review.stats import StatsScreen
from sessiontimer.ui.screens.review.timeline import SessionDetailScreen
from tests.ui.conftest import build_app
from tests.ui.test_sessions_screen import _clients, _fixed_data, _open, _settle, journals


def _notes_seen(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification the app shows, as text."""
    seen: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(str(message))
        original(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return seen


def _last_line(path: Path) -> dict[str, Any]:
    return json.loads(path.read_bytes().splitlines()[-1])  # type: ignore[no-any-return]


async def _timeline_of_first(pilot: Any) -> SessionDetailScreen:
    """Sessions list, first row (Anna, 24 October), its timeline."""
    await _open(pilot)
    await pilot.press("down", "enter")
    await _settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionDetailScreen)
    return screen


async def test_amend_a_note_journals_amended_and_redraws() -> None:
    sessions = _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        detail = await _timeline_of_first(pilot)
        path = sessions / detail.summary.rel
        before = path.read_bytes()
        note = detail.current_note()
        assert note is not None and note["text"] == "headache since Monday"  # first note
        await pilot.press("a")
        assert isinstance(app.screen, AmendNoteDialog)
        await pilot.press("ctrl+u", *"migraine since Monday", "tab", *"frontal", "enter")
        await _settle(pilot)
        assert app.screen is detail
        after = path.read_bytes()
        assert after.startswith(before)  # the original lines are never rewritten
        line = _last_line(path)
        assert line["type"] == "amended" and line["note"] == note["id"]
        assert line["fields"] == {"text": "migraine since Monday", "region": "frontal"}
        assert "note: migraine since Monday @ frontal (amended)" in detail.text
        assert "headache" not in detail.text
        assert detail.lines[detail.query_one(OptionList).highlighted or 0][1] == note["id"]
        cached = review_index.cached(paths.resolve().state_dir)
        assert cached is not None
        fresh = next(s for s in cached if s.id == detail.summary.id)
        assert fresh.amended and "migraine since Monday" in fresh.texts
        listed = app.screen_stack[-2]
        assert isinstance(listed, SessionsScreen)
        assert next(s for s in listed.rows if s.id == fresh.id).amended  # the row, redrawn


async def test_amend_cancel_nothing_changed_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        seen = _notes_seen(app, monkeypatch)
        detail = await _timeline_of_first(pilot)
        path = sessions / detail.summary.rel
        before = path.read_bytes()
        await pilot.press("a", *"ignored", "escape")  # escape cancels
        await pilot.press("a", "enter")  # saved with nothing changed
        await _settle(pilot)
        assert path.read_bytes() == before and seen[-1] == "Nothing changed."
        await pilot.press("a", "ctrl+u", "tab", "enter")  # neither tag nor text: refused
        dialog = app.screen
        assert isinstance(dialog, AmendNoteDialog)
        assert "needs a tag or a text" in str(dialog.query_one("#amend-error").render())
        await pilot.press("escape", "up")  # the line above the first note is not a note
        await pilot.press("a")
        assert not isinstance(app.screen, AmendNoteDialog) and "Move to a note" in seen[-1]
        await pilot.press("down")
        path.unlink()  # the journal went away meanwhile: a message, not a traceback
        await pilot.press("a", *" (later)", "enter")
        await _settle(pilot)
        assert app.screen is detail and seen[-1].startswith("Not amended: cannot read")


async def _history_of(pilot: Any, row: int) -> ClientHistoryScreen:
    await _open(pilot)
    await pilot.press("down", *["down"] * row, "f4")
    await _settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClientHistoryScreen)
    return screen


async def test_rename_to_an_existing_name_merges() -> None:
    sessions = _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        history = await _history_of(pilot, 2)  # third row: "anna" (22 October)
        assert history.client == "anna"
        await pilot.press("r")
        assert isinstance(app.screen, RenameClientDialog)
        await pilot.press("ctrl+u", *"Anna", "enter")
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert "“anna” (1) to “Anna”" in confirm.question
        assert "already has 2 session(s)" in confirm.question and "merge" in confirm.question
        await pilot.press("enter")
        await _settle(pilot)
        anna = next(sessions.glob("*/2026-10-22*.jsonl"))
        line = _last_line(anna)
        assert line["type"] == "amended" and line["fields"] == {"client": "Anna"}
        assert history.client == "Anna" and history.history is not None
        assert len(history.history.sessions) == 3
        listed = app.screen_stack[-2]
        assert isinstance(listed, SessionsScreen)
        assert _clients(listed) == ["Anna", "Chloé", "Anna", "Ben", "Anna"]


async def test_delete_asks_then_removes_journals_and_index_entries() -> None:
    sessions = _fixed_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _history_of(pilot, 0)  # Anna (three sessions, two spellings)
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, DeleteClientDialog)
        assert "every record of Anna" in dialog.question
        assert "3 session(s) (named Anna, anna)" in dialog.question
        await pilot.press("enter")  # a stray enter keeps everything
        assert len(list(sessions.glob("*/*.jsonl"))) == 5
        await pilot.press("x", "y")
        await _settle(pilot)
        assert len(list(sessions.glob("*/*.jsonl"))) == 2
        cached = review_index.cached(paths.resolve().state_dir)
        assert cached is not None
        assert sorted(s.client or "" for s in cached) == ["Ben", "Chloé"]
        listed = app.screen
        assert isinstance(listed, SessionsScreen)
        assert _clients(listed) == ["Chloé", "Ben"]


def _period_data() -> None:
    """Known sessions at known distances from the test clock's today (24 November 2026)."""
    sessions = paths.resolve().sessions_dir
    for day in (3, 10, 17, 24, 28, 30):  # October: 28 and 30 are within the last 4 weeks
        journals.known_session(sessions, "Anna" if day % 2 else "Ben", day=day, token=f"d{day:05d}")
    for wall, token in (
        (datetime(2026, 3, 2, 9, tzinfo=journals.TZ), "a30200"),
        (datetime(2025, 6, 1, 9, tzinfo=journals.TZ), "a25060"),
    ):
        s = journals.Session(wall, "Chloé")
        s.add("phase_started", 0, 0, run=1, target=60.0)
        s.add("note", 30, 0, region="feet", key="h", tag="heat")
        s.add("phase_ended", 3600, 0, run=1, reason="target", length=3600.0)
        s.add("session_ended", 3600, 0, reason="completed")
        journals.write(sessions, wall, s.events, token)


async def test_period_keys_change_the_figures() -> None:
    _period_data()
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot)
        await pilot.press("f3")
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        figures = {}
        for key in ("a", "y", "m", "w"):
            await pilot.press(key)
            await _settle(pilot)
            assert screen.stats is not None
            figures[key] = (
                screen.stats.sessions,
                round(screen.stats.hours, 2),
                screen.stats.clients,
            )
        hour = 200 / 3600
        assert figures == {
            "a": (8, round(6 * hour + 2, 2), 3),
            "y": (7, round(6 * hour + 1, 2), 3),
            "m": (6, round(6 * hour, 2), 2),
            "w": (2, round(2 * hour, 2), 1),
        }
        assert screen.stats.weeks[0][0] == "2026-10-26" and len(screen.stats.weeks) == 5
        assert dict(screen.stats.tags) == {"release": 2, "still point": 2}
        text = str(screen.query_one("#stats-text").render())
        assert "all sessions · last 4 weeks" in text and "2 sessions" in text


def test_snapshot_amend_dialog(snap_compare: Any) -> None:
    _fixed_data()

    async def before(pilot: Any) -> None:
        await _timeline_of_first(pilot)
        await pilot.press(*["down"] * 4, "a", "tab", "ctrl+u", *"pel")  # note 2, a suggestion
        await pilot.pause()

    assert snap_compare(build_app(), terminal_size=(100, 30), run_before=before)


def test_snapshot_stats_last_4_weeks(snap_compare: Any) -> None:
    _period_data()

    async def before(pilot: Any) -> None:
        await _open(pilot)
        await pilot.press("f3")
        await _settle(pilot)
        await pilot.press("w")
        await _settle(pilot)

    assert snap_compare(build_app(), terminal_size=(100, 30), run_before=before)


def _keys(screen: type[Any]) -> set[str]:
    return {k for b in screen.BINDINGS for k in b.key.split(",")}


def test_review_keys_conflict_with_no_app_wide_key() -> None:
    """f2 is the app-wide theme toggle: no review screen may take it (or ctrl+q, ctrl+c)."""
    from sessiontimer.ui.app import SessionTimerApp

    app_keys = _keys(SessionTimerApp)
    assert "f2" in app_keys
    for screen in (SessionsScreen, SessionDetailScreen, ClientHistoryScreen, StatsScreen):
        assert not _keys(screen) & app_keys, screen.__name__


async def test_help_lists_the_review_keys() -> None:
    from sessiontimer.ui.dialogs.help import HelpScreen

    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.push_screen(HelpScreen())
        await pilot.pause()
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "Reviewing past sessions" in text
        for line in ("f4", "Timeline: Client history", "Timeline: Amend note"):
            assert line in text
        assert "Client history: Rename / merge" in text and "Stats: 4 weeks" in text
        for line in ("Timeline: Treatment note", "End: Treatment note", "Treatment note: Copy"):
            assert line in text
        assert "While the rhythm rate shows: 1-3 amplitude" in text


async def test_amend_key_is_remappable_by_binding_id() -> None:
    from dataclasses import replace

    from tests.ui.conftest import quiet_settings

    _fixed_data()
    app = build_app(settings=replace(quiet_settings(), keys=(("detail_amend", "ctrl+r"),)))
    async with app.run_test(size=(100, 30)) as pilot:
        await _timeline_of_first(pilot)
        await pilot.press("a")
        assert not isinstance(app.screen, AmendNoteDialog)
        await pilot.press("ctrl+r")
        assert isinstance(app.screen, AmendNoteDialog)
