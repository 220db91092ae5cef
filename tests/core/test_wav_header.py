"""A user's cue file is checked by the config check, with the file and the key named."""

from __future__ import annotations

import wave
from pathlib import Path

from sessiontimer.core.config import check_file
from sessiontimer.core.wav_header import wav_problem


def write_wav(path: Path, width: int = 2, channels: int = 1, rate: int = 44100) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setsampwidth(width)
        w.setnchannels(channels)
        w.setframerate(rate)
        w.writeframes(b"\0" * width * channels * 100)
    return path


def test_a_16_bit_wav_is_fine(tmp_path: Path) -> None:
    assert wav_problem(write_wav(tmp_path / "ok.wav")) is None
    assert wav_problem(write_wav(tmp_path / "st.wav", channels=2, rate=48000)) is None


def test_what_is_wrong_is_said(tmp_path: Path) -> None:
    eight = write_wav(tmp_path / "8.wav", width=1)
    assert wav_problem(eight) == f"{eight} has 8-bit samples; save it as 16-bit PCM WAV"
    garbage = tmp_path / "g.wav"
    garbage.write_bytes(b"not a wav at all, just bytes")
    assert "is not a WAV file we can play" in (wav_problem(garbage) or "")


def test_config_check_names_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "bad.wav").write_bytes(b"")
    write_wav(tmp_path / "good.wav")
    cfg = tmp_path / "config.toml"
    cfg.write_text('[cues]\nstart = "good.wav"\nwarning = "bad.wav"\n', encoding="utf-8")
    [error] = check_file(cfg)
    assert str(error) == (
        f"config.toml, line 3, key cues.warning: {tmp_path / 'bad.wav'} is not a WAV file we "
        "can play; save it as 16-bit PCM WAV"
    )
