"""The key locator: the line of a key path in TOML text, which tomllib does not report."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sessiontimer.core.toml_locate import KeyLocator, format_key

DOC = '''\
# a comment with [brackets] and key = "value"
title = """
[not.a.table]
name = "not a key"
"""
[general]
regions = [
    "feet",   # one
    "sacrum",
]
a.b.c = 1

[[presets]]
name = "one"
[[presets.phases]]
name = "p0"
[[presets.phases]]
name = "p1"
duration = '5m'

[[presets]]
"quoted key" = 2
[[presets.phases]]
name = "q0"
cue = { sound = "x", volume = 0.5 }
[presets.extra]
deep = [ { k = 1 },
  { k = 2 } ]
'''


def test_tables_arrays_and_keys() -> None:
    locate = KeyLocator(DOC)
    expected = {
        ("title",): 2,
        ("general",): 6,
        ("general", "regions"): 7,
        ("general", "regions", 0): 8,
        ("general", "regions", 1): 9,
        ("general", "a"): 11,
        ("general", "a", "b", "c"): 11,
        ("presets", 0): 13,
        ("presets", 0, "name"): 14,
        ("presets", 0, "phases", 0): 15,
        ("presets", 0, "phases", 1, "duration"): 19,
        ("presets", 1, "quoted key"): 22,
        ("presets", 1, "phases", 0): 23,
        ("presets", 1, "phases", 0, "cue", "volume"): 25,
        ("presets", 1, "extra", "deep", 0, "k"): 27,
        ("presets", 1, "extra", "deep", 1, "k"): 28,
    }
    assert {path: locate.line_of(path) for path in expected} == expected


def test_multiline_string_content_is_not_mistaken_for_keys() -> None:
    locate = KeyLocator(DOC)
    assert locate.line_of(("not",)) is None
    assert locate.line_of(("name",)) is None


def test_missing_keys_fall_back_to_the_nearest_parent() -> None:
    locate = KeyLocator(DOC)
    assert locate.line_of(("presets", 0, "phases", 1, "on_end")) == 17
    assert locate.line_of(("presets", 1, "description")) == 21
    assert locate.line_of(("nowhere", "at", "all")) is None


def test_format_key() -> None:
    assert format_key(("presets", 1, "phases", 0, "duration")) == "presets[1].phases[0].duration"
    assert format_key(("notes", "tags", "+")) == 'notes.tags."+"'
    assert format_key(()) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]{}\"'=.,#\n abc123", max_size=120))
def test_never_raises_on_any_text(text: str) -> None:
    locate = KeyLocator(text)
    assert locate.line_of(("a",)) is None or locate.line_of(("a",)) >= 1  # type: ignore[operator]


def test_stops_on_text_it_cannot_follow() -> None:
    """An unclosed array once made the scanner loop forever; it must give up instead."""
    locate = KeyLocator('x = [1, 2\nstart = { sound = "tingsha" }\n')
    assert locate.line_of(("x",)) == 1
