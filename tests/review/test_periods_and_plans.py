"""Pure review logic behind the app's corrections: stats periods, rename plans, amend fields."""

from __future__ import annotations

from datetime import date

import pytest

from sessiontimer.review.edit import EditError, amend_fields, client_sessions, rename_plan
from sessiontimer.review.periods import PERIODS, period, period_stats
from sessiontimer.review.summary import Summary

TODAY = date(2026, 11, 24)  # a Tuesday


def _s(day: str, client: str | None = "Anna", hours: float = 1.0, tag: str = "release") -> Summary:
    return Summary(
        id=day, rel=f"x/{day}.jsonl", start=f"{day}T09:00:00+01:00", client=client,
        duration=hours * 3600, tags=[[tag, "sacrum"]], status="complete",
    )  # fmt: skip


def test_periods_count_whole_days_back_from_today() -> None:
    data = [_s("2026-10-27"), _s("2026-10-28"), _s("2026-11-24"), _s("2026-08-25")]
    data += [_s("2025-11-25"), _s("2025-11-24"), Summary(id="bad", rel="x/bad.jsonl")]
    counts = {p.key: period_stats(data, p, TODAY).sessions for p in PERIODS}
    assert counts == {"4w": 2, "3m": 3, "12m": 5, "all": 6}  # the damaged one never counts


def test_weeks_span_the_period_with_empty_weeks() -> None:
    st = period_stats([_s("2026-11-03", hours=1.5)], period("4w"), TODAY)
    assert st.weeks == [
        ("2026-10-26", 0),
        ("2026-11-02", 1),
        ("2026-11-09", 0),
        ("2026-11-16", 0),
        ("2026-11-23", 0),
    ]
    assert st.hours == 1.5 and st.tags == [("release", 1)] and st.clients == 1
    assert period_stats([], period("all"), TODAY).weeks == []


def test_unknown_period_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="4w, 3m, 12m, all"):
        period("1d")


def test_rename_plan_says_when_it_merges() -> None:
    data = [_s("2026-11-01", "anna"), _s("2026-11-02", "Anna"), _s("2026-11-03", "Anna ")]
    data += [_s("2026-11-04", "Ben"), _s("2026-11-05", "ben")]
    plan = rename_plan(data, "anna", "Anna")
    assert plan.spellings == {"anna": 1, "Anna ": 1} and plan.joins == 1
    assert "merge" in plan.question()
    into_ben = rename_plan(data, "Anna", "Ben")
    assert into_ben.sessions == 3 and into_ben.joins == 2 and "merge" in into_ben.question()
    fresh = rename_plan(data, "Ben", "Benjamin")
    assert fresh.joins == 0 and "merge" not in fresh.question()
    with pytest.raises(EditError):
        rename_plan(data, "Anna", "  ")
    with pytest.raises(EditError, match="already named"):
        rename_plan([_s("2026-11-02", "Anna")], "anna", "Anna")
    assert [s.id for s in client_sessions(data, "ANNA")] == [
        "2026-11-01",
        "2026-11-02",
        "2026-11-03",
    ]


def test_amend_fields_keeps_only_changes_and_refuses_an_empty_note() -> None:
    note = {"id": "e9", "type": "note", "tag": "release", "region": "sacrum", "text": None}
    assert amend_fields(note, {"text": "", "region": "sacrum", "tag": "release"}) == {}
    assert amend_fields(note, {"text": " warm ", "region": "", "tag": "release"}) == {
        "text": "warm",
        "region": None,
    }
    with pytest.raises(EditError, match="tag or a text"):
        amend_fields(note, {"text": "", "region": "sacrum", "tag": ""})
