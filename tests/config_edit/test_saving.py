"""Atomic saves, the one backup, the template for a missing file, and edits made elsewhere."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from sessiontimer.config_edit import ConfigChangedOnDisk, ConfigEditor, backup_path, presets
from sessiontimer.config_edit.editor import NEW_FILE
from sessiontimer.core.config import load_settings

from .conftest import COMMENTED


def rename_long(editor: ConfigEditor) -> None:
    editor.edit(lambda d: presets.rename_preset(d, "Long", "Longer"))


def test_save_keeps_one_backup_and_writes_0600(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    rename_long(editor)
    editor.save()
    assert backup_path(config_file).read_text(encoding="utf-8") == COMMENTED
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_path(config_file).stat().st_mode) == 0o600
    first = config_file.read_text(encoding="utf-8")
    editor.edit(lambda d: presets.set_default(d, "Short"))
    editor.save()
    assert backup_path(config_file).read_text(encoding="utf-8") == first
    leftovers = [p.name for p in config_file.parent.iterdir()]
    assert sorted(leftovers) == ["config.toml", "config.toml.bak"]


def test_crash_between_write_and_rename_leaves_the_original(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = ConfigEditor(config_file)
    rename_long(editor)
    real_replace = os.replace

    def crash_on_config(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == config_file:
            raise OSError(28, "No space left on device (simulated crash)")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_config)
    with pytest.raises(OSError, match="simulated"):
        editor.save()
    assert config_file.read_text(encoding="utf-8") == COMMENTED
    assert backup_path(config_file).read_text(encoding="utf-8") == COMMENTED
    assert sorted(p.name for p in config_file.parent.iterdir()) == [
        "config.toml",
        "config.toml.bak",
    ]
    monkeypatch.setattr(os, "replace", real_replace)
    editor.save()  # the edit is still held and can be saved once the disk is fine
    assert load_settings(config_file, must_exist=True)[0].preset("Longer")


def test_the_first_edit_makes_a_file_of_the_users_presets_only(tmp_path: Path) -> None:
    """Issue 14: the first preset made in the app seeded the config with the whole example
    (two presets the user never made, default_preset changed) without a word."""
    path = tmp_path / "new" / "config.toml"
    editor = ConfigEditor(path)
    assert not editor.exists and editor.dirty
    editor.edit(lambda d: presets.duplicate_preset(d, "Demo", "My demo"))
    editor.edit(lambda d: presets.add_preset(d, "Mine"))
    editor.save()
    text = path.read_text(encoding="utf-8")
    assert text.startswith(NEW_FILE)
    settings = load_settings(path, must_exist=True)[0]
    raw = tomllib.loads(text)
    assert [p["name"] for p in raw["presets"]] == ["My demo", "Mine"]
    assert "general" not in raw  # default_preset untouched: still the built-in default
    assert (
        settings.default_preset
        == load_settings(tmp_path / "none.toml", must_exist=False)[0].default_preset
    )
    assert not backup_path(path).exists()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("[")]
    assert headers and all(lines[i - 1] == "" for i in headers), text  # a blank line before each


def test_changed_on_disk_is_refused_and_reload_picks_it_up(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    rename_long(editor)
    elsewhere = COMMENTED.replace('"Short"', '"Brief"')
    config_file.write_text(elsewhere, encoding="utf-8")
    with pytest.raises(ConfigChangedOnDisk, match="changed on disk"):
        editor.save()
    assert config_file.read_text(encoding="utf-8") == elsewhere
    editor.reload()
    assert editor.text == elsewhere and not editor.dirty
    rename_long(editor)
    editor.save()
    assert '"Brief"' in config_file.read_text(encoding="utf-8")


def test_same_size_change_with_restored_mtime_is_caught_by_the_hash(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    before = config_file.stat()
    config_file.write_text(COMMENTED.replace("intake", "INTAKE"), encoding="utf-8")
    os.utime(config_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert editor.changed_on_disk() is False  # same mtime and size: the cheap check trusts it
    os.utime(config_file, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert editor.changed_on_disk() is True


def test_touch_without_change_is_not_a_change(config_file: Path) -> None:
    editor = ConfigEditor(config_file)
    stat_before = config_file.stat()
    os.utime(config_file, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns + 10**9))
    assert editor.changed_on_disk() is False


def test_file_deleted_or_created_since_load(config_file: Path, tmp_path: Path) -> None:
    editor = ConfigEditor(config_file)
    config_file.unlink()
    assert editor.changed_on_disk()
    other = ConfigEditor(tmp_path / "absent.toml")
    (tmp_path / "absent.toml").write_text("", encoding="utf-8")
    with pytest.raises(ConfigChangedOnDisk):
        other.save()
