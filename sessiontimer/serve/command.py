"""``sessiontimer serve``: check the options, make the secrets, print the address, serve.

Loopback (127.0.0.1) unless ``--lan`` names an address; on the LAN, HTTPS only. The printed
address carries the key; a QR code of it lets a tablet join by camera.
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sessiontimer import paths

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
INSTALL_HINT = (
    "sessiontimer: `serve` needs the serve extra: .venv/bin/pip install 'sessiontimer[serve]' "
    "(from a checkout: .venv/bin/pip install '.[serve]')"
)
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Plan:
    """Where to listen, what to print, what the app process is started with."""

    bind: str
    port: int
    public_url: str
    argv: list[str]
    grace: float
    cert: Path | None = None
    key: Path | None = None


def app_argv(config: str | None) -> list[str]:
    """The app, as an argument list (no shell): this Python, this package, this config."""
    argv = [sys.executable, "-m", "sessiontimer"]
    return [*argv, "--config", config] if config else argv


def plan(args: argparse.Namespace) -> Plan | str:
    """The plan for these arguments, or a message saying what to change."""
    if (args.cert is None) != (args.key is None):
        return "--cert and --key go together (the certificate and its private key)."
    if args.lan is None and args.cert is not None:
        return "--cert/--key are for --lan; on this machine alone the page is plain HTTP."
    if args.lan is not None and ipaddress.ip_address(args.lan).is_unspecified:
        return f"--lan needs this machine's own address on the room's network, not {args.lan}."
    bind = args.lan or LOOPBACK
    scheme = "https" if args.lan else "http"
    host = f"[{bind}]" if ":" in bind else bind
    return Plan(
        bind=bind,
        port=args.port,
        public_url=f"{scheme}://{host}:{args.port}",
        argv=app_argv(args.config),
        grace=args.grace * 60.0,
        cert=Path(args.cert) if args.cert else None,
        key=Path(args.key) if args.key else None,
    )


def run(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    """Serve until ctrl+c; the session is suspended and the app process ends with the server."""
    try:
        import aiohttp  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return EXIT_PROBLEM
    chosen = plan(args)
    if isinstance(chosen, str):
        print(f"sessiontimer: {chosen}", file=sys.stderr)
        return EXIT_USAGE
    from sessiontimer.serve.server import serve

    return serve(chosen, app_paths)


def qr_text(url: str) -> str:
    """The URL as a QR code drawn with block characters, for a tablet's camera."""
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def announce(lines: Sequence[str]) -> None:
    print("\n".join(lines), flush=True)
