"""The one app process behind the server, and which browser tab it currently talks to.

textual-serve starts a new app (through a shell) for every connection and ends it with a plain
exit when the tab closes. A practitioner's tablet sleeps, a tab gets closed by accident, a
second device opens the page: none of that may end or fork the session. So there is one
process at a time, started from an argument list; a tab attaches to it, a second tab may take
it over, and a dropped connection leaves it running for a grace period (cues go on) so that
the next tab reattaches to the same session. When the grace period runs out, or the server
stops, the app is asked to leave ("connection lost": the journal says ``suspended``), then
sent SIGHUP if it has not, and finally its whole process group is killed, so nothing is
left holding the session lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

log = logging.getLogger("sessiontimer.serve")

DRIVER = "sessiontimer.ui.drivers.web:KeyWaitWebDriver"
SERVED_ENV = "SESSIONTIMER_SERVED"
OUR_META = "sessiontimer."  # meta packets the app sends for the page (cues, session state)
SEND_TIMEOUT = 2.0  # a tab that takes no frame for this long is let go: the app never waits


class AppProcess(AppService):
    """textual-serve's process protocol, started without a shell, in its own process group."""

    def __init__(
        self, argv: Sequence[str], *, on_page_message: Callable[[str], Any], **kwargs: Any
    ) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = list(argv)
        self._on_page_message = on_page_message
        self.leaving = False  # asked to leave (its session is being suspended): no new tab

    @property
    def process(self) -> Process | None:
        return self._process

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment["TEXTUAL_DRIVER"] = DRIVER
        environment[SERVED_ENV] = "1"
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,  # ctrl+c on the server reaches the server only
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_meta(self, data: bytes) -> None:
        try:
            meta = json.loads(data)
            kind = meta["type"]
        except (ValueError, KeyError, TypeError, RecursionError):
            log.warning("a meta packet the server cannot read was dropped")
            return
        if isinstance(kind, str) and kind.startswith(OUR_META):
            await self._on_page_message(json.dumps(["sessiontimer", meta]))
        else:
            await super().on_meta(data)

    async def exited(self) -> None:
        """Until the app itself has exited (``Process.wait`` also waits for every process
        holding its pipes, such as a helper it started)."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        try:
            fd = os.pidfd_open(process.pid)
        except (AttributeError, OSError):  # not Linux, or already reaped
            while process.returncode is None:
                await asyncio.sleep(0.1)
            return
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if not done.done():
                done.set_result(None)

        loop.add_reader(fd, readable)
        try:
            await done
        finally:
            loop.remove_reader(fd)
            os.close(fd)

    async def _exits_within(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.exited(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def kill_group(self) -> None:
        """The app's process group: the app if still there, and anything it left behind."""
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)

    async def end(self, timeout: float) -> int | None:
        """Ask the app to leave ("connection lost": it suspends its session); if it has not
        within ``timeout``, SIGHUP (its signal way out); then kill what is left of the group."""
        process = self._process
        if process is None:
            return None
        self.leaving = True
        if process.returncode is None:
            await self.send_meta({"type": "sessiontimer.leave"})
            if not await self._exits_within(timeout):
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGHUP)
                if not await self._exits_within(min(timeout, 2.0)):
                    log.warning("the app did not leave when asked, nor on SIGHUP: killed")
        self.kill_group()
        code = await process.wait()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        return code


class AppHost:
    """At most one app process, and the one WebSocket (tab) that drives it now."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        grace: float = 600.0,
        stop_timeout: float = 10.0,
        download_manager: DownloadManager | None = None,
    ) -> None:
        self.argv = list(argv)
        self.grace = grace
        self.stop_timeout = stop_timeout
        self.download_manager = download_manager or DownloadManager()
        self.app: AppProcess | None = None
        self.socket: web.WebSocketResponse | None = None
        self.started = 0  # app processes started since the server began (tests read it)
        self.waiting = 0  # tabs being offered to take over
        self._grace_task: asyncio.Task[None] | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()  # stalled tabs being closed
        self._exiting: AppProcess | None = None  # the app that said it exits by itself
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """A live tab drives a live app: a new tab must ask before taking over."""
        return (
            self.socket is not None
            and not self.socket.closed
            and self.app is not None
            and self.app.alive
        )

    async def attach(self, socket: web.WebSocketResponse, width: int, height: int) -> None:
        """Make ``socket`` the tab of the app: the running one if any, else a new one."""
        async with self._lock:
            self._cancel_grace()
            previous, self.socket = self.socket, socket
            if previous is not None and previous is not socket and not previous.closed:
                taken = json.dumps(["sessiontimer", {"type": "taken_over"}])
                await self._send(previous, previous.send_str(taken))
                self._close_soon(previous)
            if (
                self.app is not None
                and self.app.alive
                and (self.app.leaving or self.app is self._exiting)
            ):  # the grace ran out, or it is exiting by itself: this tab gets a new app
                await self._let_leave(self.app)
            if self.app is not None and self.app.alive:
                await self.app.set_terminal_size(width, height)
                await self.app.send_meta({"type": "sessiontimer.reattached"})
                return
            await self._start(width, height)

    async def _let_leave(self, app: AppProcess) -> None:
        """Wait (bounded) for a leaving app to be gone; it is no longer the tabs' app, so its
        end does not close the tab that came meanwhile."""
        assert app.process is not None
        try:
            await asyncio.wait_for(app.process.wait(), self.stop_timeout + 5.0)
        except asyncio.TimeoutError:
            app.kill_group()
            await app.process.wait()
        if self.app is app:
            self.app = None

    async def prestart(self, width: int = 100, height: int = 30) -> None:
        """Start the app before any tab asks: the first page then only has to draw it."""
        async with self._lock:
            if self.app is None or not self.app.alive:
                await self._start(width, height)

    async def detach(self, socket: web.WebSocketResponse) -> None:
        """The tab went away: keep the session running for the grace period."""
        async with self._lock:
            if self.socket is not socket:
                return
            self.socket = None
            if self.app is not None and self.app.alive:
                self._grace_task = asyncio.create_task(self._end_after_grace())

    async def send_input(self, socket: web.WebSocketResponse, data: bytes) -> None:
        if socket is self.socket and self.app is not None and self.app.alive:
            await self.app.send_bytes(data)

    async def send_size(self, socket: web.WebSocketResponse, width: int, height: int) -> None:
        if socket is self.socket and self.app is not None and self.app.alive:
            await self.app.set_terminal_size(width, height)

    async def send_focus(self, socket: web.WebSocketResponse, focused: bool) -> None:
        if socket is self.socket and self.app is not None and self.app.alive:
            await (self.app.focus() if focused else self.app.blur())

    async def shutdown(self) -> None:
        """The server stops: the session is suspended and nothing is left running."""
        self._cancel_grace()
        if self.socket is not None:
            await _close(self.socket)
        await self._end_app()

    async def _start(self, width: int, height: int) -> None:
        app: AppProcess
        app = AppProcess(
            self.argv,
            on_page_message=self._to_page_str,
            write_bytes=self._to_page_bytes,
            write_str=self._to_page_str,
            close=lambda: self._app_said_exit(app),
            download_manager=self.download_manager,
        )
        await app.start(width, height)
        self.app = app
        self.started += 1
        self._watch_task = asyncio.create_task(self._watch(app))

    async def _watch(self, app: AppProcess) -> None:
        """When the app exits by itself (quit, end), the tab is told and the slot is free."""
        assert app.process is not None
        await app.exited()
        app.kill_group()  # helpers it may have left
        await app.process.wait()
        async with self._lock:  # a tab attaching now gets a new app, and keeps its socket
            if self.app is app:
                self.app = None
                self._cancel_grace()
                await self._app_ended()

    async def _end_after_grace(self) -> None:
        await asyncio.sleep(self.grace)
        log.info("no tab for %.0f s: the session is suspended", self.grace)
        await self._end_app()

    async def _end_app(self) -> None:
        app = self.app
        if app is not None:
            await app.end(self.stop_timeout)
        if self._watch_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch_task

    def _cancel_grace(self) -> None:
        task, self._grace_task = self._grace_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _to_page_bytes(self, data: bytes) -> None:
        socket = self.socket
        if socket is not None and not socket.closed:
            await self._send(socket, socket.send_bytes(data))

    async def _to_page_str(self, text: str) -> None:
        socket = self.socket
        if socket is not None and not socket.closed:
            await self._send(socket, socket.send_str(text))

    async def _send(self, socket: web.WebSocketResponse, sending: Awaitable[None]) -> None:
        """Send to a tab, but never wait on it long: the app's screen is read by the same
        loop that sends it, and an app that cannot write its screen stops its clock too.
        A tab that has stopped reading (a stalled tablet) is let go, as if it had closed."""
        try:
            await asyncio.wait_for(sending, SEND_TIMEOUT)
        except (ConnectionError, RuntimeError):
            pass
        except asyncio.TimeoutError:
            log.warning("a tab read nothing for %.0f s: let go (the session goes on)", SEND_TIMEOUT)
            if self.socket is socket:
                self.socket = None
                if self.app is not None and self.app.alive and self._grace_task is None:
                    self._grace_task = asyncio.create_task(self._end_after_grace())
            self._close_soon(socket)

    def _close_soon(self, socket: web.WebSocketResponse) -> None:
        """Close a tab in the background, giving up (the connection dropped) if it is stalled."""

        task = asyncio.create_task(_close(socket))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _app_said_exit(self, app: AppProcess) -> None:
        """The app says it exits by itself: its tab is told; a tab that comes before its
        process is gone gets a new app (:meth:`attach`), not this one."""
        self._exiting = app
        await self._app_ended()

    async def _app_ended(self) -> None:
        """The app exited (quit, or its session ended and it closed): the tab says so."""
        await self._to_page_str(json.dumps(["sessiontimer", {"type": "app_ended"}]))
        await self._close_page()

    async def _close_page(self) -> None:
        socket = self.socket
        if socket is not None and not socket.closed:
            await _close(socket)


async def _close(socket: web.WebSocketResponse) -> None:
    """Close a tab; one that reads nothing is dropped after ``SEND_TIMEOUT`` instead."""
    with contextlib.suppress(ConnectionError, RuntimeError, asyncio.TimeoutError):
        await asyncio.wait_for(socket.close(), SEND_TIMEOUT)
