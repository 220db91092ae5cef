"""The one ending every cut-short sound gets: a raised cosine down to silence over ``FADE`` s.

Shared by the worker's ALSA stream and the system player's feed, so a cue cut short by quit
or by a newer cue ends the same way on both backends: softly, never mid-wave.
"""

from __future__ import annotations

import math
from array import array

FADE = 0.2  # seconds: the issue asks for at least 150 ms


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
