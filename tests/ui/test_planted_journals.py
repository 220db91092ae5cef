"""A planted or damaged journal never bricks the start: it is said in words and skipped."""

from __future__ import annotations

import json
from pathlib import Path

from sessiontimer.core.clock import ManualClock
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app
from tests.ui.test_start_screen import crashed_session


def _append(path: str, **event: object) -> None:
    with open(path, "ab") as f:
        f.write(json.dumps({"v": 1, **event}).encode() + b"\n")


async def _started(app: object, pilot: object) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]


async def test_a_planted_phase_and_a_naive_wall_time_still_resume(clock: ManualClock) -> None:
    path = crashed_session(clock)
    checkpoint = {"type": "checkpoint", "id": "e90", "run": 1, "target": 600.0, "paused": False}
    _append(path, **checkpoint, t=600, phase=99, phase_elapsed=60, at="2026-11-24T09:10:00+00:00")
    _append(path, **checkpoint, t=600, phase=1, phase_elapsed=60, at="2026-11-24T09:10:00")
    clock.advance(120)
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(app, pilot)
        assert type(app.screen).__name__ == "ResumeDialog"
        await pilot.press("c")  # continue: the gap is measured from an offset-less time
        await app.workers.wait_for_complete()  # the journal is read in a worker
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.recorder.engine.snapshot().phase_index == 1
        app.screen.recorder.writer.flush(5)


async def test_an_unreadable_journal_is_named_and_the_others_offered(clock: ManualClock) -> None:
    path = Path(crashed_session(clock))
    damaged = path.with_name("2099-01-01T000000-zzzzzz.jsonl")
    damaged.mkdir()  # a folder where a journal should be: reading it fails
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(app, pilot)
        assert type(app.screen).__name__ == "ResumeDialog"
        told = [n.message for n in app._notifications]
        assert any(f"a journal could not be read: {damaged}:" in m for m in told), told
