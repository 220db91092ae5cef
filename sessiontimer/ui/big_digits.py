"""Big clock digits drawn with solid block characters, scaled to the room the screen has.

Pure code (no Textual): the clock widget asks :func:`fit` for the largest size that fits its
box and :func:`render` for the lines. Digits are seven-segment shapes drawn on a grid of half
rows (``▀ ▄ █``), so strokes stay solid and even at every height: a terminal cell is about
twice as tall as it is wide, so a vertical stroke is twice as many columns as a bar is rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#   a
# f   b
#   g
# e   c
#   d
SEGMENTS = {
    "0": "abcdef",
    "1": "bc",
    "2": "abdeg",
    "3": "abcdg",
    "4": "bcfg",
    "5": "acdfg",
    "6": "acdefg",
    "7": "abc",
    "8": "abcdefg",
    "9": "abcdfg",
    "-": "g",
}
SHOWN = frozenset(SEGMENTS) | {":", "+", " "}
HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
MIN_HEIGHT = 3  # rows; below this the widget shows the time as plain text


@dataclass(frozen=True)
class Size:
    """One digit size: ``height`` rows; the rest follows from it."""

    height: int

    @property
    def bar(self) -> int:
        """Thickness of a horizontal bar, in half rows (one half row on the smallest sizes)."""
        return 1 if self.height < 5 else 2 * max(1, round(self.height / 7))

    @property
    def stroke(self) -> int:
        """Width of a vertical stroke, in columns (a half row looks about one column wide)."""
        return self.bar

    @property
    def digit_width(self) -> int:
        """About half as wide as tall, on screen (a cell is twice as tall as wide)."""
        return self.height + self.stroke - 1 if self.height >= 5 else self.height + 1

    @property
    def gap(self) -> int:
        return 1 if self.height < 5 else 1 + self.bar // 2

    def glyph_width(self, char: str) -> int:
        return self.stroke if char == ":" else self.digit_width

    def text_width(self, text: str) -> int:
        """Columns that ``text`` takes at this size, gaps between glyphs included."""
        if not text:
            return 0
        return sum(self.glyph_width(c) for c in text) + self.gap * (len(text) - 1)


def fit(text: str, width: int, height: int) -> Size | None:
    """The tallest size at which ``text`` fits ``width`` x ``height`` cells (None: none does).

    The width is that of ``text`` with every digit counted, so a clock going from 10:00 to
    9:59 is measured as the same shape by the caller passing a template (see ``template``).
    """
    best = None
    for rows in range(MIN_HEIGHT, max(MIN_HEIGHT, height) + 1):
        size = Size(rows)
        if rows > height or size.text_width(text) > width:
            break
        best = size
    return best


def template(text: str) -> str:
    """The widest text of the same shape: ``9:59`` is measured as ``00:00``.

    A clock that shrinks when it loses a digit would jump once a minute; at least two
    minute digits are assumed, so the size changes only past an hour.
    """
    shape = "".join("0" if c.isdigit() else c for c in text)
    if ":" in shape and len(shape.split(":", 1)[0].lstrip("+-")) < 2:
        sign = shape[0] if shape[0] in "+-" else ""
        shape = sign + "00" + shape[len(sign) :].lstrip("0")
    return shape


def render(text: str, size: Size) -> list[str]:
    """``text`` as ``size.height`` lines of block characters, all of the same width."""
    return list(_render(text, size.height))


@lru_cache(maxsize=64)
def _render(text: str, height: int) -> tuple[str, ...]:
    gap = " " * Size(height).gap
    glyphs = [_glyph_lines(c, height) for c in text]
    return tuple(gap.join(glyph[row] for glyph in glyphs) for row in range(height))


@lru_cache(maxsize=256)
def _glyph_lines(char: str, height: int) -> tuple[str, ...]:
    """One glyph as text lines: two half-row pixels per cell. Cached: a clock has 11 glyphs."""
    pixels = _glyph(char, height)
    return tuple(
        "".join(HALVES[top, bottom] for top, bottom in zip(pixels[y], pixels[y + 1], strict=True))
        for y in range(0, 2 * height, 2)
    )


def _glyph(char: str, height: int) -> list[list[bool]]:
    """One glyph as rows of half-row pixels (``2 * height`` of them)."""
    size = Size(height)
    tall, bar, stroke = 2 * height, size.bar, size.stroke
    wide = size.glyph_width(char)
    grid = [[False] * wide for _ in range(tall)]
    mid = _middle(tall, bar)

    def fill(top: int, bottom: int, left: int, right: int) -> None:
        for y in range(max(0, top), min(tall, bottom)):
            for x in range(max(0, left), min(wide, right)):
                grid[y][x] = True

    if char == ":":  # a dot centred in each counter, on whole rows when the bar is
        for centre in ((bar + mid) // 2, (mid + tall) // 2):
            top = centre - bar // 2
            top -= top % 2 if bar % 2 == 0 else 0
            fill(top, top + bar, 0, wide)
    elif char == "+":
        arm = (wide - stroke) // 2  # a column looks about as long as a half row
        fill(mid, mid + bar, 0, wide)
        fill(mid - arm, mid + bar + arm, arm, arm + stroke)
    else:
        segments = SEGMENTS.get(char, "")
        spans = {
            "a": (0, bar, 0, wide),
            "g": (mid, mid + bar, 0, wide),
            "d": (tall - bar, tall, 0, wide),
            "f": (0, mid + bar, 0, stroke),
            "b": (0, mid + bar, wide - stroke, wide),
            "e": (mid, tall, 0, stroke),
            "c": (mid, tall, wide - stroke, wide),
        }
        for segment in segments:
            fill(*spans[segment])
    return grid


def _middle(tall: int, bar: int) -> int:
    """Where the middle bar starts: centred, on a whole row when the bar is whole rows."""
    mid = (tall - bar) // 2
    return mid - mid % 2 if bar % 2 == 0 else mid
