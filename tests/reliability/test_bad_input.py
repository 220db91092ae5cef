"""Bad input: a flood of random keys and absurd terminal sizes, through Pilot."""

from __future__ import annotations

import random
import time

import pytest
from textual import events

from sessiontimer.core.journal_read import read_journal
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app

# The session key table (without ctrl+q: quitting on request is not bad input) and letters.
TABLE = ["space", "right", "left", "plus", "minus", "n", "u", "left_square_bracket",
         "right_square_bracket", "m", "d", "e", "question_mark", "enter", "escape", "tab",
         "f2", "ctrl+c", "backspace", "y", "c", "x", "g", "1", "2", "0"]  # fmt: skip
LETTERS = list("abcdefghijklmnopqrstuvwxyz")
CHARS = {"space": " ", "plus": "+", "minus": "-", "left_square_bracket": "[",
         "right_square_bracket": "]", "question_mark": "?", "enter": "\r", "escape": "\x1b",
         "tab": "\t", "backspace": "\x7f"}  # fmt: skip


async def test_a_flood_of_1000_random_keys() -> None:
    rng = random.Random(7)
    keys = [rng.choice(TABLE + LETTERS) for _ in range(1000)]
    app = build_app(preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.screen
        assert isinstance(session, SessionScreen)
        for key in keys:  # all queued at once: a flood, not typing
            app.post_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))
        deadline = time.monotonic() + 120  # a loaded machine: keys held after a closing key
        while time.monotonic() < deadline:  # wait for their screen (key_hold)
            await pilot.pause(0.01 if app.key_hold.holding else None)
            if app._message_queue.empty() and not app.key_hold.holding:
                break
        assert app._message_queue.empty() and not app.key_hold.holding
        assert app.is_running
        assert session.recorder.writer.flush(5)
        for held in [*app.held, *([app.session] if app.session else [])]:
            assert held.writer.flush(5)
    # Enter answers "End the session now?", so the flood ends sessions and starts new ones.
    notes = 0
    for path in sorted(app.paths.sessions_dir.rglob("*.jsonl")):
        read = read_journal(path)
        assert read.problems == [] and not read.truncated_tail
        assert read.events[0]["type"] == "session_started"
        notes += sum(e["type"] == "note" for e in read.events)
    assert notes > 10


@pytest.mark.parametrize("size", [(10, 5), (300, 100)])
async def test_absurd_terminal_sizes(size: tuple[int, int]) -> None:
    app = build_app(preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(*size)
        await pilot.press("r", "s", "right", "?", "escape")
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.recorder.writer.flush(5)
