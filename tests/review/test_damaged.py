"""Damaged files, made by mutating real journals: listed as damaged, never a crash, never
modified; every good session still lists."""

from __future__ import annotations

import json
from pathlib import Path

from review_journals import many

from sessiontimer.review import index


def _mutations(good: list[Path]) -> dict[str, str]:
    """Turn some of the real journals into bad ones; returns id -> what was done."""
    done = {}
    data = good[0].read_bytes()
    good[0].write_bytes(data[: len(data) // 2])  # truncated mid-line
    done[good[0].stem] = "truncated"
    data = good[1].read_bytes()
    good[1].write_bytes(data[:-1] + b',"half":')  # half-written last line
    done[good[1].stem] = "half-written"
    good[2].write_bytes(b"")
    done[good[2].stem] = "empty"
    good[3].write_bytes(b"name,date\nAnna,2026-10-01\n")
    done[good[3].stem] = "foreign"
    lines = good[4].read_text().splitlines()
    event = json.loads(lines[5])
    lines[5] = json.dumps(event, indent=None, separators=(", ", ": "))  # hand-edited spacing
    lines.insert(7, "this line was typed by hand")
    good[4].write_text("\n".join(lines) + "\n")
    done[good[4].stem] = "hand-edited"
    (good[5].parent / "notes.txt").write_text("not a journal")
    good[6].write_bytes(b"\x00\xff\xfe" * 50)
    done[good[6].stem] = "binary"
    return done


def test_damaged_files_are_listed_and_never_modified(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    files = many(sessions, 20)
    damaged = _mutations(files)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    by_id = {s.id: s for s in index.indexed(sessions, tmp_path / "state")}
    assert set(by_id) == {p.stem for p in files}  # every file listed, notes.txt ignored
    for p in files[7:]:
        s = by_id[p.stem]
        assert not s.problems and s.status in ("complete", "ended early", "resumed"), s
        assert s.client and s.notes >= 0
    for ident in damaged:
        assert by_id[ident].problems, ident
    assert by_id[files[0].stem].client is not None  # what could be read is kept
    assert by_id[files[4].stem].client is not None and by_id[files[4].stem].status != "damaged"
    assert by_id[files[3].stem].status == "damaged"
    assert "the file is empty" in by_id[files[2].stem].problems
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    assert after == before
