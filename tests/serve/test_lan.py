"""``serve --lan`` on a loopback address standing in for the LAN (127.0.0.2): HTTPS only,
the self-signed certificate's fingerprint printed and right, a QR code, the cookie Secure."""

from __future__ import annotations

import ssl
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from sessiontimer.serve import tls
from sessiontimer.serve.access import COOKIE
from tests.serve.served_app import ServedApp

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="127.0.0.2 is loopback on Linux")


@pytest.fixture
def on_lan(tmp_path: Path) -> Iterator[ServedApp]:
    app = ServedApp(tmp_path / "home", "--lan", "127.0.0.2")
    try:
        yield app
    finally:
        app.stop()
        app.close()


def _trusting(cert: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = True
    return context


async def test_the_lan_is_https_with_the_printed_fingerprint(on_lan: ServedApp) -> None:
    assert on_lan.key_url.startswith("https://127.0.0.2:")
    cert_file = on_lan.home / tls.CERT_NAME  # next to the config file
    printed = tls.users_own(cert_file, on_lan.home / tls.KEY_NAME).fingerprint
    assert printed in on_lan.output and "█" in on_lan.output  # fingerprint and QR code
    assert (
        (cert_file.stat().st_mode & 0o777)
        == (on_lan.home / tls.KEY_NAME).stat().st_mode & 0o777
        == 0o600
    )
    jar = aiohttp.CookieJar(unsafe=True)
    async with (
        aiohttp.ClientSession(cookie_jar=jar) as session,
        session.get(on_lan.key_url, ssl=_trusting(cert_file), allow_redirects=False) as response,
    ):
        assert response.status == 303
        assert response.cookies[COOKIE]["secure"] is True
        assert "wss://127.0.0.2:" in response.headers["Content-Security-Policy"]


async def test_plain_http_gets_nothing_on_the_lan(on_lan: ServedApp) -> None:
    plain = on_lan.key_url.replace("https://", "http://", 1)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientError):
            async with session.get(plain, timeout=aiohttp.ClientTimeout(total=10)) as response:
                assert response.status >= 400  # never a page: TLS or nothing
                raise aiohttp.ClientError("refused")


async def test_nothing_listens_on_127_0_0_1_when_serving_the_lan(on_lan: ServedApp) -> None:
    other = on_lan.key_url.replace("127.0.0.2", "127.0.0.1", 1)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            async with session.get(other, ssl=False, timeout=aiohttp.ClientTimeout(total=10)):
                pass
