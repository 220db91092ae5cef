"""JSON nested past the decoder's depth, planted in a journal, the state or the exports
registry: Python's json raises RecursionError for it, not a ValueError. Every reader lists
such a file as damaged (or falls back to its defaults) instead of stopping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_journals import known_session, many

from sessiontimer.core.state import UiState, load_state
from sessiontimer.review import index
from sessiontimer.review.export import REGISTRY, load_registry
from sessiontimer.review.summary import listable_stamped, summarize_stamped

DEEP = b"[" * 200_000 + b"]" * 200_000  # 400 kB: well within the 1 MB line cap


def _deep_start(sessions: Path) -> Path:
    path = known_session(sessions, "Anna", day=21, token="dee001")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(
        lines[0].replace(b'"client":', b'"x":' + DEEP + b',"client":', 1) + b"".join(lines[1:])
    )
    return path


def _deep_end(sessions: Path) -> Path:
    path = known_session(sessions, "Anna", day=22, token="dee002")
    end = json.loads(path.read_bytes().splitlines()[-1])
    with path.open("ab") as f:
        f.write(
            b'{"v":1,"type":"session_ended","id":"e99","t":%d,"reason":"completed","x":' % end["t"]
        )
        f.write(DEEP + b"}\n")
    return path


@pytest.mark.parametrize("plant", [_deep_start, _deep_end])
def test_every_reader_of_a_journal_lists_it(tmp_path: Path, plant: object) -> None:
    sessions = tmp_path / "sessions"
    path = plant(sessions)  # type: ignore[operator]
    rel = path.relative_to(sessions).as_posix()
    for read in (summarize_stamped, listable_stamped):
        summary, _ = read(str(sessions), rel)
        assert summary.problems and not summary.partial
    summary, _ = summarize_stamped(str(sessions), rel, fast=False)
    assert any("not valid JSON" in p for p in summary.problems)


def test_a_staged_cold_build_lists_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "STAGED_MIN", 1)
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 5)
    _deep_start(sessions)
    _deep_end(sessions)
    found = index.indexed(sessions, state)
    assert len(found) == 7
    assert sum(bool(s.problems) for s in found) == 2


def test_the_state_and_the_exports_registry_fall_back(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_bytes(DEEP)
    assert load_state(tmp_path / "state.json") == UiState()
    (tmp_path / REGISTRY).write_bytes(DEEP)
    assert load_registry(tmp_path) == []
