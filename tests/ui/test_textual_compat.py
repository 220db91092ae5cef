"""Each private Textual name the app uses still exists and still means what we rely on."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import pytest
from textual import events
from textual.app import App

from sessiontimer.ui import textual_compat as compat


def test_the_key_parser_has_the_escape_deadline_we_sleep_until() -> None:
    parser = compat.XTermParser(False)
    assert compat.has_deadline(parser)
    assert compat.parser_deadline(parser) is None and compat.seconds_to_deadline(parser) is None
    assert list(parser.feed("\x1b")) == []  # a lone Escape waits for its deadline
    wait = compat.seconds_to_deadline(parser)
    assert wait is not None and 0 < wait <= 1.0
    deadline = compat.parser_deadline(parser)
    assert deadline is not None and deadline > compat.get_time() - 1


def test_a_lone_escape_the_parser_holds_can_be_delivered_before_its_deadline() -> None:
    parser = compat.XTermParser(False)
    assert list(parser.feed("\x1b")) == []
    keys = [e.key for e in compat.deliver_pending(parser) if isinstance(e, events.Key)]
    assert keys == ["escape"] and compat.parser_deadline(parser) is None
    assert [e.key for e in parser.feed("c") if isinstance(e, events.Key)] == ["c"]


def test_the_parser_turns_text_into_keys() -> None:
    keys = [e for e in compat.XTermParser(False).feed("s") if isinstance(e, events.Key)]
    assert [k.key for k in keys] == ["s"]


def test_the_packet_stream_splits_data_and_meta() -> None:
    stream = compat.ByteStream()
    packet = b"D" + (2).to_bytes(4, "big") + b"hi" + b"M" + (2).to_bytes(4, "big") + b"{}"
    assert list(stream.feed(packet)) == [("D", b"hi"), ("M", b"{}")]


def test_the_web_driver_stops_its_input_loop_with_this_exception() -> None:
    assert issubclass(compat.ExitInput, Exception)


def test_the_app_keeps_its_driver_where_we_read_it() -> None:
    from textual.app import App

    app: App[None] = App()
    assert compat.app_driver(app) is None  # not started: no driver yet
    assert "_driver" in vars(app)


async def test_an_unhandled_error_reaches_the_hook_before_textual() -> None:
    seen: list[Exception] = []

    class Hooked(compat.UnhandledErrorApp[None]):
        def on_mount(self) -> None:
            raise ValueError("boom")

        def unhandled_error(self, error: Exception) -> bool:
            seen.append(error)
            self.exit()
            compat.set_return_code(self, 7)
            return True

    app = Hooked()
    await app.run_async(headless=True)
    assert [type(e) for e in seen] == [ValueError]
    assert app.return_code == 7  # set_return_code is what return_code reads


async def test_the_first_screen_made_switchable_can_be_switched_away() -> None:
    from textual.app import App
    from textual.screen import Screen

    class Two(App[None]):
        def get_default_screen(self) -> Screen[None]:
            return compat.switchable_first_screen(Screen())

    app = Two()
    async with app.run_test() as pilot:
        first = app.screen
        await app.switch_screen(Screen())
        await pilot.pause()
        assert app.screen is not first and len(app.screen_stack) == 1


def test_the_web_driver_names_are_imported_only_when_asked_for() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sessiontimer.ui.textual_compat as c, sessiontimer.ui.drivers.terminal;"
        "assert 'textual.drivers.web_driver' not in sys.modules;"
        "c.ExitInput; assert 'textual.drivers.web_driver' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_linux_driver_keeps_its_output_thread_where_we_read_it() -> None:
    import inspect

    from textual.drivers.linux_driver import LinuxDriver

    from sessiontimer.ui.textual_compat import output_ended

    assert "self._writer_thread" in inspect.getsource(LinuxDriver.__init__)
    assert not output_ended(object())  # no output thread yet: writes go on as Textual's


async def test_a_driver_gives_its_key_parser_and_its_loop() -> None:
    import asyncio

    from textual.app import App

    from sessiontimer.ui.drivers.terminal import KeyWaitLinuxDriver

    app = App()
    driver = KeyWaitLinuxDriver(app)
    assert compat.driver_app(driver) is app
    parser = compat.key_parser(driver)
    assert isinstance(parser, compat.XTermParser) and compat.has_deadline(parser)
    assert compat.driver_loop(driver) is asyncio.get_running_loop()


async def test_a_forgotten_signal_handler_leaves_the_signal_as_it_is() -> None:
    """The loop forgets its handler and the signal stays ignored: asyncio's own removal
    would put the default action back (for SIGTERM, a kill) before anything else could."""
    loop = asyncio.get_running_loop()
    before = signal.getsignal(signal.SIGUSR1)
    try:
        loop.add_signal_handler(signal.SIGUSR1, lambda: None)
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        compat.forget_signal_handler(loop, signal.SIGUSR1)
        assert signal.getsignal(signal.SIGUSR1) is signal.SIG_IGN
        assert not loop.remove_signal_handler(signal.SIGUSR1)  # nothing left to remove
    finally:
        signal.signal(signal.SIGUSR1, before)


@pytest.mark.parametrize("at_once", [True, False])
async def test_a_paint_at_once_screen_paints_without_textuals_frame_timer(at_once: bool) -> None:
    """The private names PaintAtOnceScreen uses still paint a change: at once when it is done,
    never through the 60 Hz frame timer (which cost the loop a second wake-up a second);
    Textual's own screen (the other case) still resumes that timer."""
    from textual.screen import Screen
    from textual.widgets import Static

    from sessiontimer.ui.textual_compat import PaintAtOnceScreen

    base = PaintAtOnceScreen if at_once else Screen

    class Clock(base):  # type: ignore[valid-type,misc]
        def compose(self) -> Any:
            yield Static("7:46")

    app: App[None] = App()
    async with app.run_test() as pilot:
        screen = Clock()
        await app.push_screen(screen)
        await pilot.pause()
        resumed, painted = [], []
        timer = screen._update_timer
        real_resume, real_refresh = timer.resume, screen._compositor_refresh
        timer.resume = lambda: (resumed.append(1), real_resume())  # type: ignore[method-assign]
        screen._compositor_refresh = lambda: (painted.append(1), real_refresh())
        screen.query_one(Static).update("7:45")
        await pilot.pause()
        await pilot.pause()
        assert painted
        assert bool(resumed) is not at_once
        assert screen.query_one(Static).render().plain == "7:45"  # type: ignore[union-attr]


async def test_the_linux_driver_writes_to_the_file_we_read() -> None:
    import sys

    from textual.drivers.linux_driver import LinuxDriver

    driver = LinuxDriver(App())
    assert compat.driver_file(driver) is sys.__stderr__


async def test_default_css_parsed_ahead_is_not_parsed_again_at_the_first_mount(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Parsed ahead, a widget's (and its module kin's) default CSS is what Textual finds at
    the first mount: nothing is parsed then, and the widget is styled as it would be."""
    from textual.css.stylesheet import Stylesheet
    from textual.widgets import ProgressBar

    parses: list[int] = []
    real_parse = Stylesheet.parse

    def counted(self: Stylesheet) -> None:
        parses.append(1)
        real_parse(self)

    async def mounted(ahead: bool) -> tuple[int, list[tuple[str, str]]]:
        app: App[None] = App()
        async with app.run_test() as pilot:
            await pilot.pause()
            if ahead:
                compat.preparse_default_css(app, [ProgressBar])
            parses.clear()
            bar = ProgressBar(total=10)
            await app.screen.mount(bar)
            bar.advance(4)
            await pilot.pause()
            styles = [(type(w).__name__, w.styles.css) for w in bar.walk_children(with_self=True)]
            return len(parses), styles

    monkeypatch.setattr(Stylesheet, "parse", counted)
    cold_parses, cold_styles = await mounted(ahead=False)
    warm_parses, warm_styles = await mounted(ahead=True)
    assert cold_parses >= 1  # the check can see a parse at the mount
    assert warm_parses == 0
    assert [name for name, _ in warm_styles] == [
        "ProgressBar", "Bar", "PercentageStatus", "ETAStatus"
    ]  # fmt: skip
    assert warm_styles == cold_styles


async def test_a_screen_started_laid_out_and_rendered_offscreen_shows_without_redoing_it() -> None:
    """Started hidden, a screen composes and mounts and the app's screen stays; laid out,
    its widgets have their size; rendered, its first frame as it is pushed (styles kept, as
    the Sessions screen keeps them) draws no line again."""
    from textual.screen import Screen
    from textual.strip import Strip
    from textual.widget import Widget

    drawn: list[int] = []

    class Lines(Widget):
        def render_line(self, y: int) -> Strip:
            drawn.append(y)
            return Strip.blank(self.size.width)

    class Hidden(Screen[None]):
        def compose(self) -> Any:
            yield Lines()

        def on_mount(self) -> None:
            self.mounted = True

        def on_screen_resume(self, event: events.ScreenResume) -> None:
            event.refresh_styles = False

    app: App[None] = App()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        shown = app.screen
        hidden = Hidden()
        compat.start_offscreen(app, hidden)
        await pilot.pause()
        lines = hidden.query_one(Lines)
        assert getattr(hidden, "mounted", False) and app.screen is shown
        assert lines.size.area == 0
        compat.lay_out_offscreen(hidden, app.size)
        await pilot.pause()
        assert tuple(lines.size) == (40, 10)
        compat.render_offscreen(hidden)
        assert len(drawn) == 10
        drawn.clear()
        await app.push_screen(hidden)
        await pilot.pause()
        assert app.screen is hidden
        assert drawn == []


async def test_the_css_generation_changes_with_the_theme() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        await pilot.pause()
        before = compat.css_generation(app)
        assert compat.css_generation(app) == before
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert compat.css_generation(app) != before


async def test_the_stylesheet_takes_the_theme_s_variables_before_its_first_parse() -> None:
    """A theme set without its watcher (the saved one, at start): the stylesheet is given
    the theme's colours, so its first parse is the only one."""
    from sessiontimer.ui import textual_compat, theme

    app = App[None]()
    async with app.run_test():
        for t in theme.THEMES:
            app.register_theme(t)
        seen = []
        for t in theme.THEMES:
            app.set_reactive(App.theme, t.name)
            textual_compat.set_css_variables(app)
            assert app.stylesheet._variables == app.get_css_variables()  # what Textual reads
            seen.append(app.stylesheet._variables["primary"])
        assert seen[0] != seen[1]  # each theme's own colours, not the first one's
