"""The session screen read from across the room: clock size and contrast, the no-sound mark."""

from __future__ import annotations

from typing import Any

import pytest
from textual.color import Color

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.state import load_state
from sessiontimer.paths import resolve
from sessiontimer.ui import session_flow
from sessiontimer.ui.screens.session.running import SessionScreen
from sessiontimer.ui.widgets.phase_clock import PhaseClock
from tests.ui.conftest import FakeAudio, build_app


def _contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two opaque colours."""

    def lum(c: Color) -> float:
        def chan(v: int) -> float:
            x = v / 255
            return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

        return 0.2126 * chan(c.r) + 0.7152 * chan(c.g) + 0.0722 * chan(c.b)

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rendered_clock(app: Any) -> tuple[int, int, list[str]]:
    """Rows and columns the digits take on screen, and their lines."""
    clock = app.screen.query_one(PhaseClock)
    lines = [line for line in str(clock.render()).split("\n") if line.strip()]
    width = max(len(line.strip()) for line in lines) if lines else 0
    return len(lines), width, lines


@pytest.mark.parametrize(
    ("size", "rows"),
    [((80, 24), 5), ((100, 30), 7), ((160, 48), 11)],
)
async def test_the_clock_fills_the_room_it_has(clock: ManualClock, size, rows: int) -> None:
    app = build_app(clock, preset="Craniosacral 60", client="AB", audio=FakeAudio())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("2", "r", "s")  # notes and a running still point take their lines
        await pilot.pause()
        height, width, lines = _rendered_clock(app)
        assert height >= rows, "\n".join(lines)
        assert all(set(line) <= set(" █▀▄") for line in lines)  # solid blocks, no hairlines
        assert sum(line.count("█") for line in lines) > 4 * height  # strokes, not dots
        if size == (100, 30):
            assert width >= 100 / 3
        # Everything else still on screen: the phase, the caption, the notes, the key bar.
        shown = "\n".join(_screen_lines(app))
        for text in ("intake", "left in this phase", "still point", "Pause"):
            assert text in shown, shown


def _screen_lines(app: Any) -> list[str]:
    return [
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_update(full=True).strips
    ]


@pytest.mark.parametrize("theme", ["ember", "daylight"])
async def test_the_clock_has_contrast_and_stays_legible_when_dimmed(
    clock: ManualClock, theme: str
) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await pilot.pause()
        widget = app.screen.query_one(PhaseClock)
        background, colour = widget.background_colors[1], widget.colors[3]
        assert _contrast(colour, background) >= 7
        await pilot.press("d")
        await pilot.pause()
        background, colour = widget.background_colors[1], widget.colors[3]
        ratio = _contrast(colour, background)
        assert 3 <= ratio < 7, ratio  # dark, but legible


async def test_the_clock_repaints_only_when_its_text_changes(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        widget = app.screen.query_one(PhaseClock)
        calls: list[str] = []
        original = widget.refresh

        def counting(*args: Any, **kwargs: Any) -> Any:
            calls.append(widget.value)
            return original(*args, **kwargs)

        widget.refresh = counting  # type: ignore[method-assign]
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        for _ in range(3):
            screen.tick()  # the same second: nothing to draw
        assert calls == []
        clock.advance(1.0)
        screen.tick()
        assert len(calls) == 1


def _mark(app: Any) -> str:
    return str(app.screen.query_one("#sound-mark").render())


async def test_no_sound_device_is_marked_for_the_whole_session(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio("no sound device: ALSA refused"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert _mark(app) == "no sound: cues flash on screen"
        app.audio.silent_reason = None  # a device came back
        clock.advance(1.0)
        app.screen.tick()  # type: ignore[attr-defined]
        await pilot.pause()
        assert _mark(app) == ""


async def test_mute_and_volume_zero_are_marked(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert _mark(app) == ""
        await pilot.press("m")
        assert _mark(app) == "muted: cues flash on screen"
        await pilot.press("m")
        assert _mark(app) == ""
        for _ in range(12):
            await pilot.press("left_square_bracket")
        assert app.ui_state.volume == 0
        assert _mark(app) == "volume off: cues flash on screen"
        await pilot.press("right_square_bracket")
        assert _mark(app) == ""


async def test_mute_lasts_for_its_session_only(clock: ManualClock) -> None:
    audio = FakeAudio()
    app = build_app(clock, preset="Demo", audio=audio)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("right")  # a phase start cue, muted
        await pilot.pause()
        assert audio.played[-1] is True
        await pilot.press("e", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        session = app.screen.session  # type: ignore[attr-defined]
        session_flow.close(app, session, None)
        session_flow.start(app, app.settings.preset("Demo"), None)  # the next session
        await pilot.pause()
        assert app.screen.session is not session  # type: ignore[attr-defined]
        clock.advance(0.1)
        app.screen.tick()  # type: ignore[attr-defined]
        await pilot.pause()
        assert audio.played[-1] is False
        assert _mark(app) == ""
    assert "muted" not in resolve().state_file.read_text()
    assert load_state(resolve().state_file).volume == app.ui_state.volume
    again = build_app(ManualClock(), preset="Demo", audio=FakeAudio())
    assert again.muted is False


def _text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def _advance(app: Any, pilot: Any, clock: ManualClock, seconds: float) -> None:
    clock.advance(seconds)
    app.screen.tick()
    await pilot.pause()


async def test_the_end_screen_says_ended_early_or_complete(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _advance(app, pilot, clock, 5)
        await pilot.press("e", "enter")
        await pilot.pause()
        assert "Session ended early" in _text(app, "#end-title")
        session = app.screen.session  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert session.wait(5)
    clock = ManualClock(wall_start=clock.wall())
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _advance(app, pilot, clock, 20.01)  # arrive
        await _advance(app, pilot, clock, 30.01)  # treatment holds at its target
        await pilot.press("right", "right")  # through the open integration to closing
        await pilot.pause()
        await pilot.pause()
        await _advance(app, pilot, clock, 20.01)
        await pilot.pause()
        assert "Session complete" in _text(app, "#end-title")


async def test_an_open_phase_is_now_while_it_runs(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "open phase ahead" in _text(app, "#totals")
        await pilot.press("right", "right")  # integration: open
        await pilot.pause()
        assert "open phase now" in _text(app, "#totals")


async def test_hands_never_run_into_the_notes(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo", audio=FakeAudio())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("4", "b")  # respiratory diaphragm, a breath change
        await pilot.pause()
        region = app.screen.query_one("#region")
        notes = app.screen.query_one("#notes")
        assert "respiratory diaphragm" in str(region.render())
        assert notes.region.x >= region.region.x + len("Hands: respiratory diaphragm") + 2
        line = next(t for t in _screen_lines(app) if "Hands:" in t)
        assert "diaphragm   " in line and "breath change" in line, line


async def test_the_new_preset_name_dialog_is_centred() -> None:
    from sessiontimer.ui.dialogs.presets import NameDialog

    app = build_app(audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.push_screen(NameDialog("Name of the new preset?"))
        await pilot.pause()
        box = app.screen.query_one(".dialog").region
        assert abs((box.x + box.width / 2) - 50) <= 1, box
        assert abs((box.y + box.height / 2) - 15) <= 2, box


async def test_shorten_with_under_a_minute_left_says_why_not(clock: ManualClock) -> None:
    app = build_app(clock, preset="Craniosacral 60", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _advance(app, pilot, clock, 8 * 60 - 40)  # intake: 40 s left
        before = app.screen.recorder.engine.snapshot().target  # type: ignore[attr-defined]
        await pilot.press("minus")
        await pilot.pause()
        assert app.screen.recorder.engine.snapshot().target == before  # type: ignore[attr-defined]
        status = _text(app, "#status")
        assert "Only 40 s left" in status and "moves on now" in status, status
        assert app.screen.query_one(PhaseClock).value == "0:40"
