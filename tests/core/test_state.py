"""The UI state file: forgiving to read, atomic and private to write."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from sessiontimer.core.state import UiState, load_state, save_state


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state" / "state.json"
    state = UiState(volume=0.25, theme="gruvbox", last_preset="Massage 60")
    save_state(path, state)
    assert load_state(path) == state
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]  # no temp file left


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_state(tmp_path / "nope.json") == UiState()


@pytest.mark.parametrize(
    "content",
    ["", "{", "[1, 2]", "null", '"x"', b"\xff\xfe".decode("latin-1")],
)
def test_a_corrupt_file_gives_defaults(tmp_path: Path, content: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content, encoding="latin-1")
    assert load_state(path) == UiState()


def test_bad_fields_fall_back_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    data = {"volume": "loud", "muted": 1, "theme": "", "last_preset": "Demo", "extra": True}
    path.write_text(json.dumps(data))
    assert load_state(path) == UiState(last_preset="Demo")
    path.write_text('{"volume": NaN}')
    assert load_state(path).volume == UiState().volume
    path.write_text('{"volume": 7, "muted": true}')  # an older file: mute is not restored
    assert load_state(path) == UiState(volume=1.0)


@pytest.mark.parametrize("umask", [0o000, 0o077])
def test_state_file_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        save_state(tmp_path / "st" / "state.json", UiState())
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "st" / "state.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "st").stat().st_mode) == 0o700


def test_saving_replaces_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("x" * 10_000)
    save_state(path, UiState(volume=0.5))
    assert load_state(path) == UiState(volume=0.5)
    assert len(path.read_bytes()) < 200
