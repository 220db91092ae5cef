"""Keys still on their way when the app quits are dropped, never a traceback."""

from __future__ import annotations

import random

import pytest
from textual import events

from sessiontimer.ui.screens.session.running import SessionScreen
from tests.reliability.test_bad_input import CHARS, LETTERS, TABLE
from tests.ui.conftest import build_app


@pytest.mark.parametrize("seed", range(4))
async def test_keys_in_flight_when_the_app_quits(seed: int) -> None:
    rng = random.Random(seed)
    app = build_app(preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        for _ in range(200):
            key = rng.choice(TABLE + LETTERS)
            app.post_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))
        await pilot.pause(rng.random() * 0.05)
    # leaving run_test shuts the app down with keys still queued and held
    assert app.return_code in (0, None)
