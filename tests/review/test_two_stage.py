"""A large cold build in two stages: every session listable first (partial rows), then filled.

A partial row must never answer a filter as if it were complete: either the filter is one
its first and last lines answer exactly (index.needs_full says no), or the build reads the
notes first. A build stopped between the stages, or a journal changed between them, ends in
the same index as a fresh read of the journals.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from review_journals import TZ, Session, known_session, many, write
from test_index import dicts, fresh_read

from sessiontimer import cli
from sessiontimer.core.journal import encode_line
from sessiontimer.paths import AppPaths
from sessiontimer.review import index, lookup, query
from sessiontimer.review.summary import listable_stamped, summarize_stamped

LINES = ["", "since:2026-10-01", "until:2026-09-20", "preset:cranio", "status:unsigned"]
LINES += ["status:interrupted", "status:signed", "status:resumed", "status:complete"]
LINES += ["status:early", "client:anna", "client:dora", "tag:release", "text:headache", "anna"]
LISTED = ("id", "rel", "start", "preset", "duration", "planned", "signature")


def _resumed_after_a_rename(sessions: Path) -> Path:
    """Crashed, its client renamed while it lay there, then resumed and ended: the rename
    and the resume are further in than the last lines."""
    s = Session(datetime(2026, 10, 3, 9, 0, tzinfo=TZ), "Anna")
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add("note", 10, 0, region=None, key="n", text="headache since Monday")
    s.add("checkpoint", 25, 0, run=1, phase_elapsed=25.0, target=60.0, paused=False)
    s.add("amended", 25, None, note="e1", fields={"client": "Dora"})
    s.add("suspended", 25, 0, reason="crash")
    s.add("resumed_after_crash", 25, 0, gap=3.0, counted="pause")
    s.add("checkpoint", 40, 0, run=1, phase_elapsed=40.0, target=60.0, paused=False)
    s.add("session_ended", 60, 0, reason="completed")
    return write(sessions, s.wall, s.events, "c0ffee")


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "STAGED_MIN", 1)  # every build here goes in two stages


def _journals(tmp_path: Path) -> tuple[Path, Path]:
    sessions, state = tmp_path / "sessions", tmp_path / "state"
    many(sessions, 40)
    known_session(sessions, "Anna", day=20, token="aaaaaa")
    _resumed_after_a_rename(sessions)
    return sessions, state


def _answer(st_: index.Store, line: str) -> list[str]:
    return [s.id for s in lookup.page(st_, lookup.select(st_, line), 0, None)]


def test_a_partial_row_answers_a_filter_as_its_full_row_or_the_filter_waits(
    tmp_path: Path, staged: None
) -> None:
    sessions, state = _journals(tmp_path)
    oracle = fresh_read(sessions)
    with index.open_index(state) as st_:
        done = index.refresh(sessions, state, store=st_, listable_only=True)
        assert done.reread == 42 and done.filled == 0
        partial = index.partial_count(st_)
        assert partial >= 40  # an unfinished one (no end in its last lines) is read whole
        differ = []
        for line in LINES:
            parsed = query.parse(line)
            expected = [s.id for s in oracle if parsed.empty or query.matches(parsed, s)]
            if not index.needs_full(parsed):
                assert _answer(st_, line) == expected, line
            elif _answer(st_, line) != expected:
                differ.append(line)
        # the filters said to wait would have been answered wrongly by the partial rows
        assert {"tag:release", "text:headache", "anna", "status:resumed"} <= set(differ)
        assert "client:dora" in differ  # renamed before the resume: not in the last lines
        rows = {s.id: s for s in lookup.page(st_, lookup.select(st_, ""), 0, None)}
        for s in oracle:
            row = rows[s.id]
            assert [getattr(row, k) for k in LISTED] == [getattr(s, k) for k in LISTED]
            assert row.partial or row.as_dict() == s.as_dict()
            if row.partial:
                assert row.notes == 0 and not row.tags and not row.texts and not row.closing
        done = index.refresh(sessions, state, store=st_)  # the second stage
        assert done.filled == partial and index.partial_count(st_) == 0
        assert dicts(lookup.everything(st_)) == dicts(oracle)


def test_the_listable_fields_match_the_full_read_on_generated_journals(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    many(sessions, 40, seed=3)
    resumed = 0
    for path in sorted(sessions.glob("*/*.jsonl")):
        rel = path.relative_to(sessions).as_posix()
        fast, stamp = listable_stamped(str(sessions), rel)
        full, full_stamp = summarize_stamped(str(sessions), rel)
        assert stamp == full_stamp
        assert [getattr(fast, k) for k in (*LISTED, "client", "amended")] == [
            getattr(full, k) for k in (*LISTED, "client", "amended")
        ]
        if full.status == "resumed":
            resumed += 1
            assert fast.status in ("complete", "ended early")  # the one thing it cannot tell
        else:
            assert fast.status == full.status
        assert fast.partial or fast.as_dict() == full.as_dict()
    assert resumed  # the generator's odd crash and resume is among them


def test_a_build_stopped_between_the_stages_completes_on_the_next_refresh(
    tmp_path: Path, staged: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions, state = _journals(tmp_path)
    index.refresh(sessions, state, listable_only=True)  # then the process is gone
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1  # the first stage's one chunk, then one of the second's

    monkeypatch.setattr(index, "CHUNK", 10)
    with pytest.raises(index.Cancelled):
        index.refresh(sessions, state, cancel=stop)
    with index.open_index(state) as st_:
        assert 0 < index.partial_count(st_) < 40  # some filled, some still partial
    done = index.refresh(sessions, state)
    assert done.reread == 0 and 0 < done.filled < 40
    assert dicts(index.indexed(sessions, state)) == dicts(fresh_read(sessions))


def test_a_journal_changed_or_removed_between_the_stages_is_read_as_it_is_now(
    tmp_path: Path, staged: None
) -> None:
    sessions, state = _journals(tmp_path)
    index.refresh(sessions, state, listable_only=True)
    files = sorted(sessions.glob("*/*.jsonl"))
    last = files[5].read_bytes().splitlines()[-1]
    extra = {"v": 1, "type": "note", "id": "e9999", "at": "2026-11-01T12:00:00+01:00"}
    with files[5].open("ab") as out:  # a note appended by hand: not listable from the tail
        out.write(encode_line({**extra, "t": 1e9, "tag": "zqx", "text": "written later"}))
    assert b"zqx" not in last
    text = files[9].read_text()
    files[9].write_text(text.replace('"client":"', '"client":"Zed', 1))  # starts otherwise
    files[12].unlink()
    with index.open_index(state) as st_:
        index.fill(st_, sessions)  # the second stage alone: every partial row re-read
        st_.commit()
        assert index.partial_count(st_) == 0
        assert _answer(st_, "tag:zqx") == [files[5].stem]
        assert _answer(st_, "client:zed") == [files[9].stem]
        assert files[12].stem not in _answer(st_, "")
    assert dicts(index.indexed(sessions, state)) == dicts(fresh_read(sessions))


def test_logs_list_lists_at_once_and_reads_the_notes_when_a_filter_needs_them(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], staged: None
) -> None:
    sessions = app_paths.sessions_dir
    many(sessions, 6)
    known_session(sessions, "Anna", day=20, token="aaaaaa")
    assert cli.main(["logs", "list", "--all"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 7 and all(" … " in row for row in out.splitlines())
    assert "7 of the 7 sessions shown are listed from their first and last lines" in err
    assert cli.main(["logs", "list", "tag:release", "--all", "--json"]) == 0
    out, err = capsys.readouterr()
    expected = [s for s in fresh_read(sessions) if query.matches(query.parse("tag:release"), s)]
    assert out.splitlines() and len(out.splitlines()) == len(expected)
    assert "first and last lines" not in err
    assert cli.main(["logs", "list", "--all"]) == 0
    assert " … " not in capsys.readouterr().out  # filled: the notes are counted


def test_a_clients_sessions_on_the_command_line_are_never_told_from_partial_rows(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], staged: None
) -> None:
    sessions = app_paths.sessions_dir
    many(sessions, 6)
    renamed = _resumed_after_a_rename(sessions)  # "Anna" in its first line, "Dora" after
    assert cli.main(["logs", "list", "--all"]) == 0  # the first stage only
    assert "listed from their first and last lines" in capsys.readouterr().err
    assert cli.main(["logs", "export", "--client", "Dora", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert renamed.stem in out  # the client as the whole journal tells it
    with index.open_index(app_paths.state_dir) as st_:
        assert index.partial_count(st_) == 0


def _stale_first_stage(sessions: Path, state: Path) -> None:
    """What a second `logs list` does that listed the folder before this build wrote its
    rows: its first stage writes partial rows for every journal (another connection)."""
    rels = sorted(p.relative_to(sessions).as_posix() for p in sessions.glob("*/*.jsonl"))
    with index.open_index(state) as other:
        index._read_into(other, sessions, rels, None, None, False)


def test_a_second_build_listing_the_journals_never_undoes_the_notes_read(
    tmp_path: Path, staged: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two `logs list` started together on a cold index (2,600 journals): the one asked for
    "tension" answered 987 to 1,748 of its 2,016 sessions, silently. The other one's first
    stage, planned before the first one wrote, had put partial rows over its full ones."""
    sessions, state = _journals(tmp_path)
    real_plan = index._plan

    def plan_then_other_builds(*args: object, **kw: object) -> object:
        plan = real_plan(*args, **kw)  # type: ignore[arg-type]
        monkeypatch.setattr(index, "_plan", real_plan)
        index.refresh(sessions, state)  # the other build, both stages, meanwhile
        return plan

    monkeypatch.setattr(index, "_plan", plan_then_other_builds)
    with index.open_index(state) as st_:
        index.refresh(sessions, state, store=st_, listable_only=True)
        assert index.partial_count(st_) == 0
        assert dicts(lookup.everything(st_)) == dicts(fresh_read(sessions))


def test_a_refresh_fills_the_partial_rows_another_build_wrote_meanwhile(
    tmp_path: Path, staged: None
) -> None:
    sessions, state = _journals(tmp_path)
    index.refresh(sessions, state, listable_only=True)
    with index.open_index(state) as st_:
        real = st_.partial_rows
        calls = []

        def then_another_first_stage() -> list[tuple[int, str]]:
            pending = real()
            if not calls:
                calls.append(1)
                _stale_first_stage(sessions, state)  # new sids: these rows are not pending
            return pending

        st_.partial_rows = then_another_first_stage  # type: ignore[method-assign]
        index.refresh(sessions, state, store=st_)
        assert calls and index.partial_count(st_) == 0
        assert dicts(lookup.everything(st_)) == dicts(fresh_read(sessions))


def test_a_fifo_in_place_of_a_listed_journal_is_damage_not_a_wait(
    tmp_path: Path, staged: None
) -> None:
    """A journal listed by the first stage, then swapped for a FIFO (its folder's mtime put
    back, so the quick refresh does not look): the second stage opened it and waited for a
    writer, forever (`logs list tension` hung; the Sessions screen read notes for ever)."""
    import os
    import threading

    sessions, state = _journals(tmp_path)
    victim = sessions / "2025" / "2025-09-01T080000-ffffff.jsonl"  # not the newest year
    victim.parent.mkdir()
    victim.write_bytes(sorted(sessions.glob("2026/*.jsonl"))[0].read_bytes())
    index.refresh(sessions, state, listable_only=True)
    folder = victim.parent.stat()
    victim.unlink()
    os.mkfifo(victim)
    os.utime(victim.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))
    done: list[index.Refreshed] = []
    worker = threading.Thread(
        target=lambda: done.append(index.refresh(sessions, state, full=False)), daemon=True
    )
    worker.start()
    worker.join(5)
    waited = not done
    if waited:  # let the blocked reader go before failing
        os.close(os.open(victim, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
    assert not waited, "the refresh waited on the FIFO for a writer"
    with index.open_index(state) as st_:
        rows = {s.rel: s for s in lookup.everything(st_)}
        assert index.partial_count(st_) == 0
    row = rows.get(victim.relative_to(sessions).as_posix())
    assert row is None or row.problems  # gone, or listed as damaged: never waited on


def _long_unfinished(sessions: Path, checkpoints: int, token: str = "b16b16") -> Path:
    """An unfinished session of many lines (a crash after hours, or a planted journal)."""
    s = Session(datetime(2026, 10, 5, 9, 0, tzinfo=TZ), "Bea")
    s.add("phase_started", 0, 0, run=1, target=None)
    s.add("note", 10, 0, region=None, key="n", text="headache since Monday")
    for i in range(checkpoints):
        t = 15.0 * (i + 1)
        s.add("checkpoint", t, 0, run=1, phase_elapsed=t, target=None, paused=False)
    return write(sessions, s.wall, s.events, token)


def test_a_long_unfinished_journal_is_listable_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold `logs list` beside a 173 MB unfinished journal took 14 s: no end in its last
    lines, so it was read whole in the first stage. A look for the end's bytes through the
    file tells it is unfinished; its first and last lines give the rest of the row."""
    sessions = tmp_path / "sessions"
    path = _long_unfinished(sessions, 12_000)
    assert path.stat().st_size > 1 << 20
    full = summarize_stamped(str(sessions), path.relative_to(sessions).as_posix())[0]
    monkeypatch.setattr("sessiontimer.review.summary.summarize_stamped", _no_whole_read)
    row, stamp = listable_stamped(str(sessions), path.relative_to(sessions).as_posix())
    assert row.partial and stamp == (path.stat().st_size, path.stat().st_mtime_ns)
    assert {k: getattr(row, k) for k in (*LISTED, "client", "status")} == {
        k: getattr(full, k) for k in (*LISTED, "client", "status")
    }
    assert (row.status, row.duration) == ("unfinished", 15.0 * 12_000)


def _no_whole_read(*args: object, **kwargs: object) -> None:
    raise AssertionError("read whole")


def test_a_long_journal_whose_end_is_far_from_its_last_lines_is_read_whole(
    tmp_path: Path,
) -> None:
    """Corrections after the end (each a line) can push ``session_ended`` out of the last
    lines: the look for its bytes finds it, and the file is read whole, not called
    unfinished."""
    sessions = tmp_path / "sessions"
    path = _long_unfinished(sessions, 12_000)
    with path.open("ab") as f:
        f.write(encode_line({"v": 1, "type": "session_ended", "id": "e90000",
                             "at": "2026-10-05T11:00:00.000+01:00", "t": 180_001.0,
                             "phase": 0, "reason": "completed"}))  # fmt: skip
        for i in range(200):
            f.write(encode_line({"v": 1, "type": "amended", "id": f"e{90001 + i}",
                                 "at": "2026-10-05T11:00:00.000+01:00", "t": 180_001.0,
                                 "note": "e3", "fields": {"text": f"headache {i}"}}))  # fmt: skip
    row = listable_stamped(str(sessions), path.relative_to(sessions).as_posix())[0]
    assert not row.partial and row.status == "complete" and row.notes == 1


def test_the_look_for_the_end_finds_it_across_the_pieces_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sessiontimer.review import summary

    sessions = tmp_path / "sessions"
    ended = known_session(sessions, "Anna", day=20, token="aaaaaa")
    unfinished = _long_unfinished(sessions, 3)
    for piece in range(8, 200, 7):  # the end's line cut at every place by some piece size
        monkeypatch.setattr(summary, "LOOK_PIECE", piece)
        assert summary._ends_within(str(ended)), piece
        assert not summary._ends_within(str(unfinished)), piece


def test_a_huge_journal_in_a_small_folder_is_listed_first_and_read_when_asked(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small folder is built in one stage, every journal read whole: beside a journal of
    a hundred megabytes the first `logs list` took 10-14 s. A journal larger than any session
    writes is listed from its ends first, and read whole when a filter needs its notes."""
    sessions = app_paths.sessions_dir
    known_session(sessions, "Anna", day=20, token="aaaaaa")
    huge = _long_unfinished(sessions, 12_000)
    monkeypatch.setattr(index, "HUGE", 1 << 20, raising=False)
    read_whole: list[str] = []
    real = index.summarize_stamped

    def counted(root: str, rel: str, **kwargs: object) -> object:
        read_whole.append(rel)
        return real(root, rel)

    monkeypatch.setattr(index, "summarize_stamped", counted)
    assert cli.main(["logs", "list"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if huge.stem in line)
    assert "Bea" in row and "unfinished" in row and "…" in row, out
    assert [rel for rel in read_whole if huge.stem in rel] == []
    assert cli.main(["logs", "list", "text:headache"]) == 0
    out = capsys.readouterr().out
    assert "Bea" in out and "1 note" in out, out
