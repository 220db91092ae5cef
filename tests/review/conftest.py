"""Fixtures for the review tests: app paths under tmp_path and real journals in them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessiontimer import paths
from sessiontimer.paths import AppPaths


@pytest.fixture
def app_paths(private_paths: Path) -> AppPaths:
    """The paths the CLI and the app would use (pointed at tmp_path by the autouse fixture)."""
    return paths.resolve()
