"""The audio subcommands print plain sentences and return an exit status."""

from __future__ import annotations

from pathlib import Path

import pytest
from audio_helpers import Capture

from sessiontimer.audio import commands
from sessiontimer.core.model import AudioSettings


def test_list_sounds_names_each_bundled_sound(capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.list_sounds() == 0
    out = capsys.readouterr().out
    for name in ("singing-bowl", "soft-bell", "wooden-tap", "tingsha", "gentle-swell"):
        assert name in out


def test_play_unknown_sound_lists_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.play_sound("gong", 0.5) == 1
    out = capsys.readouterr().out
    assert "gong: no such sound" in out and "singing-bowl" in out


def test_play_rejects_a_volume_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.play_sound("soft-bell", 1.5) == 1
    assert "from 0 to 1" in capsys.readouterr().out


def test_play_a_user_file_through_the_worker(
    need_simpleaudio: None, capture: Capture, tone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert commands.play_sound(str(tone), 0.5) == 0
    assert "through simpleaudio" in capsys.readouterr().out
    assert len(capture.files()) == 1


def test_doctor_with_a_working_device(
    need_simpleaudio: None, need_aplay: None, capture: Capture, capsys: pytest.CaptureFixture[str]
) -> None:
    assert commands.doctor() == 0
    out = capsys.readouterr().out
    assert "simpleaudio   works; a cue cut short fades out" in out
    assert "aplay         works; a cue cut short fades out" in out
    assert "Cues will play through simpleaudio." in out


def test_doctor_without_any_device(no_device: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.doctor(AudioSettings(terminal_bell=True)) == 1
    out = capsys.readouterr().out
    assert "bell          on" in out and "visual only" in out
    # each player's failure in words a practitioner can act on, not the player's internals
    assert "aplay         does not work: no sound device: none could be opened" in out, out
    for internal in ("CODE: -2", "main:831", "aplay: ", "work: error", "(error"):
        assert internal not in out, out


def test_doctor_says_which_players_cannot_fade() -> None:
    """pw-play, paplay and aplay are fed through a pipe and fade; afplay and winsound read
    only files: cut short, they stop (said, not hidden)."""
    from sessiontimer.audio import system

    for fed in ("aplay", "pw-play", "paplay"):
        assert system.SystemPlayerBackend([fed]).fades
    for filed in ("afplay", "winsound"):
        assert not system.SystemPlayerBackend([filed]).fades
        assert commands._ending(system.SystemPlayerBackend([filed])).endswith("cannot fade)")


def test_doctor_and_sounds_play_follow_the_config(
    private_paths: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The audio a practitioner chose in the config is the one checked and played: doctor
    said 'audio.backend = "auto"' and 'bell off (set audio.terminal_bell = true ...)' to one
    who had set both."""
    from sessiontimer.cli import main

    config = private_paths / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[audio]\nbackend = "visual"\nterminal_bell = true\n')
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert 'audio.backend = "visual"' in out and "bell          on" in out, out
    assert "simpleaudio" not in out, out  # not tried: the config chose visual cues
    config.write_text('[audio]\nbackend = "visual"\n')
    assert main(["sounds", "play", "soft-bell"]) == 1
    out = capsys.readouterr().out
    assert 'Cues are visual only (audio.backend = "visual").' in out, out


def test_doctor_with_a_broken_config_says_so_and_checks_the_defaults(
    private_paths: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sessiontimer.cli import main

    config = private_paths / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[audio]\nbackend = "loud"\n')
    main(["doctor"])
    captured = capsys.readouterr()
    assert "config.toml, line 2, key audio.backend" in captured.err, captured.err
    assert 'audio.backend = "auto"' in captured.out
