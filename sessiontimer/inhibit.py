"""Ask the system not to sleep while a session runs (and say so when it can't).

A suspended laptop does not lose time (the clock counts through suspend), but it plays no
cues; so while a session runs we hold an inhibitor: ``systemd-inhibit`` on Linux,
``caffeinate`` on macOS. Each is a child process that holds the lock until we end it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

MAY_SLEEP = (
    "This computer may go to sleep during the session ({why}), and then no bells play: "
    "turn sleep off in its power settings."
)


class SleepInhibitor:
    """Holds a "don't sleep" lock for as long as it is active."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.message: str | None = None  # why it could not be held, for the user

    def _command(self) -> list[str] | None:
        if sys.platform == "darwin" and shutil.which("caffeinate"):
            return ["caffeinate", "-i", "-w", str(os.getpid())]
        if sys.platform.startswith("linux") and shutil.which("systemd-inhibit"):
            return [
                "systemd-inhibit",
                "--what=sleep:idle",
                "--who=sessiontimer",
                "--why=A session is running",
                "--mode=block",
                sys.executable,
                "-c",
                "import sys; sys.stdin.read()",
            ]
        return None

    def acquire(self) -> bool:
        """Start holding the lock; False (with ``message`` set) if this system offers none."""
        if self._proc is not None:
            return True
        command = self._command()
        if command is None:
            self.message = MAY_SLEEP.format(why="nothing here can keep it awake")
            return False
        try:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            self.message = MAY_SLEEP.format(why=f"the stay-awake helper failed: {error.strerror}")
            return False
        try:
            self._proc.wait(timeout=0.2)  # an inhibitor that exits at once was refused
        except subprocess.TimeoutExpired:
            return True
        self._proc = None
        self.message = MAY_SLEEP.format(why="it would not stay awake")
        return False

    def release(self) -> None:
        """Stop holding the lock; closing stdin ends the child that holds it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.terminate()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
