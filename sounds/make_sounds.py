"""Synthesise the bundled cue sounds, deterministically, with the standard library only.

Every sound is a sum of decaying sine partials (or, for the wooden tap, a short burst of
seeded noise through a resonator), shaped by an attack ramp and a fade that reaches exact
zero on the last sample, then normalised to a fixed peak well below full scale. Nothing
here depends on the time, the locale or a random seed that changes: running the script
twice gives byte-identical files.

    python sounds/make_sounds.py            # rewrite the WAVs next to this script
    python sounds/make_sounds.py OUT_DIR    # write them somewhere else
"""

from __future__ import annotations

import math
import sys
import wave
from array import array
from collections.abc import Callable
from pathlib import Path

RATE = 44100
PEAK_DBFS = -14.0  # the issue asks for <= -12 dBFS; 2 dB of margin after rounding
PEAK = 32767 * 10 ** (PEAK_DBFS / 20)

# (frequency ratio to the fundamental, relative amplitude, decay time constant in seconds)
Partial = tuple[float, float, float]


def _partials(t: float, f0: float, partials: list[Partial], beat: float) -> float:
    """Sum decaying partials; each is a pair detuned by ``beat`` Hz, which makes metal shimmer."""
    total = 0.0
    for ratio, amp, tau in partials:
        f = f0 * ratio
        env = amp * math.exp(-t / tau)
        total += env * (math.sin(2 * math.pi * f * t) + math.sin(2 * math.pi * (f + beat) * t))
    return total / 2


def _envelope(i: int, n: int, attack: int, release: int) -> float:
    """Raised-cosine attack from exact 0 and raised-cosine release to exact 0: no clicks."""
    if i < attack:
        return 0.5 - 0.5 * math.cos(math.pi * i / attack)
    tail = n - 1 - i
    if tail < release:
        return 0.5 - 0.5 * math.cos(math.pi * tail / release)
    return 1.0


def _render(
    seconds: float, attack_s: float, release_s: float, fn: Callable[[float], float]
) -> array:
    """Sample ``fn`` over ``seconds``, apply the envelope, normalise, quantise to int16."""
    n = int(seconds * RATE)
    attack, release = max(2, int(attack_s * RATE)), max(2, int(release_s * RATE))
    raw = [fn(i / RATE) * _envelope(i, n, attack, release) for i in range(n)]
    scale = PEAK / max(abs(x) for x in raw)
    return array("h", (round(x * scale) for x in raw))


def singing_bowl() -> array:
    """A warm bowl: low fundamental, inharmonic partials (ratios of a real bowl), long decay."""
    parts: list[Partial] = [
        (1.0, 1.0, 2.2),
        (2.71, 0.45, 1.3),
        (5.02, 0.18, 0.7),
        (7.93, 0.06, 0.4),
    ]
    return _render(5.0, 0.012, 1.0, lambda t: _partials(t, 196.0, parts, 0.9))


def soft_bell() -> array:
    """A small, soft bell: a clear fundamental with a quiet bell-like partial set."""
    parts: list[Partial] = [
        (1.0, 1.0, 0.8),
        (2.0, 0.25, 0.45),
        (2.76, 0.15, 0.3),
        (5.4, 0.04, 0.15),
    ]
    return _render(2.5, 0.006, 0.4, lambda t: _partials(t, 659.25, parts, 1.5))


def wooden_tap() -> array:
    """A wooden tap: a short seeded-noise knock through a resonator at ~520 Hz, plus its body."""
    n = int(0.5 * RATE)
    state, noise = 12345, []
    for _ in range(n):  # a fixed linear congruential generator: the same noise every run
        state = (1103515245 * state + 12345) & 0x7FFFFFFF
        noise.append(state / 0x3FFFFFFF - 1.0)
    r, w = 0.9985, 2 * math.pi * 520.0 / RATE  # a two-pole resonator
    y1 = y2 = 0.0
    out = []
    for i, x in enumerate(noise):
        t = i / RATE
        y = x * math.exp(-t / 0.004) + 2 * r * math.cos(w) * y1 - r * r * y2
        y2, y1 = y1, y
        out.append(
            y * math.exp(-t / 0.05) + 40 * math.sin(2 * math.pi * 260 * t) * math.exp(-t / 0.03)
        )
    return _render(0.5, 0.002, 0.15, lambda t: out[min(n - 1, round(t * RATE))])


def tingsha() -> array:
    """Two small cymbals struck together: two high tones a little apart, shimmering as they fade."""
    a: list[Partial] = [(1.0, 1.0, 1.1), (2.76, 0.2, 0.4)]
    b: list[Partial] = [(1.0, 0.9, 1.0), (2.76, 0.18, 0.35)]
    return _render(
        3.5, 0.004, 0.5, lambda t: _partials(t, 2093.0, a, 0.0) + _partials(t, 2100.5, b, 0.0)
    )


def gentle_swell() -> array:
    """A soft chord that rises and falls again, for a cue that should barely be noticed."""

    def fn(t: float) -> float:
        vib = 1 + 0.002 * math.sin(2 * math.pi * 4.5 * t)
        chord = sum(
            a * math.sin(2 * math.pi * f * vib * t)
            for f, a in ((220.0, 1.0), (330.0, 0.6), (440.0, 0.3))
        )
        return chord * math.sin(math.pi * t / 3.0) ** 2  # one slow swell over the 3 s

    return _render(3.0, 0.05, 0.3, fn)


SOUNDS: dict[str, Callable[[], array]] = {
    "singing-bowl": singing_bowl,
    "soft-bell": soft_bell,
    "wooden-tap": wooden_tap,
    "tingsha": tingsha,
    "gentle-swell": gentle_swell,
}


def write(path: Path, samples: array) -> None:
    """Write mono 16-bit WAV; the wave module writes no timestamps, so output is reproducible."""
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    for name, make in SOUNDS.items():
        write(out / f"{name}.wav", make())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
