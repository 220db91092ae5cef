"""Findings (pain, rhythm: issue 18's lines) and the plan are in the index: ``region:`` finds
a finding's region or station, plain words its label ("pain 6", "rhythm 8/min"), ``text:``
and plain words the plan; amended and retracted findings as the treatment note reads them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from review_journals import TZ, Session, known_session, many, write
from test_index import dicts, fresh_read

from sessiontimer.review import index, lookup, query, store
from sessiontimer.review.fast_scan import fast_events
from sessiontimer.review.summary import summarize_rel


def with_findings(sessions: Path, day: int, token: str, client: str = "Anna") -> Path:
    s = Session(datetime(2026, 10, day, 9, 0, tzinfo=TZ), client)
    s.add("phase_started", 0, 0, run=1, target=60.0)
    pain = s.add("pain", 5, 0, value=6, region="hallux")
    s.add("checkpoint", 15, 0, run=1, phase_elapsed=15.0, target=60.0, paused=False)
    s.add("rhythm", 20, 0, rate=8.5, taps=4, station="talus", qualities={"amplitude": "low"})
    gone = s.add("rhythm", 30, 0, rate=11.0, taps=3, station="cranium")
    s.add("note", 45, 0, region="sacrum", key="r", tag="release")
    s.add("note_retracted", 50, 0, note=gone)
    s.add("amended", 55, None, note=pain, fields={"value": 7, "region": "mastoid"})
    s.add("phase_ended", 60, 0, run=1, reason="target", length=60.0)
    s.add("session_ended", 60, 0, reason="completed")
    s.add("pain", 61, None, value=2, region=None, after=True)
    s.add("plan", 62, None, text="first plan")
    s.add("plan", 63, None, text="Stretch the psoas daily")
    return write(sessions, s.wall, s.events, token)


def test_a_journal_s_findings_and_plan_are_summarized_fast_and_full_alike(
    tmp_path: Path,
) -> None:
    path = with_findings(tmp_path, 20, "aaaaaa")
    rel = path.relative_to(tmp_path).as_posix()
    assert fast_events(path.read_bytes()) is not None  # the fast path keeps these lines
    fast = summarize_rel(str(tmp_path), rel)
    full = summarize_rel(str(tmp_path), rel, fast=False)
    assert fast.as_dict() == full.as_dict()
    assert fast.findings == [
        ["pain 7", "mastoid"],  # amended: the value and the region it was corrected to
        ["rhythm 8.5/min", "talus"],  # the retracted one is gone
        ["pain 2 after", None],
    ]
    assert fast.plan == "Stretch the psoas daily"  # the latest plan line is the plan
    assert fast.tags == [["release", "sacrum"]]  # findings are not tags


FILTERS = [
    "region:mastoid",
    "region:talus",
    "region:hallux",  # amended away: found nowhere
    "region:sac",
    "pain",
    '"pain 7"',
    "rhythm",
    "8.5/min",
    "text:psoas",
    "psoas",
    "text:first",  # an earlier plan, replaced
    "tag:pain",  # a finding is not a tag
    "region:mastoid text:psoas client:anna",
]


@pytest.mark.parametrize("fts, always", [(True, False), (True, True), (False, False)])
def test_findings_and_the_plan_are_searched_as_a_fresh_read_answers(
    tmp_path: Path, fts: bool, always: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if always:  # the trigram index used for every word
        monkeypatch.setattr(store, "RARE", 0)
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 8)
    known_session(sessions, "Ben", day=21, token="bbbbbb")
    with_findings(sessions, 20, "aaaaaa")
    with_findings(sessions, 22, "cccccc", client="Chloé")
    with store.memory_store(fts=fts) if not fts else index.open_index(state) as st:
        assert st.has_fts is fts
        index.refresh(sessions, state, store=st)
        oracle = fresh_read(sessions)
        found = {}
        for line in FILTERS:
            parsed = query.parse(line)
            expected = [s for s in oracle if query.matches(parsed, s)]
            chosen = lookup.select(st, line)
            assert dicts(lookup.page(st, chosen, 0, None)) == dicts(expected), line
            assert lookup.count(st, chosen) == len(expected), line
            found[line] = sorted(s.id[-6:] for s in expected)
    both, one = ["aaaaaa", "cccccc"], ["aaaaaa"]
    assert found["region:mastoid"] == found["region:talus"] == found["psoas"] == both
    assert found["text:psoas"] == found['"pain 7"'] == found["rhythm"] == both
    assert found["region:hallux"] == found["text:first"] == found["tag:pain"] == []
    assert found["region:mastoid text:psoas client:anna"] == one
    assert "bbbbbb" in found["region:sac"]  # a tag's region still found


def test_a_session_s_findings_are_in_the_index_as_soon_as_it_is_updated(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    known_session(sessions, "Ben", day=21, token="bbbbbb")
    index.refresh(sessions, state)
    path = with_findings(sessions, 22, "cccccc")
    index.update(sessions, state, [path.relative_to(sessions).as_posix()])
    with index.open_index(state) as st:
        hits = lookup.page(st, lookup.select(st, "region:talus"), 0, None)
    assert [s.id[-6:] for s in hits] == ["cccccc"]
    assert hits[0].findings[1] == ["rhythm 8.5/min", "talus"] and hits[0].plan.startswith("Stretch")
