"""Synthesise the bundled cue sounds by modal synthesis, deterministically, standard library only.

Each instrument is a sum of its vibration modes: a partial at a measured frequency ratio that
starts when the mallet lands and dies away at its own rate (``amp * exp(-t / tau)``). Where a
real instrument's mode is split into a close pair (a "doublet", from a bowl or bell not quite
round), the weaker twin is at most a fifth of the stronger, so the slow beating it makes never
dips the sound by more than 6 dB. A soft mallet is a raised-cosine attack of a few
milliseconds; the end is the instrument's own decay, with a gentle fade to an exact zero on
the last sample. Every sound is then scaled to the same integrated loudness (ITU-R BS.1770,
-30 LUFS) and checked for true peak (at most -12 dBTP). The sources of the mode data are in
README.md next to this script. Running the script twice gives byte-identical files.

    python sounds/make_sounds.py            # rewrite the WAVs next to this script
    python sounds/make_sounds.py OUT_DIR    # write them somewhere else
"""

from __future__ import annotations

import math
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

RATE = 32000  # mono; the highest partial kept is under 10 kHz, so 32 kHz loses nothing
TARGET_LUFS = -30.0
MAX_TRUE_PEAK_DBTP = -12.0


@dataclass(frozen=True)
class Mode:
    """One vibration mode: ratio to the fundamental, amplitude, decay time constant (s).

    ``split`` (Hz) and ``twin`` (its amplitude relative to ``amp``) describe a doublet.
    """

    ratio: float
    amp: float
    tau: float
    split: float = 0.0
    twin: float = 0.0


@dataclass(frozen=True)
class Instrument:
    f0: float
    modes: tuple[Mode, ...]
    seconds: float
    attack: float  # seconds of raised-cosine onset (the mallet's softness)
    fade: float  # seconds of raised-cosine fade at the very end


BOWL = Instrument(  # a struck singing bowl, G3; ring modes (n,0) for n = 2..5
    196.0,
    (
        Mode(1.0, 1.0, 7.0, 0.33, 0.18),
        Mode(2.83, 0.45, 3.6, 0.55, 0.18),
        Mode(5.38, 0.16, 1.7, 0.9, 0.15),
        Mode(8.70, 0.05, 0.8, 1.4, 0.15),
    ),
    20.0,
    0.006,
    3.0,
)
BELL = Instrument(  # a small handbell, C5: (2,0), the tuned twelfth (3,0), and (4,0)
    523.25,
    (
        Mode(1.0, 1.0, 2.6, 0.4, 0.15),
        Mode(3.0, 0.28, 1.3, 0.7, 0.15),
        Mode(5.43, 0.07, 0.5, 1.1, 0.1),
    ),
    6.0,
    0.004,
    1.5,
)
KNOCK = Instrument(  # a wooden block struck with a hard stick, free-free bar modes
    430.0,
    (
        Mode(1.0, 1.0, 0.2),
        Mode(2.756, 0.3, 0.06),
        Mode(5.404, 0.1, 0.025),
        Mode(8.933, 0.04, 0.012),
    ),
    1.0,
    0.003,
    0.3,
)
TINGSHA = Instrument(  # two small cymbals (A6 and a few hertz above), soft strike
    1760.0,
    (
        Mode(1.0, 1.0, 2.2, 5.5, 0.18),
        Mode(2.76, 0.10, 0.7, 9.0, 0.15),
        Mode(5.40, 0.025, 0.25),
    ),
    7.0,
    0.015,
    1.5,
)


def modal(inst: Instrument) -> list[float]:
    """Sum the instrument's decaying modes under its attack and end fade."""
    n = int(inst.seconds * RATE)
    out = [0.0] * n
    for k, m in enumerate(inst.modes):
        for freq, amp in (
            (inst.f0 * m.ratio, m.amp),
            (inst.f0 * m.ratio + m.split, m.amp * m.twin),
        ):
            if amp == 0.0:
                continue
            w, decay, phase = 2 * math.pi * freq / RATE, math.exp(-1.0 / (m.tau * RATE)), 0.3 * k
            env = amp
            for i in range(n):
                out[i] += env * math.sin(w * i + phase)
                env *= decay
    _shape(out, inst.attack, inst.fade)
    return out


def swell() -> list[float]:
    """An open fifth on A (A3, E4, A4) that rises and falls once: steady pitch, no vibrato."""
    seconds, n = 4.0, int(4.0 * RATE)
    chord = ((220.0, 1.0), (330.0, 0.55), (440.0, 0.25))
    out = []
    for i in range(n):
        t = i / RATE
        tone = sum(a * math.sin(2 * math.pi * f * t) for f, a in chord)
        out.append(tone * math.sin(math.pi * t / seconds) ** 2)
    _shape(out, 0.05, 0.3)
    return out


def _shape(out: list[float], attack: float, fade: float) -> None:
    """Raised-cosine onset from an exact zero and fade to an exact zero: no click at either end."""
    n, a, r = len(out), max(2, int(attack * RATE)), max(2, int(fade * RATE))
    for i in range(a):
        out[i] *= 0.5 - 0.5 * math.cos(math.pi * i / a)
    for j in range(r):
        out[n - 1 - j] *= 0.5 - 0.5 * math.cos(math.pi * j / r)


# --- ITU-R BS.1770-4 loudness (mono), for the normalisation --------------------------


def _biquad(x: list[float], b: tuple[float, float, float], a: tuple[float, float]) -> list[float]:
    y, x1, x2, y1, y2 = [], 0.0, 0.0, 0.0, 0.0
    for v in x:
        o = b[0] * v + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2
        x2, x1, y2, y1 = x1, v, y1, o
        y.append(o)
    return y


def k_weighted(x: list[float], rate: int) -> list[float]:
    """The two K-weighting stages (high shelf, then high pass), designed for ``rate``."""
    k = math.tan(math.pi * 1681.974450955533 / rate)
    vh, q = 10 ** (3.999843853973347 / 20), 0.7071752369554196
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    x = _biquad(x, shelf, (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))
    k, q = math.tan(math.pi * 38.13547087602444 / rate), 0.5003270373238773
    a0 = 1 + k / q + k * k
    return _biquad(x, (1.0, -2.0, 1.0), (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))


def integrated_lufs(x: list[float], rate: int) -> float:
    """Gated loudness: 400 ms blocks every 100 ms, -70 LUFS absolute and -10 LU relative gates."""
    y = k_weighted(x, rate)
    block, step = int(0.4 * rate), int(0.1 * rate)
    squares = [v * v for v in y]
    powers = [sum(squares[s : s + block]) / block for s in range(0, len(y) - block + 1, step)]
    loud = [p for p in powers if p > 0 and -0.691 + 10 * math.log10(p) > -70]
    gate = -0.691 + 10 * math.log10(sum(loud) / len(loud)) - 10
    kept = [p for p in loud if -0.691 + 10 * math.log10(p) > gate]
    return -0.691 + 10 * math.log10(sum(kept) / len(kept))


def _quantise(x: list[float]) -> array:
    """Scale to the target loudness (full scale = 1.0) and round to int16."""
    gain = 10 ** ((TARGET_LUFS - integrated_lufs(x, RATE)) / 20)
    peak_dbfs = 20 * math.log10(max(abs(v) for v in x) * gain)
    if peak_dbfs > MAX_TRUE_PEAK_DBTP - 1.0:  # 1 dB left for inter-sample peaks
        raise SystemExit(f"peak {peak_dbfs:.1f} dBFS at {TARGET_LUFS} LUFS: too loud a transient")
    return array("h", (round(v * gain * 32767) for v in x))


SOUNDS = {
    "singing-bowl": lambda: modal(BOWL),
    "soft-bell": lambda: modal(BELL),
    "wooden-tap": lambda: modal(KNOCK),
    "tingsha": lambda: modal(TINGSHA),
    "gentle-swell": swell,
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
        write(out / f"{name}.wav", _quantise(make()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
