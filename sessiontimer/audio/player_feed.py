"""Sounds fed to a system player through a pipe, a little at a time, so that they can fade.

A player given a file reads it by itself, and the only way to stop it early (terminate) cuts
the sound mid-wave: a click. Fed samples on its stdin instead, it plays what it is given.
aplay and paplay take raw 16-bit samples; pw-play (PipeWire's pw-cat, which reads through
libsndfile) takes a WAV stream: a header, then the same samples. The pipe is kept small and
the player's buffer short, so at most about ``AHEAD`` s is written ahead of what is heard;
:meth:`PlayerFeed.fade` makes what is still to be written ramp down over ``fade.FADE`` s (the
worker's raised cosine, through the same write loop, ``fade.FadingFrames``), then ends the
input, and the player plays the fade out and exits by itself. afplay (macOS) and winsound
(Windows) read only files: they cannot be fed, so a cue cut short there stops at once.

A cue handed over ahead of its moment (``at``) starts the player early and feeds it silence
first: one piece, then, once the player has read it (its device is open and its clock runs),
as much more as lies between that first read and ``at``, so the sound is heard at ``at``
however long the player took to start. The silence is written at most ``FEED_AHEAD`` ahead
of the player's clock, so a cancel before then (:meth:`PlayerFeed.cancel`) is never heard.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import sys
import termios
import threading
import time
from array import array
from typing import IO

from sessiontimer.audio.fade import PIECE, FadingFrames

PIPE_SECONDS = 0.25  # what the pipe may hold: slack for a busy app, the fade's delay
BUFFER_US = 100_000  # the player's own buffer, in microseconds
AHEAD = PIPE_SECONDS + BUFFER_US / 1e6  # seconds written ahead of what is heard, at most
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux; Python 3.10 names it too
WATCH_FOR = 2.0  # seconds the first read is watched for; a player slower than that is hung
FEED_AHEAD = 0.2  # seconds of leading silence written ahead of the player's clock, at most
DROP_MARGIN = 0.03  # a cancel this close to the onset fades instead


def command(player: str, rate: int, channels: int) -> list[str]:
    """``player`` (pw-play, paplay or aplay) reading 16-bit samples from stdin, with a short
    buffer."""
    ms = BUFFER_US // 1000
    if player == "paplay":
        return [
            "paplay", "--raw", "--format=s16le", f"--rate={rate}", f"--channels={channels}",
            f"--latency-msec={ms}",
        ]  # fmt: skip
    if player == "pw-play":
        # The rate and channels: the header's. Named /dev/stdin, not "-": pw-play 0.3.65
        # reading "-" got through 3 s of piped sound in 1.2 s, skipping the silence fed
        # ahead (cues heard 104-171 ms early); given the path, it reads at real time.
        return ["pw-play", "--latency", f"{ms}ms", "/dev/stdin"]
    return [
        "aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", str(rate), "-c", str(channels),
        f"--buffer-time={BUFFER_US}", "-",
    ]  # fmt: skip


def header(player: str, rate: int, channels: int, frames: int) -> bytes:
    """What goes before the samples: a WAV header for pw-play, nothing for the others."""
    if player != "pw-play":
        return b""
    size = frames * 2 * channels
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    return (
        b"RIFF" + struct.pack("<I", 36 + size) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", size)
    )  # fmt: skip


def pcm_bytes(samples: array[int]) -> bytes:
    """16-bit little-endian bytes, whatever the machine's byte order."""
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


class PlayerFeed:
    """Writes ``prefix`` then ``frames`` to the player's unbuffered stdin in a thread."""

    def __init__(
        self,
        stdin: IO[bytes],
        frames: bytes,
        channels: int,
        rate: int,
        prefix: bytes = b"",
        at: float | None = None,
    ) -> None:
        self._stdin, self._prefix, self._at = stdin, prefix, at
        self._channels, self._rate = channels, rate
        self._sound = FadingFrames(frames, channels, rate)
        self._lock = threading.Lock()
        self._begun = self._cancelled = False
        self._onset: float | None = None
        self._onset_known = threading.Event()
        self._done = threading.Event()
        self._written = 0  # bytes
        self._first_read: float | None = None
        self._read = threading.Event()
        size = max(4096, int(PIPE_SECONDS * rate) * 2 * channels)
        with contextlib.suppress(OSError):  # a small pipe: the fade is heard soon after asked
            fcntl.fcntl(stdin.fileno(), _F_SETPIPE_SZ, size)
        watched = os.dup(stdin.fileno())  # before the writer may close it
        threading.Thread(target=self._run, daemon=True, name="player-feed").start()
        threading.Thread(target=self._watch, args=(watched,), daemon=True).start()

    def began(self, timeout: float) -> float | None:
        """When the player first read a sample (``time.monotonic()``): it opens the device
        before it reads, so this is the sound's onset, not the process's start. None if it
        has not read within ``timeout`` or the pipe cannot tell (not Linux)."""
        self._read.wait(timeout)
        return self._first_read

    def _watch(self, fd: int) -> None:
        """Poll the pipe's unread bytes (1 ms) until the player has read past the header.

        ``fd`` is a copy of the pipe's end, so a short sound whose input is already closed
        can still be watched; closing it (soon: the player reads at once) lets EOF through.
        """
        deadline = time.monotonic() + WATCH_FOR
        try:
            while time.monotonic() < deadline:
                # What was written is read first: bytes written after it can only make the
                # difference smaller. Read the other way round, a write that landed between
                # the two looks like bytes the player took (an onset before its first read).
                written = self._written
                unread = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
                if written - unread > len(self._prefix):
                    self._first_read = time.monotonic()
                    return
                time.sleep(0.001)
        except OSError:
            pass  # a pipe that cannot say: the onset stays the player's start
        finally:
            os.close(fd)
            self._read.set()

    def onset(self, timeout: float) -> float | None:
        """When the sound is heard (``time.monotonic()``): its first read for a sound fed at
        once, the planned moment (or later, if the player ran dry) for one fed ahead."""
        if self._at is None:
            return self.began(timeout)
        self._onset_known.wait(timeout)
        return self._onset

    @property
    def cancelled(self) -> bool:
        with self._lock:
            return self._cancelled

    def cancel(self) -> bool:
        """Before the sound is written: end the input after the silence (True, never
        heard). Written, but still ``DROP_MARGIN`` before its onset: True, and the caller
        stops the player (what it holds is not yet heard). After: fade it out (False)."""
        with self._lock:
            soon = self._onset is not None and time.monotonic() < self._onset - DROP_MARGIN
            if not self._begun or soon:
                self._cancelled = True
                return True
        self.fade()
        return False

    def fade(self) -> None:
        """Ramp down from the next piece written, then end the input: never a click."""
        with self._lock:
            if not self._begun:
                self._cancelled = True  # not begun: nothing of it is heard
        self._sound.fade()

    def wait_done(self, timeout: float | None = None) -> bool:
        """Until every piece (or the fade) is written and the input closed."""
        return self._done.wait(timeout)

    def _write(self, piece: bytes, frames: int) -> int:
        _write_all(self._stdin, piece)  # blocks while the pipe is full: paced by the player
        self._written += len(piece)
        return frames

    def _lead_in(self) -> bool:
        """Silence up to ``at`` on the player's clock (from its first read); False if the
        cue was cancelled meanwhile."""
        width, step = 2 * self._channels, max(1, int(self._rate * PIECE))
        self._write(bytes(step * width), step)
        self._read.wait(WATCH_FOR)
        base = self._first_read or time.monotonic()
        planned = max(step, round(((self._at or base) - base) * self._rate))
        written = step
        while written < planned:
            ahead = base + written / self._rate - FEED_AHEAD - time.monotonic()
            if ahead > 0:
                time.sleep(min(ahead, PIECE))
                with self._lock:
                    if self._cancelled:
                        return False
                continue
            n = min(step, planned - written)
            self._write(bytes(n * width), n)
            written += n
        with self._lock:
            if self._cancelled:
                return False
            self._begun = True
        # The player's clock has passed what was written: it ran dry, the sound is late.
        self._onset = max(base + planned / self._rate, time.monotonic())
        return True

    def _run(self) -> None:
        try:
            if self._prefix:
                _write_all(self._stdin, self._prefix)
                self._written += len(self._prefix)
            if self._at is not None:
                if not self._lead_in():
                    return
                self._onset_known.set()
            else:
                with self._lock:
                    self._begun = True
            self._sound.write_all(self._write)
        except OSError:
            pass  # the player is gone (failed or stopped): its exit says why
        finally:
            self._onset_known.set()
            with contextlib.suppress(OSError):  # the end of input: it drains and exits
                self._stdin.close()
            self._done.set()


def _write_all(stream: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[stream.write(view) or 0 :]
