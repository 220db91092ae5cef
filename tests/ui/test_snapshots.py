"""Snapshots of every treatment-room screen at 80x24, 100x30 and 160x48, and at the smallest
size we support, 60x20. Cues go to a fake audio service, so the no-sound mark shows only
where a test asks for it."""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from sessiontimer.core.clock import ManualClock
from tests.ui.conftest import WALL, FakeAudio, build_app

SIZES = [(100, 30), (60, 20), (80, 24), (160, 48)]
FIXED = Path(tempfile.gettempdir()) / "sessiontimer-snapshots"


@pytest.fixture(autouse=True)
def fixed_paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The help screen shows paths: make them the same on every run.

    The folder is the same for every checkout on the machine, so two test runs at once would
    share its session lock and journals: each test holds a lock on it while it runs.
    """
    with open(f"{FIXED}.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        shutil.rmtree(FIXED, ignore_errors=True)
        monkeypatch.setenv("SESSIONTIMER_CONFIG", str(FIXED / "config.toml"))
        monkeypatch.setenv("SESSIONTIMER_DATA_DIR", str(FIXED / "data"))
        monkeypatch.setenv("SESSIONTIMER_STATE_DIR", str(FIXED / "state"))
        yield


Before = Callable[..., Awaitable[None]]


def session_app(
    clock: ManualClock, preset: str = "Craniosacral 60", silent_reason: str | None = None
):
    return build_app(clock, preset=preset, client="A.B.", audio=FakeAudio(silent_reason))


async def _tick(pilot, seconds: float) -> None:
    pilot.app.clock.advance(seconds)
    pilot.app.screen.tick()
    await pilot.pause()


def _running(clock: ManualClock) -> Before:
    async def before(pilot) -> None:
        await pilot.pause()
        await _tick(pilot, 8 * 60 + 13 * 60 + 95)  # listening, 95 s in
        await pilot.press("2", "r", "s")
        await _saved(pilot)
        await _tick(pilot, 30)
        pilot.app.screen.query_one("#phase-name").remove_class("-flash")
        await pilot.pause()

    return before


async def _saved(pilot) -> None:
    """Until the last note's line is on disk and said so ("Saved: …"): on a loaded machine
    the journal's writer answered after the snapshot was taken (CI once)."""
    status = pilot.app.screen.query_one("#status")
    for _ in range(500):
        if not status.has_class("-pending"):
            return
        await pilot.pause(0.01)
    raise AssertionError("the note's journal line never reached the disk")


@pytest.mark.parametrize("size", SIZES)
def test_start(snap_compare, size) -> None:
    assert snap_compare(build_app(ManualClock(wall_start=WALL)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_session_running(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)
    assert snap_compare(session_app(clock), run_before=_running(clock), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_session_paused(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)
    running = _running(clock)

    async def before(pilot) -> None:
        await running(pilot)
        await pilot.press("space")

    assert snap_compare(session_app(clock), run_before=before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_session_overtime(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)

    async def before(pilot) -> None:
        await pilot.pause()
        await _tick(pilot, 20 * 60)  # treatment begins
        await _tick(pilot, 30 * 60 + 185)  # 3:05 over
        pilot.app.screen.query_one("#phase-name").remove_class("-flash")
        await pilot.pause()

    assert snap_compare(session_app(clock), run_before=before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_session_open_phase(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)

    async def before(pilot) -> None:
        await pilot.pause()
        await pilot.press("right", "right")  # Demo: integration is open
        await _tick(pilot, 42)
        pilot.app.screen.query_one("#phase-name").remove_class("-flash")
        await pilot.pause()

    assert snap_compare(session_app(clock, "Demo"), run_before=before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_session_dim(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)
    running = _running(clock)

    async def before(pilot) -> None:
        await running(pilot)
        await pilot.press("d", "h")

    assert snap_compare(session_app(clock), run_before=before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_session_muted(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)
    running = _running(clock)

    async def before(pilot) -> None:
        await running(pilot)
        await pilot.press("m")

    assert snap_compare(session_app(clock), run_before=before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_session_no_sound(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)
    app = session_app(clock, silent_reason="no sound device: ALSA found no card")
    assert snap_compare(app, run_before=_running(clock), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_end(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)
    running = _running(clock)

    async def before(pilot) -> None:
        await running(pilot)
        await pilot.press("e", "enter")
        await pilot.pause()

    assert snap_compare(session_app(clock), run_before=before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size) -> None:
    clock = ManualClock(wall_start=WALL)

    async def before(pilot) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#phase-name").remove_class("-flash")
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(session_app(clock), run_before=before, terminal_size=size)
