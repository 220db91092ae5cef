"""Build the app for Pilot and snapshot tests: manual clock, no timers, visual cues only."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import pytest

from sessiontimer import paths
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import builtin_settings
from sessiontimer.core.model import AudioSettings, Settings
from sessiontimer.ui.app import SessionTimerApp, make_app

WALL = datetime(2026, 11, 24, 9, 0, 0, tzinfo=timezone.utc)


def quiet_settings() -> Settings:
    """The built-in settings with visual-only cues: tests make no sound."""
    return replace(builtin_settings(), audio=AudioSettings(backend="visual"))


class FakeAudio:
    """Answers every cue at once; ``silent_reason`` as the audio service reports it."""

    backend_name = "fake"

    def __init__(self, silent_reason: str | None = None) -> None:
        self.silent_reason = silent_reason
        self.played: list[bool] = []  # the muted flag of each cue

    def play(self, cue: Any, volume: float, muted: bool, on_result: Any) -> None:
        from sessiontimer.audio.base import CueOutcome

        self.played.append(muted)
        on_result(CueOutcome("muted" if muted else "played", "fake", 0.0))

    def set_master_volume(self, level: float) -> None:
        pass

    def close(self) -> None:
        pass


def build_app(clock: ManualClock | None = None, **kwargs: object) -> SessionTimerApp:
    app = make_app(
        kwargs.pop("settings", None) or quiet_settings(),  # type: ignore[arg-type]
        paths.resolve(),
        clock=clock or ManualClock(wall_start=WALL),
        auto_tick=False,
        keep_awake=False,
        **kwargs,  # type: ignore[arg-type]
    )
    app.reraise_errors = True
    return app


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(wall_start=WALL)


@pytest.fixture(autouse=True)
def no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes snapshots flaky."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)
