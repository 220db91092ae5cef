"""Each way in that must be refused is refused: no key, a wrong key, no cookie, a forged
cookie, a foreign Origin or Host, a folder listing, a path out of the static folders."""

from __future__ import annotations

import re

import aiohttp
import pytest

from sessiontimer.serve.access import COOKIE, Access, content_policy
from tests.serve.conftest import Served

PROTECTED = [
    "/",
    "/ws",
    "/static/js/textual.js",
    "/static/css/xterm.css",
    "/assets/serve.js",
    "/sounds/soft-bell.wav",
]


@pytest.mark.parametrize("path", PROTECTED)
async def test_without_the_cookie_everything_is_refused(served: Served, path: str) -> None:
    response = await served.client.get(path, allow_redirects=False)
    assert response.status == 403
    if path != "/ws":  # the socket is refused for its missing Origin first
        assert "printed" in await response.text()
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_a_wrong_key_is_refused_and_sets_no_cookie(served: Served) -> None:
    wrong = served.access.key[:-1] + ("A" if served.access.key[-1] != "A" else "B")
    for key in (wrong, "", served.access.key + "x", served.access.token, "k" * 4_000, "%00"):
        response = await served.client.get(f"/?key={key}", allow_redirects=False)
        assert response.status == 403, key
        assert COOKIE not in response.cookies
    assert len(served.client.session.cookie_jar) == 0


async def test_the_key_buys_a_strict_httponly_cookie_and_leaves_the_address(
    served: Served,
) -> None:
    response = await served.client.get(f"/?key={served.access.key}", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/"  # the key is gone from the address bar
    cookie = response.cookies[COOKIE]
    assert cookie.value == served.access.token != served.access.key
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["secure"]  # plain HTTP on loopback; see the HTTPS test below
    page = await served.client.get("/")  # the jar now holds the cookie
    assert page.status == 200
    assert "textual-terminal" in await page.text()


async def test_a_forged_cookie_is_refused(served: Served) -> None:
    for value in ("", "x", served.access.key, served.access.token[:-1]):
        served.client.session.cookie_jar.clear()
        served.client.session.cookie_jar.update_cookies({COOKIE: value})
        assert (await served.client.get("/")).status == 403, value


async def test_the_page_asks_no_other_host_for_anything(served: Served) -> None:
    served.with_cookie()
    response = await served.client.get("/")
    page = await response.text()
    urls = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert urls and all(u.startswith("/") or u == "data:," for u in urls), urls
    assert "googleapis" not in page and "//" not in "".join(u for u in urls if u != "data:,")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert f"connect-src 'self' ws://127.0.0.1:{served.client.port}" in policy
    for asset in ("/assets/serve.css", "/assets/serve.js", "/static/css/xterm.css"):
        text = await (await served.client.get(asset)).text()
        assert not re.search(r"""(url\(|@import|fetch\()\s*["']?(https?:)?//""", text), asset
    assert "//" not in (await (await served.client.get("/assets/serve.js")).text()).replace(
        "// ", ""
    )


@pytest.mark.parametrize(
    "path", ["/static/", "/static/js/", "/static/fonts", "/assets/", "/sounds/"]
)
async def test_no_folder_is_listed(served: Served, path: str) -> None:
    served.with_cookie()
    response = await served.client.get(path)
    assert response.status in (403, 404)
    assert "textual.js" not in await response.text()


@pytest.mark.parametrize(
    "path", ["/static/../server.py", "/static/%2e%2e/server.py", "/sounds/../../pyproject.toml"]
)
async def test_no_path_leaves_the_static_folders(served: Served, path: str) -> None:
    served.with_cookie()
    response = await served.client.get(path)
    assert response.status in (403, 404)


async def test_a_foreign_host_is_refused_even_with_the_cookie(served: Served) -> None:
    """DNS rebinding: evil.example resolving to 127.0.0.1 must not reach the records."""
    served.with_cookie()
    port = served.client.port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1"):
        response = await served.client.get("/", headers={"Host": host})
        assert response.status == 403, host
    ok = await served.client.get("/", headers={"Host": f"localhost:{port}"})
    assert ok.status == 200


async def test_the_key_is_refused_under_a_foreign_host(served: Served) -> None:
    response = await served.client.get(
        f"/?key={served.access.key}", headers={"Host": "evil.example"}, allow_redirects=False
    )
    assert response.status == 403 and COOKIE not in response.cookies


async def test_the_socket_needs_our_origin(served: Served) -> None:
    served.with_cookie()
    for headers in (
        {},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": f"http://localhost:{served.client.port + 1}"},
    ):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await served.client.ws_connect("/ws", headers=headers)
        assert refused.value.status == 403, headers
    assert served.host.started == 0  # no app was started for any of them


async def test_the_socket_needs_the_cookie_even_from_our_origin(served: Served) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await served.client.ws_connect("/ws", headers={"Origin": served.origin})
    assert refused.value.status == 403
    assert served.host.started == 0


async def test_with_cookie_and_origin_the_socket_opens(served: Served) -> None:
    served.with_cookie()
    socket = await served.client.ws_connect("/ws", headers={"Origin": served.origin})
    await socket.send_json(["stdin", "hello"])
    message = await socket.receive_bytes(timeout=10)
    assert message.endswith(b":hello")
    await socket.close()


def test_over_https_the_cookie_is_secure_and_the_socket_wss() -> None:
    access = Access("https://127.0.0.2:8443")
    assert access.secure and access.key_url.startswith("https://127.0.0.2:8443/?key=")
    assert "connect-src 'self' wss://127.0.0.2:8443" in content_policy(access.public_url)
    from aiohttp import web

    response = web.Response()
    access.set_cookie(response)
    assert response.cookies[COOKIE]["secure"] is True


def test_each_server_run_has_its_own_secrets() -> None:
    one, two = Access("http://127.0.0.1:1"), Access("http://127.0.0.1:1")
    assert one.key != two.key and one.token != two.token
    assert len(one.key) >= 32 and len(one.token) >= 43  # 24 and 32 random bytes
