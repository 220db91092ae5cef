"""Whatever is typed in the filter (NUL, controls, quotes, FTS5 syntax, 10 kB, 1,000 words), the
index answers as query.matches over a fresh read does: rows, never a failed query."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review_journals import known_session, many
from test_index import dicts, fresh_read

from sessiontimer import cli
from sessiontimer.paths import AppPaths
from sessiontimer.review import index, lookup, query, store
from sessiontimer.review.summary import Summary

CLIENTS = ['a\x00b "x" NEAR(y) AND -z*', "Anna", "zz\x01\x1b[2J\u202e", None]
PIECES = ["\x00", "\x01", "\x1b", '"', "'", "*", "NEAR(", "AND", "OR", "NOT", "-", "^", ":"]
PIECES += ["(", ")", "{", "}", "anna", "a\x00b", "ann", "client:", "text:", "tag:", " ", "\\"]

HOSTILE = [
    "a\x00b",
    "\x00",
    "\x00\x00\x00",
    "text:abc\x00def",
    "client:a\x00b",
    'NEAR("a" "b") AND -x*',
    '"near(y)"',
    " ".join(f"w{i}" for i in range(1000)),
    " ".join(f"anna{i % 7}" for i in range(1000)),
    "anna " * 1000,
    "x" * 10_000,
    " ".join(chr(0x4E00 + i) * 3 for i in range(2500)),  # 10 kB of distinct rare words
    "text:" + "q" * 10_000,
]

MODES = ["rare", "always", "none"]


@pytest.fixture(scope="module", params=MODES)
def indexed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[store.Store, list[Summary]]]:
    root = tmp_path_factory.mktemp(request.param)
    sessions, state = root / "sessions", root / "state"
    many(sessions, 6)
    for day, client in enumerate(CLIENTS, start=20):
        known_session(sessions, client, day=day, token=f"{day:06x}")
    saved = store.RARE
    if request.param == "always":
        store.RARE = 0
    try:
        fts = request.param != "none"
        with store.memory_store(fts=False) if not fts else index.open_index(state) as st_:
            assert st_.has_fts is fts
            index.refresh(sessions, state, store=st_)
            yield st_, fresh_read(sessions)
    finally:
        store.RARE = saved


def _answers_as_the_oracle(indexed: tuple[store.Store, list[Summary]], line: str) -> None:
    st_, oracle = indexed
    parsed = query.parse(line)
    expected = [s for s in oracle if parsed.empty or query.matches(parsed, s)]
    chosen = lookup.select(st_, line)
    assert dicts(lookup.page(st_, chosen, 0, None)) == dicts(expected), repr(line[:60])
    assert lookup.count(st_, chosen) == len(expected), repr(line[:60])


@pytest.mark.parametrize("line", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_filter_answers_as_matching_a_fresh_read(
    indexed: tuple[store.Store, list[Summary]], line: str
) -> None:
    _answers_as_the_oracle(indexed, line)


def test_the_hostile_clients_are_found_by_their_hostile_words(
    indexed: tuple[store.Store, list[Summary]],
) -> None:
    """The oracle above is not only ever empty: NUL and FTS5 syntax find the session."""
    st_, _ = indexed
    for line in ["a\x00b", "near(y)", '"x" and', "client:-z*", "zz\x01\x1b[2j"]:
        assert lookup.count(st_, lookup.select(st_, line)) == 1, repr(line)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=12))
def test_any_typed_filter_answers_as_matching_a_fresh_read(
    indexed: tuple[store.Store, list[Summary]], line: list[str]
) -> None:
    _answers_as_the_oracle(indexed, "".join(line))


CLI_LINES = ["a\x00b", " ".join(f"w{i}" for i in range(1000)), "anna " * 1000, "NEAR( AND -x*"]


@pytest.mark.parametrize("line", CLI_LINES, ids=["nul", "1000-words", "1000-same", "fts-syntax"])
def test_logs_list_with_a_hostile_filter_lists_or_says_none_match(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    known_session(app_paths.sessions_dir, 'a\x00b "x" NEAR( AND -x* anna', day=20)
    known_session(app_paths.sessions_dir, "Ben", day=21, token="bbbbbb")
    code = cli.main(["logs", "list", line])
    out, err = capsys.readouterr()
    if line.startswith("w0"):
        assert (code, out) == (1, "")
        assert err.startswith("sessiontimer: no sessions match “w0 w1 w2")
        assert len(err) < 200 and f"({len(line):,} characters)" in err  # not the whole line back
    else:
        assert code == 0, err
        assert len(out.splitlines()) == 1 and "bbbbbb" not in out


def test_a_filter_the_index_refuses_is_said_not_a_traceback(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should SQLite still refuse some filter (a limit not met above), `logs list` says so."""
    known_session(app_paths.sessions_dir, "Anna", day=20)

    def refuse(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("too many SQL variables")

    monkeypatch.setattr(lookup, "page", refuse)
    assert cli.main(["logs", "list", "anna"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "sessiontimer: this filter could not be asked of the index "
        "(too many SQL variables); try fewer words\n"
    )
