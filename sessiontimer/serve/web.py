"""The served page, its files and its WebSocket, behind the access gate.

Routes: ``/`` the page, ``/ws`` the app's terminal stream, ``/static/`` textual-serve's
terminal (xterm.js) and font, ``/assets/`` our own script and style, ``/sounds/`` the bundled
cue sounds. No folder is ever listed, no symlink followed, and nothing on the page comes from
another host (the Content-Security-Policy in :mod:`access` makes the browser hold to that).
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path

import textual_serve
from aiohttp import WSMsgType, web

from sessiontimer import paths
from sessiontimer.serve.access import Access, middleware
from sessiontimer.serve.app_process import AppHost

log = logging.getLogger("sessiontimer.serve")

HERE = Path(__file__).resolve().parent
TEXTUAL_STATIC = Path(textual_serve.__file__).resolve().parent / "static"
HOST_KEY = web.AppKey("host", AppHost)
ACCESS_KEY = web.AppKey("access", Access)
MAX_MESSAGE = 64 * 1024  # a keystroke or a resize is tiny; a flood is cut off
MAX_WAITING = 4  # tabs shown "take over?" at the same time
HEARTBEAT = 30.0  # a dead connection frees the tab slot; the session itself runs on


def make_web_app(access: Access, host: AppHost) -> web.Application:
    """The aiohttp application: the gate first, then the routes."""
    app = web.Application(middlewares=[middleware(access)])
    app[HOST_KEY] = host
    app[ACCESS_KEY] = access
    app.add_routes(
        [
            web.get("/", _page),
            web.get("/ws", _socket),
            web.static("/static", TEXTUAL_STATIC, show_index=False, follow_symlinks=False),
            web.static("/assets", HERE / "assets", show_index=False, follow_symlinks=False),
            web.static(
                "/sounds", paths.bundled_sounds_dir(), show_index=False, follow_symlinks=False
            ),
        ]
    )
    app.on_shutdown.append(_stop_app)
    return app


async def _stop_app(app: web.Application) -> None:
    await app[HOST_KEY].shutdown()


async def _page(request: web.Request) -> web.Response:
    access = request.app[ACCESS_KEY]
    socket_url = ("wss://" if access.secure else "ws://") + access.origin.split("://", 1)[1]
    template = (HERE / "assets" / "index.html").read_text(encoding="utf-8")
    page = template.replace("{{ws_url}}", html.escape(socket_url + "/ws", quote=True))
    return web.Response(text=page, content_type="text/html")


def _size(request: web.Request, name: str, default: int) -> int:
    try:
        return max(10, min(int(request.query.get(name, default)), 1000))
    except ValueError:
        return default


async def _socket(request: web.Request) -> web.WebSocketResponse:
    host = request.app[HOST_KEY]
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT, max_msg_size=MAX_MESSAGE)
    await socket.prepare(request)
    width, height = _size(request, "width", 80), _size(request, "height", 24)
    try:
        if host.busy and not await _asked_to_take_over(host, socket):
            return socket
        await host.attach(socket, width, height)
        await _relay(socket, host)
    finally:
        await host.detach(socket)
    return socket


async def _asked_to_take_over(host: AppHost, socket: web.WebSocketResponse) -> bool:
    """Another tab has the session: offer to take it over; True once this tab says so.

    Tabs left waiting on the offer are few in real use; past ``MAX_WAITING`` a new one is
    closed at once, so a page opened in a loop cannot pile up connections.
    """
    if host.waiting >= MAX_WAITING:
        await socket.close(code=1013, message=b"too many tabs are waiting")
        return False
    host.waiting += 1
    try:
        await socket.send_str(json.dumps(["sessiontimer", {"type": "busy"}]))
        async for message in socket:
            if message.type == WSMsgType.TEXT and _envelope(message.data)[:1] == ["take_over"]:
                return True
        return False
    finally:
        host.waiting -= 1


def _envelope(text: str) -> list[object]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: a message nested too deep
        return []
    return value if isinstance(value, list) else []


async def _relay(socket: web.WebSocketResponse, host: AppHost) -> None:
    """The page's messages to the app (textual-serve's protocol), while this tab is the one."""
    async for message in socket:
        if message.type != WSMsgType.TEXT:
            continue
        envelope = _envelope(message.data)
        kind = envelope[0] if envelope else None
        data = envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await host.send_input(socket, data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            try:
                width, height = int(data["width"]), int(data["height"])
            except (KeyError, TypeError, ValueError):
                continue
            await host.send_size(socket, max(10, min(width, 1000)), max(5, min(height, 1000)))
        elif kind == "ping" and isinstance(data, str):
            await socket.send_str(json.dumps(["pong", data[:32]]))
        elif kind in ("focus", "blur"):
            await host.send_focus(socket, kind == "focus")
