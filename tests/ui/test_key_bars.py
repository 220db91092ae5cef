"""Every key line fits: whole entries only, in the screen's priority order, help always there."""

from __future__ import annotations

from typing import Any

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.ui.widgets.key_bar import KeyBar
from tests.ui.conftest import FakeAudio, build_app


def _bar(app: Any) -> str:
    return app.screen.query_one(KeyBar).render().plain


def _entries(app: Any) -> set[str]:
    """Every "key label" the screen's bindings could show."""
    shown = set()
    for _node, binding, _enabled, _tip in app.screen.active_bindings.values():
        if binding.show:
            label = app.screen.query_one(KeyBar)._label(binding.action) or binding.description
            shown.add(f"{app.get_key_display(binding)} {label}".strip())
    return shown


def _check(app: Any, width: int, first: list[str]) -> None:
    bar = _bar(app)
    assert len(bar) <= width and "…" not in bar, bar
    parts = bar.split("  ")
    assert set(parts) <= _entries(app), (parts, _entries(app))  # nothing cut mid-word
    assert parts[: len(first)] == first, parts
    assert any(p.endswith(" Help") for p in parts), parts


@pytest.mark.parametrize("width", [60, 80, 100, 160])
async def test_the_session_key_line_fits(clock: ManualClock, width: int) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        _check(app, width, ["space Pause", "→ Next", "← Prev"])
        if width >= 80:
            for entry in ("n Note", "u Undo", "m Mute", "d Dim", "e End", "? Help"):
                assert entry in _bar(app).split("  "), _bar(app)
        await pilot.press("space")
        await pilot.pause()
        _check(app, width, ["space Resume", "→ Next", "← Prev"])


@pytest.mark.parametrize("width", [60, 80, 100])
async def test_the_start_key_line_fits(width: int) -> None:
    app = build_app(audio=FakeAudio())
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        _check(app, width, ["⏎ Start"])
        if width >= 80:
            assert _bar(app).split("  ")[:4] == ["⏎ Start", "^l Sessions", "^e Presets", "f1 Help"]


async def test_the_help_screen_lists_every_session_key(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from sessiontimer.ui.screens.session.running import SessionScreen

        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        for binding in SessionScreen.BINDINGS:
            key = binding.key_display or binding.key  # type: ignore[union-attr]
            assert f"  {key} " in text, (key, text)
        assert "ctrl+q" in text and "f2" in text
