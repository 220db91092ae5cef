"""The fast path's line check (one regular-expression pass) against damage aimed at it.

Each mutation here breaks the writer's form in a way the single pass must notice: a line cut
in the middle, lines joined, a line that does not start ``{"v":1,"type":"`` or does not end
``}``, bytes that are not UTF-8. As in test_fast_summary.py, the fast summary must equal the
tolerant reader's, problems included; most of these must also leave the fast path.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from review_journals import known_session, many
from test_fast_summary import Mutation, _at_type, _edit_line, _lines

from sessiontimer import cli, review_cli
from sessiontimer.paths import AppPaths
from sessiontimer.review import export, forked_read, index
from sessiontimer.review.fast_scan import fast_events as _fast_events
from sessiontimer.review.summary import summarize_rel


def _middle(line: bytes) -> int:
    return len(line) // 2


def _cut_and_join(data: bytes, kind: str) -> bytes:
    """A ``kind`` line cut in the middle, the next line written right after it."""
    lines = _lines(data)
    i = _at_type(data, kind)
    lines[i] = lines[i][: _middle(lines[i])]
    return b"".join(lines)


def _join_before(data: bytes, kind: str) -> bytes:
    """The newline before the first ``kind`` line removed."""
    lines = _lines(data)
    i = _at_type(data, kind)
    lines[i - 1] = lines[i - 1][:-1]
    return b"".join(lines)


def _keys_reordered(line: bytes) -> bytes:
    """The same event, ``type`` first: valid JSON, but not the writer's form."""
    event = json.loads(line)
    return (
        json.dumps(
            {"type": event.pop("type"), **event}, ensure_ascii=False, separators=(",", ":")
        ).encode()
        + b"\n"
    )


def _byte_at(line: bytes, i: int, byte: bytes) -> bytes:
    return line[:i] + byte + line[i + 1 :]


def _in_value(line: bytes, key: bytes, byte: bytes) -> bytes:
    """``byte`` put on the second character of ``key``'s value."""
    i = line.index(b'"' + key + b'":') + len(key) + 4
    return _byte_at(line, i, byte)


AIMED: dict[str, Mutation] = {
    "a checkpoint cut in the middle, the next line joined": lambda d: _cut_and_join(
        d, "checkpoint"
    ),
    "a note cut in the middle, the next line joined": lambda d: _cut_and_join(d, "note"),
    "a checkpoint cut in the middle, then a newline": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), lambda x: x[: _middle(x)] + b"\n"
    ),
    "two checkpoints joined": lambda d: _join_before(d, "checkpoint"),
    "a note joined to the line before": lambda d: _join_before(d, "note"),
    "the end line joined to the line before": lambda d: _join_before(d, "session_ended"),
    "a checkpoint not starting with v": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), _keys_reordered
    ),
    "a note not starting with v": lambda d: _edit_line(d, _at_type(d, "note"), _keys_reordered),
    "the end line not starting with v": lambda d: _edit_line(d, -1, _keys_reordered),
    "a line that is only {}": lambda d: _edit_line(d, 2, lambda x: x + b"{}\n"),
    "a checkpoint ending in spaces": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), lambda x: x[:-1] + b"  \n"
    ),
    "a note ending in a comma": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: x[:-1] + b",\n"
    ),
    "one line ending in CRLF": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), lambda x: x[:-1] + b"\r\n"
    ),
    "the first line not ending in }": lambda d: _edit_line(d, 0, lambda x: x[:-2] + b" \n"),
    "a non-UTF-8 byte in the middle of a checkpoint": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), lambda x: _byte_at(x, _middle(x), b"\xff")
    ),
    "a non-UTF-8 byte in a checkpoint's number": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), lambda x: _in_value(x, b"t", b"\xff")
    ),
    "a non-UTF-8 byte in a checkpoint's text": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), lambda x: _in_value(x, b"at", b"\xff")
    ),
    "a lone UTF-8 lead byte at the end of a note": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: x[:-3] + b'\xc3"}\n'
    ),
    "the end line moved to the middle": lambda d: (
        lambda ls: b"".join([*ls[: len(ls) // 2], ls[-1], *ls[len(ls) // 2 : -1]])
    )(_lines(d)),
    "a kind review reads, spelled longer": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: x.replace(b'"type":"note"', b'"type":"notes"')
    ),
}
# Lines the fast path skips (checkpoints, cues) run together: the physical line still starts
# and ends as the writer's do, so the one pass cannot see it; finding the second start
# inside the line costs another pass over every file (+15 to 20 us of ~75), as it did before
# this change. The tolerant reader flags such a line ("not valid JSON"); the fast summary
# has every field right but that problem. Known gap, kept visible here.
GAP = {
    "a checkpoint cut in the middle, the next line joined",
    "two checkpoints joined",
    "a note joined to the line before",
}
# Damage the fast path cannot read past: it must hand the file to the tolerant reader.
LEAVES = [
    name
    for name in AIMED
    if name not in GAP
    and name not in ("the end line moved to the middle", "a kind review reads, spelled longer")
]


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    sessions = tmp_path_factory.mktemp("originals") / "sessions"
    return [p.read_bytes() for p in [*many(sessions, 6), known_session(sessions)]]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="known gap, see GAP"))
        if name in GAP
        else name
        for name in AIMED
    ],
)
def test_fast_and_full_summaries_are_equal(
    name: str, originals: list[bytes], tmp_path: Path
) -> None:
    (tmp_path / "2026").mkdir()
    for n, data in enumerate(originals):
        rel = f"2026/2026-10-{n + 1:02d}T090000-{n:06x}.jsonl"
        mutated = AIMED[name](data)
        assert mutated != data, name
        (tmp_path / rel).write_bytes(mutated)
        fast = summarize_rel(str(tmp_path), rel)
        full = summarize_rel(str(tmp_path), rel, fast=False)
        assert fast.as_dict() == full.as_dict(), (name, n)


@pytest.mark.parametrize("name", LEAVES)
def test_the_fast_path_is_left_for_damage_to_the_form(name: str, originals: list[bytes]) -> None:
    for data in originals:
        assert _fast_events(AIMED[name](data)) is None


def test_the_fast_path_reads_utf_8_text(originals: list[bytes]) -> None:
    """Non-ASCII text (a client "Chloé", a note in another script) stays on the fast path."""
    data = originals[0].replace(b'"client":"', '"client":"Chloé ✓ '.encode(), 1)
    assert not data.isascii()
    events = _fast_events(data)
    assert events is not None and events[0]["client"].startswith("Chloé ✓")


def _chunked(monkeypatch: pytest.MonkeyPatch, chunk: int, cpus: int) -> None:
    monkeypatch.setattr(forked_read, "PARALLEL_MIN", 2)
    monkeypatch.setattr(forked_read, "CHUNK", chunk)
    monkeypatch.setattr(forked_read, "_cpus", lambda: cpus)


def test_a_build_shared_by_chunks_equals_a_serial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many small chunks, claimed by three processes: same summaries, same index file."""
    sessions = tmp_path / "sessions"
    files = many(sessions, 15)
    files[4].write_bytes(files[4].read_bytes()[:-30])
    serial = index.refresh(sessions, tmp_path / "serial", processes=False)
    _chunked(monkeypatch, chunk=2, cpus=3)
    shared = index.refresh(sessions, tmp_path / "shared", processes=True)
    assert [s.as_dict() for s in shared.summaries] == [s.as_dict() for s in serial.summaries]
    assert shared.stamps == serial.stamps
    saved = index.load_cached(tmp_path / "shared")
    assert saved is not None and saved.stamps == serial.stamps
    assert [s.as_dict() for s in saved.summaries] == [s.as_dict() for s in serial.summaries]
    again = index.refresh(sessions, tmp_path / "shared", processes=True)
    assert again.reread == 0


def test_chunks_a_failed_child_claimed_are_read_by_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = tmp_path / "sessions"
    many(sessions, 9)
    serial = index.refresh(sessions, None, processes=False)
    _chunked(monkeypatch, chunk=1, cpus=2)
    monkeypatch.setattr(forked_read, "_child_rows", lambda root, rels: 1 / 0)  # dies at once
    shared = index.refresh(sessions, tmp_path / "state", processes=True)
    assert [s.as_dict() for s in shared.summaries] == [s.as_dict() for s in serial.summaries]
    saved = index.load_cached(tmp_path / "state")
    assert saved is not None and len(saved.summaries) == 9


def test_an_index_whose_order_does_not_fit_its_rows_is_rebuilt(tmp_path: Path) -> None:
    import zlib

    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 3)
    good = index.refresh(sessions, state)
    rows = [s.to_row() for s in good.summaries]
    payload = index._dumps((1, [0, 1])) + index._dumps((rows, good.stamps))  # 2 of 3
    crc = zlib.crc32(payload).to_bytes(4, "big")
    (state / index.INDEX_NAME).write_bytes(index._MAGIC + crc + payload)
    assert index.load_cached(state) is None
    assert index.refresh(sessions, state).reread == 3


def test_the_command_line_offers_the_exporters_formats() -> None:
    assert review_cli.FORMATS == export.FORMATS


def test_logs_list_has_written_the_index_when_it_returns(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is written from a thread while the rows print; the command waits for it."""
    many(app_paths.sessions_dir, 4)
    written = threading.Event()
    save = index.save_index

    def slow_save(*args: Any) -> None:
        time.sleep(0.05)  # a slow disk: the rows are printed first, the save still finishes
        save(*args)
        written.set()

    monkeypatch.setattr(index, "save_index", slow_save)
    assert cli.main(["logs", "list"]) == 0
    assert written.is_set() and len(capsys.readouterr().out.splitlines()) == 4
    saved = index.load_cached(app_paths.state_dir)
    assert saved is not None and len(saved.summaries) == 4
    assert not [t for t in threading.enumerate() if t.name == "index-save"]
