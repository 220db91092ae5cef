"""The index stays true to the journals: added, hand-edited, deleted; and it is only a cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from review_journals import known_session, many

from sessiontimer.review import index
from sessiontimer.review.summary import summarize


def test_index_follows_added_edited_and_deleted_journals(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    files = many(sessions, 6)
    first = index.refresh(sessions, state)
    assert first.reread == 6 and len(first.summaries) == 6
    assert index.refresh(sessions, state).reread == 0  # warm: nothing re-read

    added = known_session(sessions, client="Zoe", day=25)
    after_add = index.refresh(sessions, state)
    assert after_add.reread == 1
    assert after_add.by_id(added.stem).client == "Zoe"  # type: ignore[union-attr]

    text = added.read_text().replace('"client":"Zoe"', '"client":"Zoé Z."')
    added.write_text(text)  # edited by hand (size changes)
    edited = index.refresh(sessions, state)
    assert edited.reread == 1 and edited.by_id(added.stem).client == "Zoé Z."  # type: ignore[union-attr]

    files[0].unlink()
    gone = index.refresh(sessions, state)
    assert gone.by_id(files[0].stem) is None and len(gone.summaries) == 6

    reloaded = index.load_cached(state)
    assert reloaded is not None
    assert [s.as_dict() for s in reloaded.summaries] == [s.as_dict() for s in gone.summaries]


def test_same_size_edit_is_seen_through_mtime(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    path = known_session(sessions)
    index.refresh(sessions, state)
    path.write_text(path.read_text().replace('"client":"Anna"', '"client":"Anne"'))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert index.refresh(sessions, state).summaries[0].client == "Anne"


def test_index_matches_a_fresh_read_and_deleting_it_loses_nothing(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 5)
    built = index.refresh(sessions, state)
    assert stat.S_IMODE((state / index.INDEX_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    for s in built.summaries:
        assert s.as_dict() == summarize(sessions / s.rel, sessions).as_dict()
    index.forget(state)
    rebuilt = index.refresh(sessions, state)
    assert [s.as_dict() for s in rebuilt.summaries] == [s.as_dict() for s in built.summaries]


def test_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 3)
    index.refresh(sessions, state)
    (state / index.INDEX_NAME).write_text("{garbage")
    assert index.refresh(sessions, state).reread == 3


def test_fast_path_and_tolerant_reader_agree(tmp_path: Path) -> None:
    """The byte-search fast path gives the same summary as the full reader."""
    from sessiontimer.review import summary as mod
    from sessiontimer.review.fast_scan import fast_events

    sessions = tmp_path / "sessions"
    for path in [*many(sessions, 8), known_session(sessions)]:
        data = path.read_bytes()
        fast = fast_events(data)
        assert fast is not None
        slow = mod.Summary(id="x", rel="x")
        mod._apply(slow, [e for e in mod.read_journal(path).events])
        quick = mod.Summary(id="x", rel="x")
        mod._apply(quick, fast)
        assert quick == slow


def test_summary_of_the_known_session(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    s = summarize(known_session(sessions), sessions)
    assert (s.date, s.time, s.client, s.preset) == ("2026-10-20", "09:00", "Anna", "Short")
    assert s.duration == 200.0 and s.planned == 180.0 and s.notes == 2
    assert s.tags == [["release", "sacrum"], ["still point", "sacrum"]]
    assert s.texts == ["headache since Monday"] and s.closing == "Felt lighter, sleeps better."
    assert s.status == "complete" and not s.problems
