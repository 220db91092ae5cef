"""The big clock's glyph scaling: pure code, no Textual."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sessiontimer.ui.big_digits import MIN_HEIGHT, Size, fit, render, template

TIMES = st.from_regex(r"\A[+]?[0-9]{1,2}(:[0-5][0-9]){1,2}\Z")


@given(TIMES, st.integers(MIN_HEIGHT, 40))
def test_every_line_is_as_tall_and_wide_as_the_size_says(text: str, rows: int) -> None:
    size = Size(rows)
    lines = render(text, size)
    assert len(lines) == rows
    assert {len(line) for line in lines} == {size.text_width(text)}
    assert set("".join(lines)) <= set(" █▀▄")


@given(TIMES, st.integers(0, 200), st.integers(0, 60))
def test_fit_is_the_tallest_size_that_fits(text: str, width: int, height: int) -> None:
    size = fit(text, width, height)
    if size is None:
        assert height < MIN_HEIGHT or Size(MIN_HEIGHT).text_width(text) > width
        return
    assert size.height <= height and size.text_width(text) <= width
    bigger = Size(size.height + 1)
    assert bigger.height > height or bigger.text_width(text) > width


def test_sizes_the_treatment_room_needs() -> None:
    # The rows the session screen leaves the clock at 80x24, 100x30 and 160x48.
    assert fit(template("7:59"), 76, 9) == Size(9)
    assert fit(template("7:59"), 96, 11) == Size(11)
    assert fit(template("7:59"), 156, 30) == Size(25)  # width-bound: the clock is 156 wide


def test_strokes_are_solid_and_even() -> None:
    eight = render("8", Size(7))
    assert eight == [
        "████████",
        "██    ██",
        "██    ██",
        "████████",
        "██    ██",
        "██    ██",
        "████████",
    ]
    one = render("1", Size(5))
    assert all(line == "    ██" for line in one)  # digits keep one width: the clock never shifts


def test_small_sizes_use_half_rows_so_counters_stay_open() -> None:
    zero = render("0", Size(3))
    assert zero == ["█▀▀█", "█  █", "█▄▄█"]


def test_every_digit_differs_from_every_other() -> None:
    for rows in (3, 5, 7, 11, 19):
        shapes = {tuple(render(d, Size(rows))) for d in "0123456789"}
        assert len(shapes) == 10


def test_the_template_keeps_the_size_across_a_lost_digit() -> None:
    assert template("9:59") == template("10:00") == "00:00"
    assert template("+0:58") == "+00:00"
    assert template("1:02:03") == "00:00:00"
    assert fit(template("9:59"), 80, 9) == fit(template("10:00"), 80, 9)


def test_a_colon_sits_in_both_counters() -> None:
    lines = render("0:0", Size(5))
    colon = [line[8:10] for line in lines]
    assert colon == ["  ", "██", "  ", "██", "  "]
