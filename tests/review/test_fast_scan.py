"""The fast path's line check (one regular-expression pass) against damage aimed at it.

Each mutation here breaks the writer's form in a way the single pass must notice: a line cut
in the middle, lines joined, a line that does not start ``{"v":1,"type":"`` or does not end
``}``, bytes that are not UTF-8. As in test_fast_summary.py, the fast summary must equal the
tolerant reader's, problems included; most of these must also leave the fast path.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_journals import known_session, many
from test_fast_summary import Mutation, _at_type, _edit_line, _lines

from sessiontimer import review_cli
from sessiontimer.review import export
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
# Damage the fast path cannot read past: it must hand the file to the tolerant reader.
LEAVES = [
    name
    for name in AIMED
    if name not in ("the end line moved to the middle", "a kind review reads, spelled longer")
]


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    sessions = tmp_path_factory.mktemp("originals") / "sessions"
    return [p.read_bytes() for p in [*many(sessions, 6), known_session(sessions)]]


@pytest.mark.parametrize("name", list(AIMED))
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


def test_the_command_line_offers_the_exporters_formats() -> None:
    assert review_cli.FORMATS == export.FORMATS
