"""Ask the system not to sleep while a session runs (and say so when it can't).

A suspended laptop does not lose time (the clock counts through suspend), but it plays no
cues; so while a session runs we hold an inhibitor: ``systemd-inhibit`` on Linux,
``caffeinate`` on macOS. Each runs a small holder child for as long as it holds the lock; the
holder says ``held`` on its output once it runs (so the lock is taken) and reads its input until
we close it (or this process dies). Held means the holder said so: a helper that refuses
slowly on a loaded machine is reported, not taken for a lock.
"""

from __future__ import annotations

import select
import shutil
import subprocess
import sys

MAY_SLEEP = (
    "This computer may go to sleep during the session ({why}), and then no bells play: "
    "turn sleep off in its power settings."
)
HOLDER = "import sys; print('held', flush=True); sys.stdin.read()"
ANSWER_WITHIN = 10.0  # seconds for the helper to say held or refuse (a worker thread waits)


class SleepInhibitor:
    """Holds a "don't sleep" lock for as long as it is active."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.message: str | None = None  # why it could not be held, for the user

    def _command(self) -> list[str] | None:
        if sys.platform == "darwin" and shutil.which("caffeinate"):
            return ["caffeinate", "-i", sys.executable, "-c", HOLDER]
        if sys.platform.startswith("linux") and shutil.which("systemd-inhibit"):
            return [
                "systemd-inhibit",
                "--what=sleep:idle",
                "--who=sessiontimer",
                "--why=A session is running",
                "--mode=block",
                sys.executable,
                "-c",
                HOLDER,
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
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            self.message = MAY_SLEEP.format(why=f"the stay-awake helper failed: {error.strerror}")
            return False
        answer = self._answer(self._proc)
        if answer == "held":
            return True
        self.release()
        why = "it did not answer" if answer is None else "it would not stay awake"
        self.message = MAY_SLEEP.format(why=why)
        return False

    @staticmethod
    def _answer(proc: subprocess.Popen[bytes]) -> str | None:
        """``held`` once the holder runs, ``""`` if the helper ended first, None if neither."""
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], ANSWER_WITHIN)
        if not ready:
            return None
        return proc.stdout.readline().decode(errors="replace").strip()

    def release(self) -> None:
        """Stop holding the lock; closing stdin ends the child that holds it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            for pipe in (proc.stdin, proc.stdout):
                if pipe:
                    pipe.close()
            proc.terminate()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
