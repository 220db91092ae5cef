"""The fallbacks: the system's own player, the terminal bell, and a visual-only cue.

The system player gets a pre-scaled WAV, so volume needs no player-specific flag. Its onset
is the moment the player process was started; it counts as started once it has run for
``EARLY_EXIT`` without failing (a missing device fails at once), and a failure after that is
reported as a later word on the cue (``PlayJob.on_lost``). Closing stops every player still
running, so no sound outlives the app. A player that fails hands over to the next one; none
is dropped for good, so a device that comes back is used again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from sessiontimer.audio.base import Done, PlayJob, PlayResult
from sessiontimer.audio.sound import ScaledSound

# In order of preference: PipeWire, PulseAudio, plain ALSA; macOS's own player.
EARLY_EXIT = 0.15  # seconds: a player still running after this is playing
_PLAYERS: dict[str, list[str]] = {
    "pw-play": ["pw-play"],
    "paplay": ["paplay"],
    "aplay": ["aplay", "-q"],
    "afplay": ["afplay"],
}


def find_players() -> list[str]:
    """The system players present here, in order of preference."""
    if sys.platform == "win32":
        return ["winsound"]
    names = ["afplay"] if sys.platform == "darwin" else ["pw-play", "paplay", "aplay"]
    return [n for n in names if shutil.which(n)]


class SystemPlayerBackend:
    """Runs pw-play, paplay or aplay (afplay on macOS, winsound on Windows) per cue."""

    def __init__(self, players: list[str] | None = None) -> None:
        self._players = find_players() if players is None else list(players)
        self._running = 0
        self._cond = threading.Condition()
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._closed = False

    @property
    def name(self) -> str:
        return self._players[0] if self._players else "system"

    def unavailable(self) -> str | None:
        if self._players:
            return None
        return "no system player found (pw-play, paplay or aplay)"

    def start(self) -> str | None:
        return self.unavailable()

    def preload(self, sound: ScaledSound) -> None:
        """Nothing to warm: the temporary WAV is already written."""

    def play(self, job: PlayJob, done: Done) -> None:
        with self._cond:
            self._running += 1
        threading.Thread(target=self._play, args=(job, done), daemon=True).start()

    def _play(self, job: PlayJob, done: Done) -> None:
        """Try the players in order; the first that works is tried first from then on.

        None is ever dropped: a device that was missing may be back for the next cue.
        """
        try:
            errors = []
            for player in list(self._players):
                started, error, proc = self._run(player, job)
                if error is None:
                    with self._cond:
                        if self._players[0] != player:
                            self._players.remove(player)
                            self._players.insert(0, player)
                    done(PlayResult(started))
                    if proc is not None:
                        self._finish(proc, job)
                    return
                errors.append(error)
            done(PlayResult(None, errors[-1] if errors else self.unavailable()))
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def _run(
        self, player: str, job: PlayJob
    ) -> tuple[float, str | None, subprocess.Popen[bytes] | None]:
        """Start the player; an early exit is its answer, else it is playing (returned)."""
        if player == "winsound":
            import winsound  # type: ignore[import-not-found,unused-ignore]

            started = time.monotonic()
            winsound.PlaySound(str(job.sound.wav), winsound.SND_FILENAME)  # type: ignore[attr-defined,unused-ignore]
            return started, None, None
        with self._cond:
            if self._closed:
                return time.monotonic(), "the sound service was closed", None
            try:
                proc = subprocess.Popen(
                    [*_PLAYERS[player], str(job.sound.wav)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            except OSError as exc:
                return time.monotonic(), str(exc), None
            self._procs.add(proc)
        started = time.monotonic()
        try:
            proc.wait(EARLY_EXIT)  # a missing device fails within milliseconds
        except subprocess.TimeoutExpired:
            return started, None, proc  # playing: its line is written now, at its onset
        error = _error_of(proc)
        with self._cond:
            self._procs.discard(proc)
        return started, error, None

    def _finish(self, proc: subprocess.Popen[bytes], job: PlayJob) -> None:
        """Wait for a playing player; a failure after the onset is a later word on the cue."""
        error = _error_of(proc)
        with self._cond:
            self._procs.discard(proc)
            stopped = self._closed
        if error is not None and not stopped and job.on_lost is not None:
            job.on_lost(f"cut short: {error}")

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._running == 0, timeout)

    def close(self) -> None:
        """Stop every player this backend started: no sound after the app has gone."""
        with self._cond:
            self._closed = True
            procs = list(self._procs)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _error_of(proc: subprocess.Popen[bytes]) -> str | None:
    """None when the player ended well, else its last line of complaint."""
    _, err = proc.communicate()  # blocks until the player exits; no polling
    if proc.returncode == 0:
        return None
    lines = err.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {proc.returncode}"


def _default_ring() -> None:
    stream = sys.__stdout__
    # Served to a browser, stdout is the web driver's packet stream: a bell there breaks it.
    if stream is None or not stream.isatty():
        raise OSError("standard output is not a terminal")
    stream.write("\a")
    stream.flush()


class _Stateless:
    """A backend that holds nothing: no device to find, no sound to load, nothing to release."""

    def unavailable(self) -> str | None:
        return None

    def start(self) -> str | None:
        return None

    def preload(self, sound: ScaledSound) -> None:
        """Nothing to load."""

    def wait_idle(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release."""


class BellBackend(_Stateless):
    """The terminal bell: used only when the user opted in, because it is not soft."""

    name = "bell"

    def __init__(self, ring: Callable[[], None] | None = None) -> None:
        self._ring = ring or _default_ring

    def play(self, job: PlayJob, done: Done) -> None:
        try:
            self._ring()
        except (OSError, ValueError) as exc:
            done(PlayResult(None, f"the terminal bell failed ({exc})"))
            return
        done(PlayResult(time.monotonic()))


class VisualBackend(_Stateless):
    """Plays nothing and always succeeds: the UI's calm flash is the cue."""

    name = "visual"

    def play(self, job: PlayJob, done: Done) -> None:
        done(PlayResult(time.monotonic()))
