"""On a full disk the index cannot even be opened (SQLite cannot make its -shm file): review
reads the journals and says the disk is full, not that the index 'may be busy'."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sessiontimer.review import index


def _free(blocks: int) -> os.statvfs_result:
    return os.statvfs_result((4096, 4096, 512, blocks, blocks, 100, 50, 50, 0, 255))


@pytest.mark.parametrize("free", [0, 2])
def test_an_index_that_cannot_be_opened_on_a_full_disk_says_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free: int
) -> None:
    """Seen on a filled 2 MB tmpfs: 'could not be opened ...: it may be busy; try again in a
    moment', at every run, however long one waited."""
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setattr(index, "open_store", lambda *_a, **_k: None)
    monkeypatch.setattr(os, "statvfs", lambda _p: _free(free))
    with index.open_index(state) as st:
        assert st.trouble is not None
        assert f"the disk holding {state} is full" in st.trouble
        assert "free some space" in st.trouble and "busy" not in st.trouble


def test_with_room_on_the_disk_it_still_says_it_may_be_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setattr(index, "open_store", lambda *_a, **_k: None)
    monkeypatch.setattr(os, "statvfs", lambda _p: _free(100_000))
    with index.open_index(state) as st:
        assert st.trouble is not None and "may be busy" in st.trouble
