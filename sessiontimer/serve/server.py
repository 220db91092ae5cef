"""Run the server: listen, say where (with the key), wait for ctrl+c, then end cleanly.

The address is printed only once the port is actually open. aiohttp's access log is off: it
would write the key (and every path) to the terminal. On ctrl+c, SIGTERM or a closed terminal
the app is told its connection is lost (it suspends the session) before the server exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl
import sys

from aiohttp import web

from sessiontimer import paths
from sessiontimer.serve.access import Access
from sessiontimer.serve.app_process import AppHost
from sessiontimer.serve.command import EXIT_OK, EXIT_PROBLEM, Plan, announce, qr_text
from sessiontimer.serve.tls import Certificate, TlsError, self_signed, server_context, users_own
from sessiontimer.serve.web import make_web_app


def serve(plan: Plan, app_paths: paths.AppPaths) -> int:
    """Serve ``plan`` until stopped; the exit code for the command line."""
    certificate: Certificate | None = None
    if plan.public_url.startswith("https://"):
        try:
            certificate = (
                users_own(plan.cert, plan.key)
                if plan.cert is not None and plan.key is not None
                else self_signed(app_paths.config_file.parent, plan.bind)
            )
        except (TlsError, OSError) as error:
            print(f"sessiontimer: {error}", file=sys.stderr)
            return EXIT_PROBLEM
    access = Access(plan.public_url)
    host = AppHost(plan.argv, grace=plan.grace)
    try:
        asyncio.run(_serve(plan, access, host, certificate))
    except OSError as error:
        print(
            f"sessiontimer: cannot listen on {plan.bind} port {plan.port}: "
            f"{error.strerror or error}. Is another server running? Try --port N.",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    return EXIT_OK


async def _serve(
    plan: Plan, access: Access, host: AppHost, certificate: Certificate | None
) -> None:
    context: ssl.SSLContext | None = server_context(certificate) if certificate else None
    runner = web.AppRunner(make_web_app(access, host), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, plan.bind, plan.port, ssl_context=context)
        await site.start()
        await host.prestart()  # the app's ~1 s start is not paid by the first page load
        announce(_lines(plan, access, certificate))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        announce(["Stopping: a running session is suspended and offered for resume."])
    finally:
        with contextlib.suppress(Exception):
            await runner.cleanup()


def _lines(plan: Plan, access: Access, certificate: Certificate | None) -> list[str]:
    grace = f"{plan.grace / 60:g} min"
    lines = ["sessiontimer is served. Open this address (it holds the key; keep it private):", ""]
    lines += [f"    {access.key_url}", ""]
    if certificate is None:
        lines.append("Only this machine can connect.")
    else:
        made = " (a new certificate)" if certificate.made_now else ""
        lines += [
            f"Reachable on the room's network at {plan.bind}, over HTTPS. The browser will",
            f"warn about the certificate once; check that its SHA-256 fingerprint is{made}:",
            f"    {certificate.fingerprint}",
            "",
            qr_text(access.key_url),
        ]
    lines += [
        f"A tab that closes leaves the session running for {grace}; open the page again to",
        "come back to it. ctrl+c stops the server (the session is suspended, never lost).",
    ]
    return lines
