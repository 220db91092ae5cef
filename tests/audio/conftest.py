"""Fixtures for real playback with no sound card: ALSA's ``file`` plugin writes what is played.

``capture`` points ``ALSA_CONFIG_PATH`` at ``../shared/audio-capture/asoundrc.capture`` (or at
a copy of ``asoundrc.capture`` kept here, when the shared folder is absent), plus an overlay
that sets ``truncate false``: every open of the PCM then writes its own file (``cap.raw``,
``cap.raw.0001``, ...). That matters because the worker's environment is fixed when it
starts, so one capture file per play comes from this numbering, not from changing the env.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from audio_helpers import Capture, PacedSink, Recorder, require

from sessiontimer.audio.sound import write_wav

HERE = Path(__file__).resolve().parent
SHARED_TEMPLATE = HERE.parents[1].parent / "shared" / "audio-capture" / "asoundrc.capture"
LOCAL_TEMPLATE = HERE / "asoundrc.capture"


@pytest.fixture
def need_simpleaudio() -> None:
    from importlib.util import find_spec

    require("simpleaudio (pip install '.[audio]')", find_spec("simpleaudio") is not None)


@pytest.fixture
def need_aplay() -> None:
    require("aplay (apt-get install alsa-utils)", shutil.which("aplay") is not None)


@pytest.fixture
def capture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Capture:
    template = SHARED_TEMPLATE
    if not template.is_file():
        template = tmp_path / "asoundrc.capture"
        shutil.copyfile(LOCAL_TEMPLATE, template)
    overlay = tmp_path / "keep-each-play.conf"
    overlay.write_text("pcm.default.truncate false\n")
    base = tmp_path / "captured" / "cap.raw"
    base.parent.mkdir()
    monkeypatch.setenv("ALSA_CONFIG_PATH", f"{template}:{overlay}")
    monkeypatch.setenv("AUDIO_CAPTURE_FILE", str(base))
    monkeypatch.delenv("AUDIO_CAPTURE_FORMAT", raising=False)
    return Capture(base)


@pytest.fixture(scope="session")
def pacer_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The paced sink's pacer (tests/audio/paced/pacer.c, the shared recipe), built once."""
    require("gcc (apt-get install gcc)", shutil.which("gcc") is not None)
    out = tmp_path_factory.mktemp("pacer") / "pacer"
    subprocess.run(["gcc", "-O2", "-o", str(out), str(HERE / "paced" / "pacer.c")], check=True)
    return out


@pytest.fixture
def paced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pacer_binary: Path) -> PacedSink:
    """A sink that plays at real time: each open writes OUTDIR/<t0>-<pid>.raw and .idx."""
    out = tmp_path / "paced"
    out.mkdir()
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(HERE / "paced" / "asoundrc.paced"))
    monkeypatch.setenv("AUDIO_CAPTURE_FILE", f"|{pacer_binary} {out} %r %c %b")
    return PacedSink(out)


@pytest.fixture
def no_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ALSA config with no PCM at all: every open fails, as on a machine without sound."""
    empty = tmp_path / "empty.conf"
    empty.write_text("# no devices\n")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(empty))


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    """A 20 ms user WAV: short, so the worker's "done" (at the nominal end) comes quickly."""
    samples = array(
        "h", (round(9000 * math.sin(2 * math.pi * 441 * i / 44100)) for i in range(882))
    )
    path = tmp_path / "tone.wav"
    write_wav(path, samples, 44100, 1)
    return path


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    yield Recorder()
