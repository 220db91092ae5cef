"""``presets show | export | import`` through the real command line entry point."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sessiontimer.cli import main
from sessiontimer.config_edit import backup_path
from sessiontimer.core.config import load_settings

from .conftest import COMMENTED


def test_show_builtin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets", "show", "demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Demo  (1 min 30 s + open)")
    assert (
        "2. treatment: 30 s, hold; start singing-bowl; overtime soft-bell at 0.5 every 10 s" in out
    )


def test_show_unknown_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets", "show", "Nope"]) == 2
    assert "no preset named 'Nope'" in capsys.readouterr().err


def test_export_user_preset_keeps_comments(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_file), "presets", "export", "long"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('[[presets]]\nname = "Long"      # 75 minutes\n')
    assert 'target = "1:30"    # minutes:seconds' in out


def test_export_to_file_then_import_elsewhere(tmp_path: Path) -> None:
    shared = tmp_path / "massage.toml"
    assert main(["presets", "export", "Massage 60", "-o", str(shared)]) == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
    assert main(["presets", "export", "Massage 60", "-o", str(shared)]) == 1  # no overwrite
    shared.write_text(shared.read_text().replace('"Massage 60"', '"Massage 60 mine"'))
    mine = tmp_path / "mine" / "config.toml"
    assert main(["--config", str(mine), "presets", "import", str(shared)]) == 0
    settings, errors = load_settings(mine, must_exist=True)
    assert errors == []
    assert settings.preset("Massage 60 mine").phases == settings.preset("Massage 60").phases


def test_import_refuses_a_clash_unless_replace(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incoming = tmp_path / "short.toml"
    incoming.write_text(
        '[[presets]]\nname = "short"\n[[presets.phases]]\nname = "x"\nduration = "7m"\n'
    )
    args = ["--config", str(config_file), "presets", "import", str(incoming)]
    assert main(args) == 1
    assert "already has 'short'" in capsys.readouterr().err
    assert config_file.read_text() == COMMENTED
    assert main([*args, "--replace"]) == 0
    assert backup_path(config_file).read_text() == COMMENTED
    text = config_file.read_text()
    assert text.startswith(COMMENTED[: COMMENTED.index('[[presets]]\nname = "Short"')])
    assert text.endswith(COMMENTED[COMMENTED.index("[notes.tags]") :])
    settings, _ = load_settings(config_file, must_exist=True)
    assert settings.preset("short").phases[0].target == 420


def test_import_of_an_invalid_file_changes_nothing(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[presets]]\nname = "B"\n[[presets.phases]]\nname = "x"\nduration = "7 min"\n')
    assert main(["--config", str(config_file), "presets", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml, line 5, key presets[0].phases[0].duration" in err
    assert config_file.read_text() == COMMENTED
    assert not backup_path(config_file).exists()
