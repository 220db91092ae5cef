"""Every test runs with its config, data and state folders in a temporary directory."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config discovery, journals and state at tmp_path: no test touches the real ones."""
    home = tmp_path / "home"
    monkeypatch.setenv("SESSIONTIMER_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("SESSIONTIMER_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("SESSIONTIMER_STATE_DIR", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "xdg-state"))
    monkeypatch.setenv("SESSIONTIMER_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    temp = tmp_path / "tmp"  # the app's temp-folder housekeeping sees only this test's
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return home
