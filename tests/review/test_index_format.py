"""The index file: a damaged, foreign or planted file is rejected and rebuilt, never run."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from review_journals import many

from sessiontimer.review import index


def _built(tmp_path: Path) -> tuple[Path, Path]:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 4)
    index.refresh(sessions, state)
    return sessions, state


def test_a_flipped_byte_is_caught_by_the_checksum(tmp_path: Path) -> None:
    sessions, state = _built(tmp_path)
    path = state / index.INDEX_NAME
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert index.load_cached(state) is None
    assert index.refresh(sessions, state).reread == 4


def test_a_planted_pickle_naming_a_function_is_refused(tmp_path: Path) -> None:
    import zlib

    sessions, state = _built(tmp_path)
    good = index.load_cached(state)
    assert good is not None
    row = good.summaries[0].to_row()
    row[3] = os.getpid  # a well-formed row, but its client names a function
    payload = pickle.dumps((1, None)) + pickle.dumps(([row], good.stamps))  # head, one chunk
    crc = zlib.crc32(payload).to_bytes(4, "big")
    (state / index.INDEX_NAME).write_bytes(index._MAGIC + crc + payload)
    assert index.load_cached(state) is None
    assert len(index.refresh(sessions, state).summaries) == 4


def test_an_index_from_another_python_or_format_is_rebuilt(tmp_path: Path) -> None:
    sessions, state = _built(tmp_path)
    path = state / index.INDEX_NAME
    path.write_bytes(path.read_bytes().replace(b" py", b" py0", 1))
    assert index.load_cached(state) is None
    assert index.refresh(sessions, state).reread == 4


def test_an_old_json_index_is_removed_when_the_new_one_is_written(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 2)
    state.mkdir(mode=0o700)
    (state / "review-index.json").write_text('{"version": 1, "rows": [["Anna"]]}')
    index.refresh(sessions, state)
    assert not (state / "review-index.json").exists()
    assert (state / index.INDEX_NAME).exists()
