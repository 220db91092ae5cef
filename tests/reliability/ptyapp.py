"""Run the real app in a pseudo-terminal: send key bytes, read what it draws, kill it.

A real process (not Pilot) is the only honest way to test a power cut: SIGKILL gives the app
no chance to flush anything, exactly like a pulled plug. The screen is read from the raw pty
stream; ``Saved: <tag>`` is written there only after the note's line was fsynced.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]|\x1b\][^\x07]*\x07")


def app_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Private config, data and state folders under ``home``; a plain xterm."""
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="30",
        SESSIONTIMER_CONFIG=str(home / "config.toml"),
        SESSIONTIMER_DATA_DIR=str(home / "data"),
        SESSIONTIMER_STATE_DIR=str(home / "state"),
    )
    env.pop("TEXTUAL", None)
    env.update(extra or {})
    return env


class PtyApp:
    """One ``python -m sessiontimer ARGS`` in its own pty (100x30)."""

    def __init__(
        self,
        home: Path,
        args: list[str],
        env: dict[str, str] | None = None,
        *,
        stdin: int | None = None,
        ignore_hup: bool = False,
    ) -> None:
        """``stdin``: another input than the terminal (a pipe, /dev/null); ``ignore_hup``:
        started as under nohup."""
        self.home = home
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))

        # As a terminal starts it: HUP, INT and QUIT at their defaults even when the tests
        # themselves run with them ignored (under nohup, or as a background job of a script);
        # HUP ignored when asked. The wrapper execs the app in place, so the pid is the app's.
        hup = "SIG_IGN" if ignore_hup else "SIG_DFL"
        as_from_a_terminal = (
            "import os, signal, sys\n"
            f"signal.signal(signal.SIGHUP, signal.{hup})\n"
            "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
            "signal.signal(signal.SIGQUIT, signal.SIG_DFL)\n"
            "os.execv(sys.executable, [sys.executable, '-m', 'sessiontimer', *sys.argv[1:]])"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", as_from_a_terminal, *args],
            stdin=slave if stdin is None else stdin,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env or app_env(home),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.fd = master
        os.set_blocking(master, False)
        self.raw = bytearray()
        self.started = time.monotonic()
        self.sent: list[tuple[float, bytes]] = []  # (seconds after start, keys): for failures

    def pump(self, timeout: float = 0.0) -> None:
        """Read whatever the app drew (waiting up to ``timeout`` for the first bytes)."""
        if self.fd < 0:
            return
        ready, _, _ = select.select([self.fd], [], [], timeout)
        while ready:
            try:
                chunk = os.read(self.fd, 65536)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self.raw += chunk
            ready, _, _ = select.select([self.fd], [], [], 0)

    def text(self) -> str:
        """The stream with escape sequences removed (good enough to find short labels)."""
        return ANSI.sub(b"", bytes(self.raw)).decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float, start: int = 0) -> bool:
        """Pump until ``needle`` appears in the text after offset ``start``."""
        deadline = time.monotonic() + timeout
        while True:
            if needle in self.text()[start:]:
                return True
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                return False
            self.pump(min(left, 0.05))

    def send(self, keys: bytes) -> None:
        self.sent.append((round(time.monotonic() - self.started, 2), keys))
        os.write(self.fd, keys)

    def kill(self) -> None:
        """SIGKILL the whole process group (the app and any audio worker): a power cut."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.pump(0)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def hang_up(self) -> None:
        """Close the terminal (its master side), as a closed terminal window does."""
        os.close(self.fd)
        self.fd = -1

    def wait_exit(self, timeout: float) -> int | None:
        """Read until the app exits (within ``timeout``); its exit status, or None."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            if self.fd >= 0:
                self.pump(0.05)
            else:
                time.sleep(0.05)
        if self.fd >= 0:
            self.pump(0.1)
        return self.proc.poll()

    def threads(self) -> str:
        """Where each thread of a process that did not exit waits (Linux /proc), for a
        failure's message."""
        tasks = Path(f"/proc/{self.proc.pid}/task")
        if self.proc.poll() is not None or not tasks.exists():
            return ""
        found = []
        for task in sorted(tasks.iterdir()):
            with contextlib.suppress(OSError):
                name = (task / "comm").read_text().strip()
                found.append(f"{name}: {(task / 'wchan').read_text().strip() or '-'}")
        return f"; threads: {', '.join(found)}"

    def stacks(self) -> str:
        """A process that did not exit: its Python threads' stacks (py-spy, when installed)
        and its error log, for a failure's report."""
        found = ""
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if self.proc.poll() is None and Path(spy).exists():
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                dump = [spy, "dump", "--pid", str(self.proc.pid)]
                found += subprocess.run(dump, capture_output=True, text=True, timeout=30).stdout
        errors = self.home / "state" / "errors.log"
        if errors.exists():
            found += f"errors.log:\n{errors.read_text()}"
        return found


def sessions(home: Path) -> list[Path]:
    return sorted((home / "data" / "sessions").rglob("*.jsonl"))
