"""Who may talk to the served app: the key, the cookie it buys, and the Origin and Host rules.

The printed URL carries a random key. The first request with it gets an HttpOnly,
SameSite=Strict cookie and a redirect to the same page without the key, so the key leaves the
address bar and the history. Every other request, the WebSocket included, must bring the
cookie. The WebSocket must also come from our own page (Origin) and every request must name
our own address (Host): a page from any other site, or a DNS name rebound to 127.0.0.1,
is refused even though the browser would happily connect.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

COOKIE = "sessiontimer"
KEY_PARAM = "key"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def content_policy(public_url: str) -> str:
    """Nothing loads from, or connects to, any other host: the browser itself enforces it."""
    parts = urlsplit(public_url)
    socket_url = ("wss://" if parts.scheme == "https" else "ws://") + parts.netloc
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # xterm.js inserts its own style elements
            "font-src 'self'",
            "img-src 'self' data:",
            "media-src 'self'",
            f"connect-src 'self' {socket_url}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


@dataclass
class Access:
    """The secrets of one server run and the address it answers to."""

    public_url: str
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def secure(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def key_url(self) -> str:
        """The URL to print (and put in the QR code): the only place the key is shown."""
        return f"{self.origin}/?{KEY_PARAM}={self.key}"

    def allowed_hosts(self) -> set[str]:
        netloc = urlsplit(self.public_url).netloc.lower()
        hosts = {netloc}
        host, _, port = netloc.rpartition(":")
        if host == "127.0.0.1":  # the same loopback server under its usual name
            hosts.add(f"localhost:{port}")
        return hosts

    def key_matches(self, offered: str | None) -> bool:
        return offered is not None and hmac.compare_digest(offered.encode(), self.key.encode())

    def cookie_matches(self, request: web.Request) -> bool:
        offered = request.cookies.get(COOKIE)
        return offered is not None and hmac.compare_digest(offered.encode(), self.token.encode())

    def refusal(self, request: web.Request) -> str | None:
        """Why this request may not go on, or None when it may."""
        if request.host.lower() not in self.allowed_hosts():
            return "This server answers only to the address it printed."
        if request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin is None or origin.lower() != self.origin.lower():
                return "The session can only be opened from its own page."
        if not self.cookie_matches(request):
            return (
                "Open the address that `sessiontimer serve` printed (the one with ?key=) "
                "in this browser first."
            )
        return None

    def set_cookie(self, response: web.StreamResponse) -> None:
        response.set_cookie(
            COOKIE,
            self.token,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self.secure,
        )


def middleware(access: Access) -> Middleware:
    """The gate in front of every route, and the headers on every answer."""

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        offered = request.query.get(KEY_PARAM)
        if offered is not None and request.path == "/":
            response = _exchange_key(access, request, offered)
        elif (reason := access.refusal(request)) is not None:
            response = web.Response(status=403, text=reason + "\n")
        else:
            try:
                response = await handler(request)
            except web.HTTPException as error:  # a 404 from a static folder, say
                response = web.Response(status=error.status, text=error.text)
        if not response.prepared:  # a WebSocket has sent its headers already
            response.headers.update(SECURITY_HEADERS)
            response.headers["Content-Security-Policy"] = content_policy(access.public_url)
        return response

    return gate


def _exchange_key(access: Access, request: web.Request, offered: str) -> web.StreamResponse:
    if request.host.lower() not in access.allowed_hosts() or not access.key_matches(offered):
        return web.Response(
            status=403,
            text="This key is not valid (the server prints a new one each time it starts).\n",
        )
    response = web.Response(status=303, headers={"Location": "/"})
    access.set_cookie(response)
    return response
