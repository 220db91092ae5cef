"""Hostile text in the served page (headless Chromium against the real ``sessiontimer serve``).

A client name planted in an interrupted journal, a preset and a phase named in the config,
a client and a note typed in the page: markup, a click action, a link, HTML, terminal escapes
(a title change, a screen clear), a bidi override. The page must show them as written
(controls as ``\\x1b``), run none of them (no markup action, no hyperlink, no title change, no
HTML), and the app must go on: the note reaches the journal as typed.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sessiontimer.core.config import builtin_settings
from sessiontimer.core.journal import (
    encode_line,
    make_event,
    planned_phases,
    preset_to_dict,
    session_path,
)
from tests.serve.browser.conftest import Page
from tests.serve.served_app import ServedApp, journal_events

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
PLANTED = (
    "[/b]Ann [VIP] \x1b]0;owned\x07\x1b[2J [@click=app.quit]q[/] "
    "[link='http://evil.example/']y[/link] <img src=x onerror=window.pwned=1> \u202eRLO"
)
CONFIG = """\
[[presets]]
name = "Deep [/] work [@click=app.quit]x <b>bold</b> \\u001b]0;owned2\\u0007"
[[presets.phases]]
name = "[/b]intake \\u001b[2J"
duration = "10m"
"""
TYPED_CLIENT = "[b]Bo[/b] <script>window.pwned=2</script> [@click=app.quit]z"
TYPED_NOTE = "[link='http://evil.example/']felt[/link] [/] <img src=x onerror=window.pwned=3>"
WAIT = 60.0  # seconds; a loaded CI machine, never slept: each wait ends when the text shows
HYPERLINK = re.compile(rb"\x1b\]8;[^\x07\x1b]*evil")


async def _shows(page: Page, text: str, timeout: float = WAIT) -> None:
    """Wait until the page's terminal has shown ``text``; fail with what it did show."""
    assert await page.wait_for(text, timeout), page.text()[-3000:]


def _planted_journal(home: Path) -> None:
    """An interrupted session (no session_ended) whose client is the planted name."""
    preset = builtin_settings().presets[0]
    path = session_path(home / "data" / "sessions", WALL, "abcdef")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    (home / "data").chmod(0o700)
    (home / "data" / "sessions").chmod(0o700)
    start = make_event("session_started", id="e1", at=WALL, t=0.0, app="test",
                       preset=preset_to_dict(preset), client=PLANTED,
                       planned=planned_phases(preset))  # fmt: skip
    phase = make_event("phase_started", id="e2", at=WALL, t=0.0, phase=0, run=1, target=600.0)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(encode_line(start) + encode_line(phase))


def _nothing_ran(raw: bytes) -> None:
    """No escape from the texts reached the terminal, and no link was made of them."""
    assert b"\x1b]0;owned" not in raw  # a title change, passed through
    assert HYPERLINK.search(raw) is None  # markup made into a terminal hyperlink


async def _page_is_intact(page: Page) -> None:
    js = page.page.evaluate
    assert await js("window.pwned === undefined")
    assert await js("document.querySelectorAll('img[src=\"x\"], b').length") == 0
    assert "owned" not in await page.page.title()


async def test_hostile_names_and_notes_in_the_page_are_shown_as_written_and_never_run(
    tmp_path: Path, browser: Any
) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    _planted_journal(home)
    served = ServedApp(home)
    try:
        context = await browser.new_context(viewport={"width": 1400, "height": 800})
        page = Page(await context.new_page(), [])
        await page.page.goto(served.key_url)
        # The resume offer names the planted client as written, controls made visible.
        await _shows(page, "A session was interrupted", 90)
        await _shows(page, "[/b]Ann [VIP] \\x1b]0;owned\\x07\\x1b[2J")
        await _shows(page, "[@click=app.quit]q[/]")
        await _shows(page, "onerror=window.pwned=1>")
        await page.shot("7-hostile-resume")
        await page.focus()
        # Close it (not Escape: an Escape and the next key sent together read as alt+key,
        # and the dialog would take the typed name's "c" as "continue").
        await page.page.keyboard.press("x")
        await _shows(page, "The interrupted session was closed.")
        # The Start screen: the preset named in the config, as written.
        await _shows(page, "Deep [/] work [@click=app.quit]x <b>bold</b> \\x1b]0;owned2")
        await page.page.keyboard.press("Tab")  # to the client field
        await page.page.keyboard.insert_text(TYPED_CLIENT)
        await _shows(page, "window.pwned=2</script>")
        await page.page.keyboard.press("Enter")  # the highlighted preset: the hostile one
        await _shows(page, "left in this phase")
        await _shows(page, "[/b]intake \\x1b[2J")  # the phase's name
        await page.page.keyboard.press("n")  # a free-text note
        await _shows(page, "what you noticed")
        await page.page.keyboard.insert_text(TYPED_NOTE)
        await page.page.keyboard.press("Enter")
        await _shows(page, "Saved: [link='http://evil.example/']felt")
        await page.shot("8-hostile-session")
        _nothing_ran(page.screen)
        await _page_is_intact(page)
        assert len(served.app_pids()) == 1  # nothing crashed the app
        started = [e for events in journal_events(home) for e in events]
        clients = [e.get("client") for e in started if e["type"] == "session_started"]
        assert sorted(map(str, clients)) == sorted([PLANTED, TYPED_CLIENT])
        notes = [e.get("text") for e in started if e["type"] == "note"]
        assert notes == [TYPED_NOTE]
        await context.close()
    finally:
        served.stop()
        served.close()
