"""A sound fed to aplay through a pipe, a little at a time, so that it can fade out.

aplay given a file reads it by itself, and the only way to stop it early (terminate) cuts
the sound mid-wave: a click. Fed raw samples on its stdin instead, it plays what it is
given. The pipe is kept small and aplay's buffer short, so at most about ``AHEAD`` s is
written ahead of what is heard; :meth:`PlayerFeed.fade` makes what is still to be written
ramp down over ``fade.FADE`` s (the same raised cosine as the worker's stream), then ends
the input, and aplay plays the fade out and exits by itself. Used by the system backend.
"""

from __future__ import annotations

import contextlib
import fcntl
import sys
import threading
from array import array
from typing import IO

from sessiontimer.audio.fade import FADE, ramp

PIECE = 0.01  # seconds written per call
PIPE_SECONDS = 0.25  # what the pipe may hold: slack for a busy app, the fade's delay
BUFFER_US = 100_000  # aplay's own buffer, in microseconds
AHEAD = PIPE_SECONDS + BUFFER_US / 1e6  # seconds written ahead of what is heard, at most
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux; Python 3.10 names it too


def aplay_command(rate: int, channels: int) -> list[str]:
    """aplay reading raw 16-bit samples from stdin, with a short buffer."""
    return [
        "aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", str(rate), "-c", str(channels),
        f"--buffer-time={BUFFER_US}", "-",
    ]  # fmt: skip


def pcm_bytes(samples: array[int]) -> bytes:
    """16-bit little-endian bytes, whatever the machine's byte order."""
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


class PlayerFeed:
    """Writes ``frames`` to the player's unbuffered stdin in a thread, piece by piece."""

    def __init__(self, stdin: IO[bytes], frames: bytes, channels: int, rate: int) -> None:
        self._stdin, self._frames, self._channels, self._rate = stdin, frames, channels, rate
        self._lock = threading.Lock()
        self._pos = 0  # frames written
        self._fade_at: int | None = None
        self._done = threading.Event()
        size = max(4096, int(PIPE_SECONDS * rate) * 2 * channels)
        with contextlib.suppress(OSError):  # a small pipe: the fade is heard soon after asked
            fcntl.fcntl(stdin.fileno(), _F_SETPIPE_SZ, size)
        threading.Thread(target=self._run, daemon=True, name="player-feed").start()

    def fade(self) -> None:
        """Ramp down from the next piece written, then end the input: never a click."""
        with self._lock:
            if self._fade_at is None:
                self._fade_at = self._pos

    def wait_done(self, timeout: float | None = None) -> bool:
        """Until every piece (or the fade) is written and the input closed."""
        return self._done.wait(timeout)

    def _run(self) -> None:
        width = 2 * self._channels
        total, step = len(self._frames) // width, max(1, int(self._rate * PIECE))
        fade_len = max(1, int(FADE * self._rate))
        try:
            while True:
                with self._lock:
                    pos, fade_at = self._pos, self._fade_at
                end = min(total, pos + step)
                if fade_at is not None:
                    end = min(end, fade_at + fade_len)
                if pos >= end:
                    break
                piece = self._frames[pos * width : end * width]
                if fade_at is not None:
                    piece = ramp(piece, self._channels, pos - fade_at, fade_len)
                _write_all(self._stdin, piece)  # blocks while the pipe is full: paced by aplay
                with self._lock:
                    self._pos = end
        except OSError:
            pass  # the player is gone (failed or stopped): its exit says why
        finally:
            with contextlib.suppress(OSError):  # the end of input: aplay drains it and exits
                self._stdin.close()
            self._done.set()


def _write_all(stream: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[stream.write(view) or 0 :]
