"""The filter line: parsing and matching."""

from __future__ import annotations

import pytest

from sessiontimer.review.query import matches, parse, select
from sessiontimer.review.summary import Summary


def make(**kw: object) -> Summary:
    base: dict[str, object] = {
        "id": "x",
        "rel": "2026/x.jsonl",
        "start": "2026-10-20T09:00:00.000+01:00",
        "client": "Anna",
        "preset": "Craniosacral 60",
        "status": "complete",
        "tags": [["release", "sacrum"]],
        "texts": ["headache since Monday"],
    }
    base.update(kw)
    return Summary(**base)  # type: ignore[arg-type]


def test_plain_word_and_fields_parse() -> None:
    q = parse(
        "anna client:Anna tag:release region:sacrum since:2026-10-01 until:2026-10-31"
        ' text:"head ache"'
    )
    assert q.words == ["anna"]
    assert q.client == ["anna"] and q.tag == ["release"] and q.region == ["sacrum"]
    assert (q.since, q.until) == ("2026-10-01", "2026-10-31")
    assert q.text == ["head ache"]
    assert q.problems == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("since:yesterday", "since:yesterday is not a date"),
        ("colour:red", "unknown field 'colour'"),
    ],
)
def test_bad_parts_are_reported_not_raised(line: str, problem: str) -> None:
    q = parse(line + " anna")
    assert any(problem in p for p in q.problems)
    assert q.words == ["anna"]  # the rest still applies


def test_unclosed_quote_while_typing_does_not_raise() -> None:
    assert parse('text:"head').text == ["head"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("anna", True),
        ("ANNA", True),
        ("ben", False),
        ("client:ann", True),
        ("client:ben", False),
        ("tag:release", True),
        ("tag:tension", False),
        ("region:sacrum", True),
        ("region:occiput", False),
        ("since:2026-10-20", True),
        ("since:2026-10-21", False),
        ("until:2026-10-20", True),
        ("until:2026-10-19", False),
        ("text:headache", True),
        ("text:knee", False),
        ("client:anna tag:release", True),
        ("client:anna tag:tension", False),
        ("sacrum", True),
        ("cranio", True),
        ("", True),
    ],
)
def test_matching(line: str, expected: bool) -> None:
    assert matches(parse(line), make()) is expected


def test_text_searches_the_closing_note_too() -> None:
    assert matches(parse("text:lighter"), make(texts=[], closing="Felt lighter"))


def test_select_keeps_order_and_empty_filter_keeps_all() -> None:
    rows = [make(id="a", client="Anna"), make(id="b", client="Ben"), make(id="c", client="anna")]
    assert [s.id for s in select(rows, "client:anna")[0]] == ["a", "c"]
    assert [s.id for s in select(rows, "  ")[0]] == ["a", "b", "c"]
