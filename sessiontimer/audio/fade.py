"""The one ending every cut-short sound gets: a raised cosine down to silence over ``FADE`` s.

Shared by the worker's ALSA stream and the system players' feeds (``FadingFrames`` is their
one write loop), so a cue cut short by quit or by a newer cue ends the same way on every
backend that can fade: softly, never mid-wave.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Callable

FADE = 0.2  # seconds: the issue asks for at least 150 ms
PIECE = 0.01  # seconds handed to the device or the player per write

# Writes ``piece`` (``frames`` frames); returns how many frames went, or None to stop.
Write = Callable[[bytes, int], "int | None"]


def ramp(piece: bytes, channels: int, start: int, length: int) -> bytes:
    """``piece`` (16-bit PCM) times a raised cosine falling from frame ``start`` of a
    ``length``-frame fade (frames past its end are silent)."""
    samples = array("h")
    samples.frombytes(piece)
    for i in range(len(samples)):
        k = start + i // channels
        gain = 0.5 + 0.5 * math.cos(math.pi * min(k, length) / length)
        samples[i] = round(samples[i] * gain)
    return samples.tobytes()


class FadingFrames:
    """A sound's frames written ``PIECE`` s at a time; once :meth:`fade` is asked, what is
    still to be written ramps down over ``FADE`` s and the writing ends there."""

    def __init__(self, frames: bytes, channels: int, rate: int) -> None:
        self._frames, self._channels, self._rate = frames, channels, rate
        self._lock = threading.Lock()
        self._pos = 0  # frames written
        self._fade_at: int | None = None  # the frame where the fade begins

    def fade(self) -> None:
        """Ramp down from the next piece written: never a click. Safe from any thread."""
        with self._lock:
            if self._fade_at is None:
                self._fade_at = self._pos

    def write_all(self, write: Write) -> None:
        """Hand every piece (or the pieces up to the fade's end) to ``write``, in order."""
        width = 2 * self._channels
        total, step = len(self._frames) // width, max(1, int(self._rate * PIECE))
        fade_len = max(1, int(FADE * self._rate))
        while True:
            with self._lock:
                pos, fade_at = self._pos, self._fade_at
            end = min(total, pos + step)
            if fade_at is not None:
                end = min(end, fade_at + fade_len)
            if pos >= end:
                return
            piece = self._frames[pos * width : end * width]
            if fade_at is not None:
                piece = ramp(piece, self._channels, pos - fade_at, fade_len)
            n = write(piece, end - pos)
            if n is None:
                return
            with self._lock:
                self._pos = pos + n
