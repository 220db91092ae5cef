"""Listening by numbers: loudness (ITU-R BS.1770-4), true peak, envelope, nulls, pitch.

Standard library only, written for the tests (the build script has its own loudness code;
these are checked against the standard's published coefficients and a reference tone).
"""

from __future__ import annotations

import cmath
import itertools
import math
import sys
import wave
from array import array
from pathlib import Path

Coeffs = tuple[tuple[float, float, float], tuple[float, float, float]]  # (b, a) with a[0] = 1


def read_mono(path: Path) -> tuple[list[float], int]:
    """Samples as floats (full scale 1.0) and the rate."""
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2, path
        rate, data = w.getframerate(), array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    return [v / 32768 for v in data], rate


def k_filters(rate: int) -> list[Coeffs]:
    """The K-weighting pre-filter and RLB high pass, by bilinear transform of their analog forms."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    d = 1 + k / q + k * k
    shelf = (
        ((vh + vb * k / q + k * k) / d, 2 * (k * k - vh) / d, (vh - vb * k / q + k * k) / d),
        (1.0, 2 * (k * k - 1) / d, (1 - k / q + k * k) / d),
    )
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    d = 1 + k / q + k * k
    high = ((1.0, -2.0, 1.0), (1.0, 2 * (k * k - 1) / d, (1 - k / q + k * k) / d))
    return [shelf, high]


def filtered(x: list[float], coeffs: Coeffs) -> list[float]:
    (b0, b1, b2), (_, a1, a2) = coeffs
    out, s1, s2 = [], 0.0, 0.0  # transposed direct form II
    for v in x:
        y = b0 * v + s1
        s1 = b1 * v - a1 * y + s2
        s2 = b2 * v - a2 * y
        out.append(y)
    return out


def block_powers(x: list[float], rate: int, seconds: float = 0.4) -> list[float]:
    """Mean square of the K-weighted signal in blocks of ``seconds`` every 100 ms."""
    for c in k_filters(rate):
        x = filtered(x, c)
    size, step = round(seconds * rate), round(0.1 * rate)
    prefix = [0.0]
    for v in x:
        prefix.append(prefix[-1] + v * v)
    return [(prefix[s + size] - prefix[s]) / size for s in range(0, len(x) - size + 1, step)]


def lufs(power: float) -> float:
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def integrated(x: list[float], rate: int) -> float:
    """Integrated loudness in LUFS (absolute gate -70 LUFS, relative gate -10 LU)."""
    powers = [p for p in block_powers(x, rate) if lufs(p) > -70.0]
    relative = lufs(sum(powers) / len(powers)) - 10.0
    kept = [p for p in powers if lufs(p) > relative]
    return lufs(sum(kept) / len(kept))


def momentary_max(x: list[float], rate: int) -> float:
    return lufs(max(block_powers(x, rate)))


def true_peak_dbtp(x: list[float], taps: int = 24) -> float:
    """Peak of the signal upsampled 4x (windowed sinc) around every loud sample, in dBTP."""
    top = max(abs(v) for v in x)
    best = top
    for i, v in enumerate(x):
        if abs(v) < 0.7 * top or i < taps or i >= len(x) - taps:
            continue
        for frac in (0.25, 0.5, 0.75):
            s = 0.0
            for j in range(-taps + 1, taps + 1):
                u = j - frac
                window = 0.5 + 0.5 * math.cos(math.pi * u / taps)
                s += x[i + j] * window * math.sin(math.pi * u) / (math.pi * u)
            best = max(best, abs(s))
    return 20 * math.log10(best)


def rms_envelope(x: list[float], rate: int, window: float = 0.02) -> list[float]:
    """RMS level (dBFS) in consecutive windows."""
    n = round(window * rate)
    out = []
    for s in range(0, len(x) - n + 1, n):
        ms = sum(v * v for v in x[s : s + n]) / n
        out.append(10 * math.log10(ms) if ms > 0 else -200.0)
    return out


def deepest_null(env: list[float], reach: int, floor: float) -> float:
    """The deepest dip (dB) that rises again on both sides within ``reach`` windows.

    A plain decay has no such dip (0 dB); beating or a second strike does. Windows below
    ``floor`` dBFS (the tail) are ignored.
    """
    worst = 0.0
    for i in range(1, len(env) - 1):
        if env[i] < floor:
            continue
        left = max(env[max(0, i - reach) : i])
        right = max(env[i + 1 : i + 1 + reach])
        worst = max(worst, min(left, right) - env[i])
    return worst


def ring_seconds(env: list[float], window: float, below: float) -> float:
    """How long the level stays within ``below`` dB of its maximum (last such window's end)."""
    top = max(env)
    last = max(i for i, v in enumerate(env) if v >= top - below)
    return (last + 1) * window


def frequency_track(x: list[float], rate: int, freq: float, window: float = 0.1) -> list[float]:
    """Instantaneous frequency (Hz) near ``freq`` in each window: the phase slope of the
    signal demodulated at ``freq`` (other partials, 100 Hz or more away, average out)."""
    n = round(window * rate)
    phases = []
    for s in range(0, len(x) - n + 1, n):
        z = sum(x[i] * cmath.exp(-2j * math.pi * freq * i / rate) for i in range(s, s + n))
        phases.append(cmath.phase(z))
    track = []
    for a, b in itertools.pairwise(phases):
        d = (b - a + math.pi) % (2 * math.pi) - math.pi
        track.append(freq + d / (2 * math.pi * window))
    return track


def high_band_db(x: list[float], rate: int, cutoff: float) -> float:
    """Energy above ``cutoff`` relative to all energy (dB), through a 4th-order high pass."""
    k = math.tan(math.pi * cutoff / rate)
    q = 1 / math.sqrt(2)
    d = 1 + k / q + k * k
    hp = ((1 / d, -2 / d, 1 / d), (1.0, 2 * (k * k - 1) / d, (1 - k / q + k * k) / d))
    y = filtered(filtered(x, hp), hp)
    return 10 * math.log10(sum(v * v for v in y) / sum(v * v for v in x))


def attack_seconds(x: list[float], rate: int) -> float:
    """10 % to 90 % rise time of the 1 ms peak envelope up to its maximum."""
    n = max(1, rate // 1000)
    env = [max(abs(v) for v in x[s : s + n]) for s in range(0, len(x) - n + 1, n)]
    top_at = env.index(max(env))
    top = env[top_at]
    start = next(i for i, v in enumerate(env) if v >= 0.1 * top)
    end = next(i for i, v in enumerate(env) if v >= 0.9 * top)
    return (end - start) / 1000
