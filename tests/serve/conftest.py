"""Serve tests run the real server (aiohttp's test server on 127.0.0.1) in front of a fake app.

Skipped as a whole when the serve extra is not installed (the README's test command installs
it through the test extra; a bare install without it still runs everything else).
"""

from __future__ import annotations

import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("aiohttp", reason="the serve extra (aiohttp) is not installed")
pytest.importorskip("textual_serve", reason="the serve extra (textual-serve) is not installed")

from aiohttp.test_utils import TestClient, TestServer

from sessiontimer.serve.access import COOKIE, Access
from sessiontimer.serve.app_process import AppHost
from sessiontimer.serve.web import make_web_app

FAKE_APP = Path(__file__).with_name("fake_app.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    client: TestClient  # type: ignore[type-arg]
    access: Access
    host: AppHost
    log: Path

    def with_cookie(self) -> None:
        self.client.session.cookie_jar.update_cookies({COOKIE: self.access.token})

    @property
    def origin(self) -> str:
        return self.access.origin

    def log_lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def fake_argv() -> list[str]:
    return [sys.executable, str(FAKE_APP)]


@pytest.fixture
async def served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_argv: list[str]
) -> AsyncIterator[Served]:
    log = tmp_path / "fake-app.log"
    monkeypatch.setenv("FAKE_APP_LOG", str(log))
    port = free_port()
    access = Access(f"http://127.0.0.1:{port}")
    host = AppHost(fake_argv, grace=60.0, stop_timeout=2.0)
    server = TestServer(make_web_app(access, host), host="127.0.0.1", port=port)
    client = TestClient(server)
    await client.start_server()
    try:
        yield Served(client, access, host, log)
    finally:
        await client.close()  # runs the server's shutdown: the app is ended
