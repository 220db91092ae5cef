"""The one helper for text from people and files: never markup, never terminal control."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.ui.plain_text import plain, visible_controls


def test_markup_is_shown_as_written() -> None:
    for text in ["[/b]x", "Anna [VIP]", "[@click=app.quit]quit[/]", "[link=http://x]y[/link]"]:
        assert plain(text).plain == text


def test_controls_are_made_visible() -> None:
    assert visible_controls("a\x1b[2Jb\x07\x9b") == "a\\x1b[2Jb\\x07\\x9b"
    assert visible_controls("one\ntwo") == "one\ntwo"
    assert visible_controls("one\ntwo", newlines=False) == "one\\ntwo"
    assert visible_controls("a\rb\tc") == "a\\x0db c"


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    shown = plain(text, newlines=False).plain
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in shown)
