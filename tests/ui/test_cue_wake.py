"""A cue leaves the UI loop at its moment (issue 15: cues after the first were late).

The session screen sleeps on a bare loop timer until the next cue is due. Two things on the
UI side used to add to every cue's lateness: the wake was armed 2 ms after the moment (a
margin meant for Textual's timers, which can fire early; a loop timer does not), and the
phase area's flash was restyled before the cue was handed to the audio side. Measured on a
manual clock: nothing here sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sessiontimer.audio.base import CueOutcome
from sessiontimer.audio.starting import StartingAudio
from sessiontimer.core.clock import ManualClock
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app

EARLY = 0.0005  # a loop timer never fires before its moment; the wake may follow it this closely


class Service:
    """A ready service that notes, as each cue reaches it, whether the flash was already on."""

    backend_name = "simpleaudio"
    silent_reason = None

    def __init__(self, app: Any) -> None:
        self.app = app
        self.flash_first: list[bool] = []

    def play(self, cue: Any, volume: float, muted: bool, on_result: Any) -> None:
        name = self.app.screen.query_one("#phase-name")
        self.flash_first.append(name.has_class("-flash"))
        on_result(CueOutcome("played", "simpleaudio", 0.0))

    def set_master_volume(self, level: float) -> None:
        pass

    def close(self) -> None:
        pass


async def started(app: Any, pilot: Any, audio: StartingAudio) -> tuple[SessionScreen, Service]:
    service = Service(app)
    audio.ready(service)
    audio.prepared()
    for _ in range(100):
        await pilot.pause(0.01)
        if app.session is not None and app.session.engine.started:
            break
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    return screen, service


@contextmanager
def ticking(app: Any, screen: SessionScreen) -> Iterator[None]:
    """The screen's own wake armed (tests tick by hand otherwise), and disarmed after."""
    app.auto_tick = True
    try:
        yield
    finally:
        app.auto_tick = False
        if screen._wake is not None:
            screen._wake.cancel()


def wake_in(screen: SessionScreen) -> float:
    """Seconds from now until the screen's wake fires."""
    wake = screen._wake
    assert wake is not None
    return wake.when() - asyncio.get_running_loop().time()


async def test_the_wake_is_armed_for_the_cue_moment_not_after_it(clock: ManualClock) -> None:
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, _ = await started(app, pilot, audio)
        clock.advance(4.25)  # Demo's first interval is due at 5 s: 0.75 s from now
        with ticking(app, screen):
            screen.tick()
            delay = wake_in(screen)
        assert delay <= 0.75 + EARLY  # it only shrinks while the test runs: robust under load


async def test_a_wake_a_hair_early_rearms_and_the_cue_still_plays_once(
    clock: ManualClock,
) -> None:
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot, audio)
        clock.advance(5.0 - 0.0001)  # the loop woke 0.1 ms before the interval's moment
        with ticking(app, screen):
            screen.tick()
            assert len(service.flash_first) == 1  # only the start cue so far
            assert wake_in(screen) <= 0.0001 + EARLY  # armed again for what is left
            clock.advance(0.0001)
            screen.tick()
        assert len(service.flash_first) == 2  # the interval, once


async def test_the_cue_goes_to_the_audio_side_before_the_screen_is_restyled(
    clock: ManualClock,
) -> None:
    audio = StartingAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot, audio)
        screen.query_one("#phase-name").remove_class("-flash")
        clock.advance(5.0)
        screen.tick()
        assert screen.query_one("#phase-name").has_class("-flash")  # the flash still comes
    assert service.flash_first[-1] is False
