"""A terminal shrunk to almost nothing and grown back: no crash, no lost state, any screen."""

from __future__ import annotations

import pytest

from sessiontimer.core.clock import ManualClock
from tests.ui.conftest import build_app

SIZES = [(1, 1), (3, 2), (20, 6), (100, 30)]


@pytest.mark.parametrize(
    "keys", [(), ("question_mark",), ("e", "y"), ("n",), ("e", "y", "escape", "ctrl+l")]
)
async def test_shrink_and_grow(clock: ManualClock, keys: tuple[str, ...]) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        screen = type(app.screen).__name__
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        assert type(app.screen).__name__ == screen
        assert app.return_code is None


async def test_sessions_screen_is_reachable_in_that_case(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in ("e", "enter", "escape", "ctrl+l"):
            await pilot.press(key)
            await pilot.pause()
        assert type(app.screen).__name__ == "SessionsScreen"
