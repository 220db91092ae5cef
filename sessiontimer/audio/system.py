"""The fallbacks: the system's own player, the terminal bell, and a visual-only cue.

The system player gets pre-scaled samples, so volume needs no player-specific flag. pw-play,
paplay and aplay are fed them through a pipe (``player_feed``), so a cue cut short by a newer
cue or by quit fades out over 200 ms, as on the worker; afplay and winsound read only files
and can only be stopped at once (``fades`` says which; ``doctor`` tells the user). Its
onset is the moment a fed player first read a sample (it opens the device first; a player
given a file: the moment it was started); it counts as started once it has run for
``EARLY_EXIT`` without failing (a missing device fails at once), and a failure after that is
reported as a later word on the cue (``PlayJob.on_lost``). Closing fades, then stops, every
player still running, so no sound outlives the app. A player that fails hands over to the
next one; none is dropped for good, so a device that comes back is used again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sessiontimer.audio.base import Done, PlayJob, PlayResult
from sessiontimer.audio.sound import ScaledSound

if TYPE_CHECKING:
    from sessiontimer.audio.player_feed import PlayerFeed

# In order of preference: PipeWire, PulseAudio, plain ALSA; macOS's own player.
EARLY_EXIT = 0.15  # seconds: a player still running after this is playing
# Fed through a pipe (``player_feed``, imported late: it needs fcntl): these fade when cut
# short. afplay and winsound read only files.
STREAMED = frozenset({"pw-play", "paplay", "aplay"})
CLOSE_WAIT = 1.0  # seconds close waits for fades before it stops what is left
FIRST_READ_WAIT = 1.0  # seconds a fed player may take to read its first sample (its onset)
_PLAYERS: dict[str, list[str]] = {
    "pw-play": ["pw-play"],
    "paplay": ["paplay"],
    "aplay": ["aplay", "-q"],
    "afplay": ["afplay"],
}


SYSTEM_PULSE = Path("/run/pulse/native")  # a PulseAudio server in system mode


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False


def _runtime_dir(*names: str) -> Path | None:
    for name in names:
        if os.environ.get(name):
            return Path(os.environ[name])
    return None


def _server_runs(player: str) -> bool:
    """Whether the sound server ``player`` talks to is there: its socket exists (cheap; a
    server named in the environment counts, the player itself will say if it is not)."""
    if player == "pw-play":
        remote = os.environ.get("PIPEWIRE_REMOTE") or "pipewire-0"
        folder = _runtime_dir("PIPEWIRE_RUNTIME_DIR", "XDG_RUNTIME_DIR", "USERPROFILE")
        path = Path(remote) if remote.startswith("/") else folder / remote if folder else None
        return path is not None and _is_socket(path)
    if os.environ.get("PULSE_SERVER"):
        return True
    pulse = _runtime_dir("PULSE_RUNTIME_PATH")
    xdg = _runtime_dir("XDG_RUNTIME_DIR")
    places = [pulse / "native" if pulse else None, xdg / "pulse" / "native" if xdg else None]
    return any(_is_socket(p) for p in [*places, SYSTEM_PULSE] if p is not None)


def find_players() -> list[str]:
    """The system players present here, best first: those whose sound server runs (PipeWire,
    then PulseAudio), then aplay (plain ALSA, or the server through ALSA), then the others
    (their server may start later). pw-play installed where PulseAudio or no server runs
    would otherwise fail every session's first cue over to the next player."""
    if sys.platform == "win32":
        return ["winsound"]
    if sys.platform == "darwin":
        return [n for n in ["afplay"] if shutil.which(n)]
    present = [n for n in ["pw-play", "paplay", "aplay"] if shutil.which(n)]
    served = [n for n in present if n != "aplay" and _server_runs(n)]
    return (
        served
        + [n for n in present if n == "aplay"]
        + [n for n in present if n not in served and n != "aplay"]
    )


class SystemPlayerBackend:
    """Runs pw-play, paplay or aplay (afplay on macOS, winsound on Windows) per cue."""

    def __init__(self, players: list[str] | None = None) -> None:
        self._players = find_players() if players is None else list(players)
        self._running = 0
        self._cond = threading.Condition()
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._feeds: dict[subprocess.Popen[bytes], PlayerFeed] = {}
        self._by_job: dict[int, PlayerFeed] = {}  # a job's feed, for a cancel
        self._closed = False

    @property
    def name(self) -> str:
        return self._players[0] if self._players else "system"

    @property
    def schedules(self) -> bool:
        """Whether a cue handed over ahead is heard at its moment (a fed player: leading
        silence from its first read); others are given the cue at its moment."""
        return self.fades

    def cancel(self, play_id: int) -> None:
        """A cue handed over ahead is withdrawn: never heard if its sound is not yet fed."""
        with self._cond:
            feed = self._by_job.get(play_id)
            procs = [proc for proc, f in self._feeds.items() if f is feed]
        if feed is not None and feed.cancel():
            for proc in procs:  # it holds silence and the sound not yet heard: stop it
                with contextlib.suppress(OSError):
                    proc.kill()

    @property
    def fades(self) -> bool:
        """Whether a cue cut short fades out on the player tried first (else it stops)."""
        return bool(self._players) and self._players[0] in STREAMED

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
        answered = False
        try:
            errors = []
            for player in list(self._players):
                started, error, proc = self._run(player, job)
                if error is None:
                    with self._cond:
                        if self._players[0] != player:
                            self._players.remove(player)
                            self._players.insert(0, player)
                    answered = True
                    if self._cancelled_before(job, started):
                        return  # withdrawn before its onset: it never sounded
                    done(PlayResult(started))
                    if proc is not None:
                        self._finish(proc, job)
                    return
                errors.append(error)
            answered = True
            # The reason of the player tried first: the one that last worked (a server gone
            # away), not of one tried after it that was never in use (no ALSA device either).
            done(PlayResult(None, errors[0] if errors else self.unavailable()))
        except Exception as exc:  # a cue is always answered: the next backend takes it
            if not answered:
                done(PlayResult(None, f"the system player failed ({exc})"))
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
        fading = self._fade_all()  # a newer cue: the one still sounding fades out
        started, error, proc = self._spawn(player, job)
        if error is not None and fading:  # a device without mixing: make room, try again
            for feed in fading:
                feed.wait_done(CLOSE_WAIT)
            self._wait_gone(fading, CLOSE_WAIT)
            started, error, proc = self._spawn(player, job)
        return started, error, proc

    def _cancelled_before(self, job: PlayJob, onset: float) -> bool:
        """A cue fed ahead is told at its onset, not before: True if it was cancelled
        while it waited for it (a pause, a move just before its moment)."""
        with self._cond:
            feed = self._by_job.get(job.id)
        if feed is None or job.at is None:
            return False
        while (wait := onset - time.monotonic()) > 0 and not feed.cancelled:
            time.sleep(min(wait, 0.01))
        return feed.cancelled

    def _spawn(
        self, player: str, job: PlayJob
    ) -> tuple[float, str | None, subprocess.Popen[bytes] | None]:
        sound = job.sound
        streamed = player in STREAMED
        with self._cond:
            if self._closed:
                return time.monotonic(), "the sound service was closed", None
            try:
                if streamed:
                    from sessiontimer.audio import player_feed

                    cmd = player_feed.command(player, sound.rate, sound.channels)
                else:
                    cmd = [*_PLAYERS[player], str(sound.wav)]
                proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.PIPE if streamed else subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    bufsize=0,
                )
            except OSError as exc:
                return time.monotonic(), str(exc), None
            self._procs.add(proc)
            if streamed and proc.stdin is not None:
                frames = player_feed.pcm_bytes(sound.samples)
                n = len(frames) // (2 * sound.channels)
                prefix = player_feed.header(player, sound.rate, sound.channels, n)
                feed = player_feed.PlayerFeed(
                    proc.stdin, frames, sound.channels, sound.rate, prefix, job.at
                )
                self._feeds[proc] = self._by_job[job.id] = feed
        started = time.monotonic()
        try:
            proc.wait(EARLY_EXIT)  # a missing device fails within milliseconds
        except subprocess.TimeoutExpired:
            fed = self._feeds.get(proc)
            wait = FIRST_READ_WAIT + max(0.0, (job.at or 0.0) - time.monotonic())
            began = fed.onset(wait) if fed is not None else None
            return began or started, None, proc  # playing: its line is written now
        error = _error_of(proc)
        self._forget(proc)
        return started, error, None

    def _fade_all(self) -> list[PlayerFeed]:
        """Fade every fed player still sounding; the feeds, to wait for if need be."""
        with self._cond:
            feeds = list(self._feeds.values())
        for feed in feeds:
            feed.fade()
        return feeds

    def _wait_gone(self, feeds: list[PlayerFeed], timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: not any(f in self._feeds.values() for f in feeds), timeout)

    def _forget(self, proc: subprocess.Popen[bytes]) -> None:
        with self._cond:
            self._procs.discard(proc)
            feed = self._feeds.pop(proc, None)
            self._by_job = {k: f for k, f in self._by_job.items() if f is not feed}
            self._cond.notify_all()
        if feed is not None:
            feed.fade()  # a player that died early: its feed ends at once (a broken pipe)

    def _finish(self, proc: subprocess.Popen[bytes], job: PlayJob) -> None:
        """Wait for a playing player; a failure after the onset is a later word on the cue."""
        error = _error_of(proc)
        self._forget(proc)
        with self._cond:
            stopped = self._closed
        if error is not None and not stopped and job.on_lost is not None:
            job.on_lost(f"cut short: {error}")

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._running == 0, timeout)

    def close(self) -> None:
        """Fade the fed players, stop the others: no sound after the app has gone.

        Waits for the fades (``CLOSE_WAIT`` at most), not for the sounds' ends.
        """
        with self._cond:
            self._closed = True
            procs = list(self._procs)
            fed = set(self._feeds)
        for feed in self._fade_all():
            feed.wait_done(CLOSE_WAIT)
        deadline = time.monotonic() + CLOSE_WAIT
        for proc in procs:
            if proc not in fed:
                proc.terminate()  # given a file: it cannot fade
        for proc in procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(0.5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _error_of(proc: subprocess.Popen[bytes]) -> str | None:
    """None when the player ended well, else its last line of complaint."""
    err = proc.stderr.read() if proc.stderr is not None else b""  # until the player exits
    proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()
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
