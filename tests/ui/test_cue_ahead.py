"""A planned cue goes to the audio side ahead of its moment, and is taken back when it no
longer falls due then (issue 15: every cue within 20 ms, also on a loaded machine).

The worker starts a cue sent ahead exactly at its moment on the device's clock, so a late
wake-up of the app no longer moves the onset. The running-session rules in the core decide
what is due (``SessionEngine.upcoming``); the screen keeps the cue sent ahead in step after
every move, pause, mute and volume change. Driven by a manual clock: nothing here sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sessiontimer.audio.base import CueOutcome
from sessiontimer.audio.starting import StartingAudio
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal
from sessiontimer.ui import session_flow
from sessiontimer.ui.screens.session.running import AHEAD, SessionScreen
from tests.ui.conftest import build_app


@dataclass
class Sent:
    cue: Any
    volume: float
    muted: bool
    on_result: Any
    at: float | None
    sent_at: float = field(default_factory=time.monotonic)
    may_sound: bool = False  # taken back as its device held it: it fades (``Ticket``)


class Service:
    """A ready service that keeps every cue it is given; ``cancel`` takes one back."""

    backend_name = "simpleaudio"
    silent_reason = None

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.cancelled: list[Sent] = []

    def play(
        self, cue: Any, volume: float, muted: bool, on_result: Any, at: float | None = None
    ) -> Sent:
        sent = Sent(cue, volume, muted, on_result, at)
        self.sent.append(sent)
        if at is None:  # sent at its moment: answered at once, as before
            on_result(CueOutcome("muted" if muted else "played", "simpleaudio", time.monotonic()))
        return sent

    def cancel(self, ticket: Sent) -> bool:
        self.cancelled.append(ticket)
        return True

    def set_master_volume(self, level: float) -> None:
        pass

    def close(self) -> None:
        pass

    def ahead(self) -> list[Sent]:
        return [s for s in self.sent if s.at is not None]


async def started(
    app: Any, pilot: Any, service: Service | None = None
) -> tuple[SessionScreen, Service]:
    audio: StartingAudio = app.audio
    service = service or Service()
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
    app.auto_tick = True
    try:
        yield
    finally:
        app.auto_tick = False
        if screen._wake is not None:
            screen._wake.cancel()


def demo(clock: ManualClock) -> Any:
    return build_app(clock, preset="Demo", audio=StartingAudio())


async def test_a_planned_cue_goes_ahead_with_its_moment_and_only_once(clock: ManualClock) -> None:
    app = demo(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot)
        with ticking(app, screen):
            clock.advance(4.5)  # Demo's first interval is due at 5 s
            screen.tick()
            assert service.ahead() == []  # 0.5 s away: not yet
            clock.advance(0.5 - AHEAD + 0.05)  # 0.2 s before its moment
            before = time.monotonic()
            screen.tick()
            after = time.monotonic()
            (sent,) = service.ahead()
            assert sent.at is not None
            assert before + 0.2 - 0.001 <= sent.at <= after + 0.2 + 0.001  # its moment
            count = len(service.sent)
            clock.advance(0.2)
            screen.tick()  # the moment itself: it is already on its way
            assert len(service.sent) == count
            assert screen.query_one("#phase-name").has_class("-flash")  # the flash still comes
            sent.on_result(CueOutcome("played", "simpleaudio", sent.at))  # heard then
            recorder = screen.recorder
            for _ in range(100):
                await pilot.pause(0.01)
                assert recorder.writer.flush(5)
                lines = [e for e in read_journal(recorder.writer.path).events if e["type"] == "cue"]
                if any(e["kind"] == "interval" for e in lines):
                    break
        (line,) = [e for e in lines if e["kind"] == "interval"]
        assert line["outcome"] == "played" and abs(line["late"]) < 0.01  # heard at its moment
        assert service.cancelled == []


async def test_a_pause_before_the_moment_takes_the_cue_back(clock: ManualClock) -> None:
    app = demo(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot)
        with ticking(app, screen):
            clock.advance(4.9)
            screen.tick()
            (sent,) = service.ahead()
            screen.action_pause()
            assert service.cancelled == [sent]  # never heard while paused
            clock.advance(30.0)  # a long pause: nothing goes ahead meanwhile
            screen.tick()
            assert service.ahead() == [sent]
            screen.action_pause()  # resumed, 0.1 s before the interval: it goes again
            assert len(service.ahead()) == 2 and service.ahead()[1].cue == sent.cue
        assert screen.session._cues.out == 1  # the taken-back one is not waited for


async def test_a_move_before_the_moment_takes_the_cue_back(clock: ManualClock) -> None:
    app = demo(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot)
        with ticking(app, screen):
            clock.advance(4.9)
            screen.tick()
            (sent,) = service.ahead()
            at_once = len([s for s in service.sent if s.at is None])
            screen.action_next()  # on to the next phase: its own start cue, at once
            assert service.cancelled == [sent]
            assert len([s for s in service.sent if s.at is None]) == at_once + 1


async def test_mute_takes_the_cue_back_and_it_flashes_at_its_moment(clock: ManualClock) -> None:
    app = demo(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot)
        with ticking(app, screen):
            clock.advance(4.9)
            screen.tick()
            (sent,) = service.ahead()
            screen.action_mute()
            assert service.cancelled == [sent]
            clock.advance(0.1)
            screen.tick()
            last = service.sent[-1]
            assert last.at is None and last.muted and last.cue == sent.cue  # visual, at 5 s


async def test_a_volume_change_sends_the_cue_again_at_the_new_level(clock: ManualClock) -> None:
    app = demo(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot)
        with ticking(app, screen):
            clock.advance(4.9)
            screen.tick()
            (sent,) = service.ahead()
            screen.action_volume(-1)
            assert service.cancelled == [sent]
            again = service.ahead()[-1]
            assert again is not sent and again.volume < sent.volume and again.cue == sent.cue


class FadingService(Service):
    """Every cue taken back is too close to its moment to drop: it sounds a moment and
    fades, and its word (``faded``) comes from the audio thread 50 ms after the cancel."""

    def cancel(self, ticket: Sent) -> bool:
        ticket.may_sound = True
        word = CueOutcome("faded", "aplay", time.monotonic(), "cut short: taken back")
        threading.Timer(0.05, ticket.on_result, (word,)).start()
        return super().cancel(ticket)


async def test_end_at_a_cues_moment_then_closing_at_once_keeps_its_faded_line(
    clock: ManualClock,
) -> None:
    """End confirmed at the interval's moment, the End screen closed at once: the interval
    sent ahead was taken back as it began (it fades), the closing bell rang. Both lines are
    in the journal, before ``session_ended``: the close waited for the faded word."""
    app = demo(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, service = await started(app, pilot, FadingService())
        assert isinstance(service, FadingService)
        session = app.session
        assert session is not None
        with ticking(app, screen):
            clock.advance(4.9)
            screen.tick()
            (sent,) = service.ahead()
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert service.cancelled == [sent] and sent.may_sound
            session_flow.close(app, session, None)  # what the End screen's close does
        assert session.wait(5)
    events = read_journal(session.path).events
    kinds = [(e["type"], e.get("kind"), e.get("outcome")) for e in events]
    end = kinds.index(("session_ended", None, None))
    assert ("cue", "interval", "faded") in kinds[:end], kinds
    assert ("cue", "session_end", "played") in kinds[:end], kinds
