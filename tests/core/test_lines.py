"""The capped line reader: one line held at a time, an over-long line skipped and reported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.core.lines import Line, capped_lines, read_capped, too_long


def _lines(data: bytes, cap: int = 8) -> list[Line]:
    return list(capped_lines(io.BytesIO(data), cap))


def test_lines_come_one_at_a_time_with_their_numbers() -> None:
    assert _lines(b"a\nbb\n\nccc") == [
        Line(1, b"a", 1, True),
        Line(2, b"bb", 2, True),
        Line(3, b"", 0, True),
        Line(4, b"ccc", 3, False),
    ]


def test_a_line_over_the_cap_has_no_data_and_the_next_line_is_read() -> None:
    lines = _lines(b"ok\n" + b"x" * 100 + b"\nafter\n" + b"y" * 9, cap=8)
    assert lines == [
        Line(1, b"ok", 2, True),
        Line(2, None, 100, True),
        Line(3, b"after", 5, True),
        Line(4, None, 9, False),
    ]
    assert "line 2 is 100 bytes long" in too_long(lines[1], 8)


def test_a_line_exactly_at_the_cap_is_kept() -> None:
    assert _lines(b"12345678\n12345678") == [
        Line(1, b"12345678", 8, True),
        Line(2, b"12345678", 8, False),
    ]


@given(st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b""))), st.integers(1, 20))
def test_every_line_is_kept_or_reported_whatever_the_cap(parts: list[bytes], cap: int) -> None:
    data = b"\n".join(parts)
    lines = _lines(data, cap)
    expected = data.split(b"\n")
    if expected[-1] == b"":
        expected.pop()  # a final newline ends the last line, it does not start one
    assert [line.length for line in lines] == [len(p) for p in expected]
    for line, part in zip(lines, expected, strict=True):
        assert line.data == (part if len(part) <= cap else None)


def test_read_capped_refuses_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 20)
    assert read_capped(path, 20) == b"x" * 20
    with pytest.raises(ValueError, match="20 bytes"):
        read_capped(path, 19)
