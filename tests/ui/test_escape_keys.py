"""An Escape typed just before another key is read as Escape, then that key (never alt+key).

Textual's parser reads ESC and whatever follows within 100 ms as one key: ESC c is alt+c,
ESC Tab shift+tab, ESC Enter enter, ESC space a space. Fed through ``EscapeFirst`` (as both
drivers feed it), the same bytes give Escape first; sequences a terminal sends stay whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from sessiontimer.core.clock import ManualClock
from sessiontimer.ui.dialogs.session import ResumeDialog
from sessiontimer.ui.drivers.escape_keys import EscapeFirst, split_alt
from sessiontimer.ui.screens.session.start import StartScreen
from sessiontimer.ui.textual_compat import XTermParser
from tests.ui.conftest import build_app
from tests.ui.test_start_screen import crashed_session


def _keys(*reads: str) -> list[str]:
    feeder = EscapeFirst(XTermParser(False))
    out: list[str] = []
    for text in reads:
        for event in feeder.feed(text):
            out.append(event.key if isinstance(event, events.Key) else type(event).__name__)
    return out


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("\x1bc", ["escape", "c"]),
        ("\x1b\tcarla", ["escape", "tab", "c", "a", "r", "l", "a"]),
        ("\x1b\r", ["escape", "enter"]),
        ("\x1b ", ["escape", "space"]),
        ("\x1bC", ["escape", "C"]),
        ("\x1b,", ["escape", "comma"]),
        ("x\x1bcy", ["x", "escape", "c", "y"]),
        ("\x1b\x1bc", ["escape", "escape", "c"]),
        ("\x1b[A\x1bx", ["up", "escape", "x"]),  # a sequence stays whole
        ("\x1b[1;3A", ["alt+up"]),
        ("\x1bOP", ["f1"]),
        ("\x1b[27u", ["escape"]),  # the kitty protocol's Escape
        ("\x1b\x7f", ["ctrl+w"]),  # alt+backspace, as Textual reads it (delete a word)
    ],
)
def test_an_escape_before_a_key_is_escape_then_the_key(typed: str, keys: list[str]) -> None:
    assert _keys(typed) == keys


def test_an_escape_at_the_end_of_one_read_and_its_key_in_the_next() -> None:
    assert _keys("\x1b", "c") == ["escape", "c"]  # typed ~50 ms apart: two reads
    assert _keys("\x1b", "\r") == ["escape", "enter"]
    assert _keys("\x1b", "[A") == ["up"]  # a sequence split across reads stays one key


def test_nothing_is_split_inside_a_paste() -> None:
    assert _keys("\x1b[200~a\x1bcb\x1b[201~") == _plain("\x1b[200~a\x1bcb\x1b[201~")
    assert "Paste" in _keys("\x1b[200~", "a\x1bc", "b\x1b[201~")


def _plain(text: str) -> list[str]:
    parser = XTermParser(False)
    return [e.key if isinstance(e, events.Key) else type(e).__name__ for e in parser.feed(text)]


def test_a_key_read_as_alt_is_split_into_escape_and_the_key() -> None:
    escape, key = split_alt(events.Key("alt+c", "c")) or (None, None)
    assert escape is not None and escape.key == "escape"
    assert key is not None and (key.key, key.character) == ("c", "c")
    split = split_alt(events.Key("alt+shift+c", "C"))
    assert split is not None and split[1].key == "C"
    for kept in (
        events.Key("alt+up", None),
        events.Key("c", "c"),
        events.Key("alt+backspace", None),
    ):
        assert split_alt(kept) is None


async def _burst(app: Any, *keys: str) -> None:
    """Keys posted at once, as from one read of the terminal (Pilot waits after each)."""
    for key in keys:
        char = {"tab": "\t", "escape": "\x1b", "enter": "\r"}.get(key, key)
        app.post_message(events.Key(key, char))


async def _until(pilot: Any, done: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        await pilot.pause(0.02)


def _client(app: Any) -> str:
    """The client field's text ("" while Start is not composed yet)."""
    found = app.screen.query("#client").results(Input)
    return next((str(field.value) for field in found), "")


async def test_tab_and_a_name_in_one_burst_reach_the_client_field(clock: ManualClock) -> None:
    """The letters were routed to the preset list before the Tab had moved the focus."""
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "Start")
        await pilot.pause()
        await _burst(app, "tab", *"carla")
        await _until(pilot, lambda: _client(app) == "carla", f"the name (field: {_client(app)!r})")


async def test_tab_then_a_pasted_name_in_one_burst_reach_the_client_field(
    clock: ManualClock,
) -> None:
    """A paste right after Tab (one read, as a page's terminal or a fast hand sends it) went to
    the preset list, which drops pastes: the session started without the client's name."""
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "Start")
        await pilot.pause()
        await _burst(app, "tab")
        app.post_message(events.Paste("[b]Ann[/b] Lee"))
        await _burst(app, *"!")
        await _until(
            pilot, lambda: _client(app) == "[b]Ann[/b] Lee!", f"the name (field: {_client(app)!r})"
        )


async def test_escape_tab_and_a_name_at_once_put_the_offer_off(clock: ManualClock) -> None:
    path = Path(crashed_session(clock))
    before = path.read_bytes()
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the offer")
        await _burst(app, "escape", "tab", *"carla")
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "Start")
        await _until(pilot, lambda: _client(app) == "carla", f"the name (field: {_client(app)!r})")
        assert app.session is None
    assert path.read_bytes() == before


async def test_alt_c_on_the_offer_is_escape_then_c_never_continue(clock: ManualClock) -> None:
    path = Path(crashed_session(clock))
    before = path.read_bytes()
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the offer")
        await pilot.press("alt+c")
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "Start")
        await pilot.press("c", "g")  # the offer is gone: these answer nothing
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.session is None
    assert path.read_bytes() == before
