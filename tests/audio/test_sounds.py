"""Every bundled sound is soft by construction, and the script rebuilds it byte for byte."""

from __future__ import annotations

import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

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
    assert sum(p.stat().st_size for p in FILES) < 2_000_000


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_sound_is_soft_clean_and_in_format(path: Path) -> None:
    params, samples = read(path)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 44100)
    assert params.comptype == "NONE"
    assert 0.2 <= params.nframes / params.framerate <= 6.0
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
