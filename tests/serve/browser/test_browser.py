"""Headless Chromium (Debian's, driven by Playwright; never a browser download) against the
real ``sessiontimer serve`` on 127.0.0.1: the key, the cookie and the refusals as a browser
meets them, a note typed in the page reaching the journal, a second tab, a closed tab coming
back to the same session, and every request the browser made staying on 127.0.0.1.

Skipped, with the reason, where Playwright or /usr/bin/chromium is missing (tests/serve/
browser/conftest.py). A screenshot of each screen goes to artifacts/serve/ (git-ignored) or
$SESSIONTIMER_ARTIFACTS.
"""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.serve.browser.conftest import Page
from tests.serve.conftest import free_port
from tests.serve.served_app import ServedApp, journal_events


def _only_loopback(network: list[str]) -> None:
    assert network
    hosts = {urlsplit(url).hostname for url in network if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, network


async def _journal_note(home: Path, tag: str, timeout: float = 10.0) -> float:
    """Seconds until a note with ``tag`` is in the journal (fsynced before it is shown)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        for events in journal_events(home):
            if any(e["type"] == "note" and e.get("tag") == tag for e in events):
                return time.monotonic() - started
        await asyncio.sleep(0.005)
    raise AssertionError(f"no {tag} note in the journal after {timeout} s")


async def test_key_cookie_session_and_a_note_in_the_journal(
    served: ServedApp, browser: Any
) -> None:
    context = await browser.new_context(viewport={"width": 1100, "height": 700})
    network: list[str] = []
    page = Page(await context.new_page(), network)
    started = time.monotonic()
    await page.page.goto(served.key_url)
    assert page.page.url == served.origin + "/"  # the key left the address bar
    assert await page.wait_for("Craniosacral 60")
    load = time.monotonic() - started
    (cookie,) = await context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert await page.page.evaluate("document.cookie") == ""  # HttpOnly: no script reads it
    await page.shot("1-start")
    await page.focus()
    await page.page.keyboard.press("Enter")  # a key press also unlocks the page's audio
    assert await page.wait_for("left in this phase")
    await page.shot("2-session")
    # the first phase's start cue plays in the page too: it fetches the bundled sound
    deadline = time.monotonic() + 20
    while not any(u.endswith("/sounds/singing-bowl.wav") for u in network):
        assert time.monotonic() < deadline, network
        await asyncio.sleep(0.05)
    # fetched is not yet played: decoding and starting it take a moment more
    while await page.page.evaluate("window.sessiontimerPage.cuesPlayed") < 1:
        assert time.monotonic() < deadline, "the page fetched the cue but never played it"
        await asyncio.sleep(0.05)
    assert await page.page.evaluate("window.sessiontimerPage.sessionRunning") is True
    await page.page.keyboard.press("r")
    note = await _journal_note(served.home, "release")
    assert await page.wait_for("Saved: release")
    print(f"\npage load to Start screen {load * 1000:.0f} ms; key to journal {note * 1000:.0f} ms")
    _only_loopback(network)
    await context.close()


async def test_no_key_or_no_cookie_is_refused_in_the_browser(
    served: ServedApp, browser: Any
) -> None:
    apps = served.app_pids()  # the one app, started with the server, before any tab
    context = await browser.new_context()
    page = await context.new_page()
    for url in (served.origin + "/", served.origin + "/?key=wrong", served.origin + "/static/"):
        response = await page.goto(url)
        assert response is not None and response.status == 403, url
    await Page(page, []).shot("0-refused")
    assert await context.cookies() == []
    assert served.app_pids() == apps  # no app started for a refused browser
    await context.close()


class _Evil(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        page = (
            "<script>const s = new WebSocket('" + self.target + "');"
            "s.onopen = () => { document.title = 'open'; s.send(JSON.stringify(['stdin', 'r'])); };"
            "s.onerror = s.onclose = () => { document.title = 'refused'; };</script>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: object) -> None:
        pass


async def test_a_page_from_another_origin_cannot_open_the_session(
    served: ServedApp, browser: Any
) -> None:
    """Another port on 127.0.0.1 is the same *site*: the cookie goes along; Origin stops it."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(served.key_url)  # the practitioner's own tab holds the cookie
    evil_port = free_port()
    _Evil.target = served.origin.replace("http", "ws", 1) + "/ws"
    evil = ThreadingHTTPServer(("127.0.0.1", evil_port), _Evil)
    thread = threading.Thread(target=evil.serve_forever, daemon=True)
    thread.start()
    try:
        await page.close()
        await asyncio.sleep(0.5)
        pids_before = served.app_pids()
        attacker = await context.new_page()
        await attacker.goto(f"http://127.0.0.1:{evil_port}/")
        await attacker.wait_for_function("document.title !== ''", timeout=15000)
        assert await attacker.title() == "refused"
        assert served.app_pids() == pids_before
    finally:
        evil.shutdown()
        evil.server_close()
    await context.close()


async def test_a_second_tab_takes_over_and_a_closed_tab_comes_back_to_the_session(
    served: ServedApp, browser: Any
) -> None:
    context = await browser.new_context(viewport={"width": 1100, "height": 700})
    network: list[str] = []
    first = Page(await context.new_page(), network)
    await first.page.goto(served.key_url)
    assert await first.wait_for("Craniosacral 60")
    await first.focus()
    await first.page.keyboard.press("Enter")
    assert await first.wait_for("left in this phase")
    (pid,) = served.app_pids()
    second = Page(await context.new_page(), network)
    await second.page.goto(served.origin + "/")
    await second.page.wait_for_selector("#take-over", state="visible", timeout=20000)
    await second.shot("3-second-tab")
    await second.page.click("#take-over")
    assert await second.wait_for("left in this phase")
    await second.focus()
    await first.page.wait_for_selector("#reconnect", state="visible", timeout=20000)
    assert "another tab" in await first.page.inner_text("#closed-message")
    await first.shot("4-taken-over")
    assert served.app_pids() == [pid]
    await second.page.keyboard.press("h")
    await _journal_note(served.home, "heat")
    await second.page.close()
    await first.page.close()
    await asyncio.sleep(1.0)
    assert served.app_pids() == [pid]  # no tab, the session runs on
    again = Page(await context.new_page(), network)
    await again.page.goto(served.origin + "/")
    assert await again.wait_for("left in this phase")
    await again.shot("5-reopened")
    await again.focus()
    await again.page.keyboard.press("r")
    await _journal_note(served.home, "release")
    (events,) = journal_events(served.home)  # one session throughout
    assert [e.get("tag") for e in events if e["type"] == "note"] == ["heat", "release"]
    assert served.app_pids() == [pid]
    _only_loopback(network)
    await context.close()
