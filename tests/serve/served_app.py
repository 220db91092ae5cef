"""The real ``sessiontimer serve`` in a subprocess on 127.0.0.1, and a tab that talks to it.

Used by the end-to-end tests (aiohttp as the browser) and the Chromium tests. Every request
goes to 127.0.0.1 only; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.reliability.ptyapp import ANSI, ROOT, app_env
from tests.serve.conftest import free_port

URL = re.compile(r"(https?://127\.0\.0\.[0-9]+:[0-9]+/\?key=[A-Za-z0-9_-]+)")


class ServedApp:
    """``python -m sessiontimer serve`` with private folders under ``home``."""

    def __init__(self, home: Path, *args: str) -> None:
        self.home = home
        self.port = free_port()
        (home / "config.toml").parent.mkdir(parents=True, exist_ok=True)
        (home / "config.toml").touch()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sessiontimer", "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=app_env(home),
            start_new_session=True,
        )
        self.output = ""
        self.key_url = self._read_url(60)
        self.origin = self.key_url.split("/?", 1)[0]

    def _read_url(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 65536).decode(errors="replace")
                if not chunk:
                    break
                self.output += chunk
                if (found := URL.search(self.output)) and "ctrl+c" in self.output:
                    return found.group(1)
        raise AssertionError(f"no URL printed: {self.output!r}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        assert self.proc.stdout is not None
        self.output += self.proc.stdout.read().decode(errors="replace")
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def app_pids(self) -> list[int]:
        """The served app processes (children of the server), from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            fields = stat.rsplit(") ", 1)[1].split()
            if int(fields[1]) == self.proc.pid and cmdline[1:3] == [b"-m", b"sessiontimer"]:
                pids.append(int(entry.name))
        return pids


class Tab:
    """A browser tab, as far as the server can tell: the cookie, the Origin, the socket."""

    def __init__(self, served: ServedApp) -> None:
        self.served = served
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self.screen = b""
        self.page_messages: list[object] = []

    async def open(self) -> None:
        async with self.session.get(self.served.key_url) as response:
            assert response.status == 200, response.status  # followed the redirect to "/"
        self.socket = await self.session.ws_connect(
            f"{self.served.origin.replace('http', 'ws', 1)}/ws?width=100&height=30",
            headers={"Origin": self.served.origin},
        )

    async def keys(self, text: str) -> None:
        assert self.socket is not None
        await self.socket.send_str(json.dumps(["stdin", text]))

    async def wait_for(self, text: str, timeout: float = 30.0) -> bool:
        """Read the screen stream until ``text`` appears in it (escape codes removed)."""
        assert self.socket is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text.encode() in ANSI.sub(b"", self.screen):
                return True
            try:
                message = await self.socket.receive(timeout=max(0.05, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                break
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.page_messages.append(json.loads(message.data))
            else:
                break
        return text.encode() in ANSI.sub(b"", self.screen)

    def mark(self) -> None:
        self.screen = b""

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        await self.session.close()


def journal_events(home: Path) -> list[list[dict[str, object]]]:
    from sessiontimer.core.journal_read import read_journal

    paths = sorted((home / "data" / "sessions").rglob("*.jsonl"))
    return [read_journal(p).events for p in paths]
