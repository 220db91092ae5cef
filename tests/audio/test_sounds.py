"""Every bundled sound is soft by construction, and the script rebuilds it byte for byte."""

from __future__ import annotations

import math
import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest
import sound_analysis as sa

from sessiontimer.paths import bundled_sounds_dir

SOUNDS = bundled_sounds_dir()
REQUIRED = {"singing-bowl", "soft-bell", "wooden-tap", "tingsha", "gentle-swell"}
MINUS_12_DBFS = 32768 * 10 ** (-12 / 20)  # 8231.7
FILES = sorted(SOUNDS.glob("*.wav"))


def read(path: Path) -> tuple[wave._wave_params, array]:
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        samples = array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return params, samples


def test_the_required_sounds_are_bundled_and_small() -> None:
    assert {p.stem for p in FILES} >= REQUIRED
    assert sum(p.stat().st_size for p in FILES) < 4_000_000  # a few MB, in the wheel


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_sound_is_soft_clean_and_in_format(path: Path) -> None:
    params, samples = read(path)
    assert (params.nchannels, params.sampwidth) == (1, 2)
    assert 22050 <= params.framerate <= 48000
    assert params.comptype == "NONE"
    assert 0.2 <= params.nframes / params.framerate <= 25.0
    peak = max(abs(s) for s in samples)
    assert 0 < peak <= MINUS_12_DBFS
    assert 32767 not in samples and -32768 not in samples  # no clipping
    assert samples[0] == 0 and samples[-1] == 0
    # an attack ramp and a decay to silence: the edges stay near zero for a few samples
    assert max(abs(s) for s in samples[:8]) <= 64
    assert max(abs(s) for s in samples[-64:]) <= 64


def test_script_regenerates_identical_files(tmp_path: Path) -> None:
    script = SOUNDS / "make_sounds.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, timeout=60)
    made = sorted(tmp_path.glob("*.wav"))
    assert [p.name for p in made] == [p.name for p in FILES]
    for new in made:
        assert new.read_bytes() == (SOUNDS / new.name).read_bytes(), new.name


def test_readme_describes_every_sound_and_the_license() -> None:
    readme = (SOUNDS / "README.md").read_text()
    for path in FILES:
        assert path.name in readme
    assert "CC0" in readme and "make_sounds.py" in readme


# --- how they sound (issue 15): loudness, ring, beating, attack, pitch -------------------


@pytest.fixture(scope="module")
def decoded() -> dict[str, tuple[list[float], int]]:
    return {p.stem: sa.read_mono(p) for p in FILES}


def test_loudness_code_matches_the_standard() -> None:
    """BS.1770-4's published 48 kHz coefficients, and a 997 Hz sine reads 20 log A - 3.01."""
    shelf, high = sa.k_filters(48000)
    assert shelf[0] == pytest.approx((1.53512485958697, -2.69169618940638, 1.19839281085285))
    assert shelf[1][1:] == pytest.approx((-1.69065929318241, 0.73248077421585))
    assert high[1][1:] == pytest.approx((-1.99004745483398, 0.99007225036621))
    tone = [0.1 * math.sin(2 * math.pi * 997 * i / 48000) for i in range(48000 * 2)]
    assert sa.integrated(tone, 48000) == pytest.approx(-20 - 3.01, abs=0.05)


def test_every_sound_has_one_loudness_and_a_low_true_peak(
    decoded: dict[str, tuple[list[float], int]],
) -> None:
    table = {}
    for name, (x, rate) in decoded.items():
        table[name] = (sa.integrated(x, rate), sa.true_peak_dbtp(x), sa.momentary_max(x, rate))
    loudness = [v[0] for v in table.values()]
    assert all(-31.0 <= v <= -29.0 for v in loudness), table
    assert max(loudness) - min(loudness) <= 1.0, table
    assert all(v[1] <= -12.0 for v in table.values()), table
    # no sound jumps out: the loudest 400 ms of each within 8 LU of the common level
    assert all(v[2] <= -22.0 for v in table.values()), table


def test_the_bowl_rings_long_with_slow_shallow_beating(
    decoded: dict[str, tuple[list[float], int]],
) -> None:
    x, rate = decoded["singing-bowl"]
    env = sa.rms_envelope(x, rate, 0.02)
    assert sa.ring_seconds(env, 0.02, below=30.0) >= 12.0
    assert sa.deepest_null(env, reach=75, floor=max(env) - 40) <= 6.0


def test_the_bell_has_no_near_silent_nulls(decoded: dict[str, tuple[list[float], int]]) -> None:
    x, rate = decoded["soft-bell"]
    env = sa.rms_envelope(x, rate, 0.02)
    assert sa.deepest_null(env, reach=75, floor=max(env) - 40) <= 6.0


def test_the_knock_is_woody_and_as_loud_as_the_rest(
    decoded: dict[str, tuple[list[float], int]],
) -> None:
    x, rate = decoded["wooden-tap"]
    assert sa.integrated(x, rate) >= -31.0
    env = sa.rms_envelope(x, rate, 0.01)
    assert sa.ring_seconds(env, 0.01, below=20.0) >= 0.15  # a knock, not a click
    assert sa.high_band_db(x, rate, 4000.0) <= -20.0  # wood, not a snap


def test_the_tingsha_does_not_startle(decoded: dict[str, tuple[list[float], int]]) -> None:
    x, rate = decoded["tingsha"]
    assert sa.attack_seconds(x, rate) >= 0.005  # a soft strike, not an edge
    assert sa.high_band_db(x, rate, 6000.0) <= -25.0  # the top partials stay in the background
    env = sa.rms_envelope(x, rate, 0.02)
    assert sa.deepest_null(env, reach=75, floor=max(env) - 40) <= 8.0


def test_the_swell_keeps_its_pitch(decoded: dict[str, tuple[list[float], int]]) -> None:
    x, rate = decoded["gentle-swell"]
    n = len(x)
    body = x[n // 10 : n - n // 10]  # where the swell is audible
    track = sa.frequency_track(body, rate, 220.0, 0.1)
    assert track and all(abs(f / 220.0 - 1) <= 0.005 for f in track), (min(track), max(track))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_sound_ends_in_its_own_decay(path: Path) -> None:
    """Natural fade-outs: the last 10 % is far below the peak and still falling."""
    x, rate = sa.read_mono(path)
    env = sa.rms_envelope(x, rate, 0.05)
    tail = env[-max(2, len(env) // 10) :]
    assert max(tail) <= max(env) - 20.0
    assert tail[-1] < tail[0]
