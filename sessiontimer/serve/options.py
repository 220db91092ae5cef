"""The ``serve`` command's arguments; imports nothing heavy, so ``--help`` stays quick."""

from __future__ import annotations

import argparse
import ipaddress

DEFAULT_PORT = 8765
DEFAULT_GRACE_MINUTES = 10.0


def _address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IP address; give this machine's LAN address, e.g. 192.168.1.20"
        ) from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{text!r}: give minutes from 0 to 1440")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="the app in a browser: on this machine, or on a tablet with --lan",
        description="Serve the app to a browser. Private by default: only this machine, "
        "and only with the key in the printed address.",
    )
    serve.add_argument(
        "--lan",
        metavar="ADDRESS",
        type=_address,
        help="also reachable from the room's network at this address of this machine (HTTPS)",
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    serve.add_argument("--cert", metavar="FILE", help="your TLS certificate (PEM) for --lan")
    serve.add_argument("--key", metavar="FILE", help="the private key (PEM) of --cert")
    serve.add_argument(
        "--grace",
        metavar="MINUTES",
        type=_minutes,
        default=DEFAULT_GRACE_MINUTES,
        help="how long a session runs on without a browser before it is suspended "
        f"(default {DEFAULT_GRACE_MINUTES:g})",
    )
