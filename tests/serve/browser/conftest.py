"""Headless Chromium for the serve tests: Debian's chromium driven by Playwright (never a
browser download), a page with what its terminal socket received and every request it made,
and the real ``sessiontimer serve`` to point it at.

The tests in this folder are skipped, with the reason, where Playwright or
/usr/bin/chromium is missing (the README's test command); CI installs both. Screenshots go to
artifacts/serve/ (git-ignored) or $SESSIONTIMER_ARTIFACTS.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.ptyapp import ANSI, ROOT
from tests.serve.served_app import ServedApp

CHROMIUM = Path("/usr/bin/chromium")
async_api = pytest.importorskip(
    "playwright.async_api", reason="Playwright is not installed (CI installs it)"
)
if sys.platform != "linux" or not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (Debian's; CI installs it)", allow_module_level=True)
ARTIFACTS = Path(os.environ.get("SESSIONTIMER_ARTIFACTS", ROOT / "artifacts" / "serve"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Page:
    """A page, what its terminal socket received (as text), and the network it used."""

    def __init__(self, page: Any, network: list[str]) -> None:
        self.page = page
        self.screen = b""
        page.on("request", lambda request: network.append(request.url))
        page.on("websocket", self._socket)

    def _socket(self, socket: Any) -> None:
        def received(payload: str | bytes) -> None:
            if isinstance(payload, bytes):
                self.screen += payload

        socket.on("framereceived", received)

    def text(self) -> str:
        return ANSI.sub(b"", self.screen).decode(errors="replace")

    async def wait_for(self, text: str, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.text():
                return True
            await asyncio.sleep(0.05)
        return False

    async def focus(self) -> None:
        """Keys go to the terminal's input element, as after a tap on the screen."""
        await self.page.focus(".xterm-helper-textarea")

    async def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedApp]:
    app = ServedApp(tmp_path / "home")
    try:
        yield app
    finally:
        app.stop()
        app.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    # Chromium's singleton socket path must fit a Unix socket name: a short temp folder,
    # not the test's (deep) one.
    short = tempfile.mkdtemp(prefix="st-chromium-", dir="/tmp")
    try:
        async with async_api.async_playwright() as playwright:
            chromium = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=ARGS, env={**os.environ, "TMPDIR": short}
            )
            try:
                yield chromium
            finally:
                await chromium.close()
    finally:
        shutil.rmtree(short, ignore_errors=True)
