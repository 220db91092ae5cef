"""The command line: help, version, exit codes and messages a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessiontimer import __version__
from sessiontimer.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"sessiontimer {__version__}"


def test_presets_list_shows_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets", "list"]) == 0
    out = capsys.readouterr().out
    assert "Craniosacral 60  (1 h)" in out
    assert "treatment" in out and "hold" in out
    assert "Demo" in out


def test_config_check_reports_problems_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[presets]]\nname = "X"\n[[presets.phases]]\nname = "a"\ndurration = "5m"\n')
    assert main(["config", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml, line 5, key presets[0].phases[0].durration" in err
    assert 'did you mean "duration"?' in err


def test_config_check_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    assert main(["config", "check", str(example)]) == 0
    assert "OK" in capsys.readouterr().out


def test_config_init_writes_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cfg" / "config.toml"
    assert main(["config", "init", str(target)]) == 0
    assert (target.stat().st_mode & 0o777) in (0o600, 0o644) and target.read_text()
    assert main(["config", "check", str(target)]) == 0
    assert main(["config", "init", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_paths_names_every_place(private_paths: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paths"]) == 0
    out = capsys.readouterr().out
    assert str(private_paths / "data" / "sessions") in out
    assert "config file:" in out and "state:" in out and "error log:" in out


def test_run_unknown_preset_names_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--preset", "Nope"]) == 2
    err = capsys.readouterr().err
    assert "no preset named 'Nope'" in err and "Craniosacral 60" in err


def test_missing_named_config_is_reported_not_fatal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets", "list"]) == 0  # SESSIONTIMER_CONFIG points at a missing file
    assert "create one with `sessiontimer config init`" in capsys.readouterr().err
