"""The fast path of the summary reader gives what the tolerant reader gives, byte for byte.

Every journal here is summarized twice, by ``summarize_rel`` (fast path, falling back when it
sees anything unexpected) and with ``fast=False`` (the core's tolerant reader on every line);
the two summaries must be equal, problems included. The journals are real ones from the
benchmark's generator and the known session, and many mutations of them: truncations at
every kind of place, a crash then a resume, lines removed, doubled, swapped, run together or
typed by hand, other spacing and line ends, bad UTF-8, a newer version's lines, amendments.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from review_journals import known_session, many

from sessiontimer.core.journal import encode_line
from sessiontimer.review import index
from sessiontimer.review.fast_scan import fast_events as _fast_events
from sessiontimer.review.summary import summarize_rel

Mutation = Callable[[bytes], bytes]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _at_type(data: bytes, kind: str) -> int:
    """Index of the first line of type ``kind`` (the tests pick kinds every journal has)."""
    marker = f'"type":"{kind}"'.encode()
    return next(i for i, line in enumerate(_lines(data)) if marker in line)


def _edit_line(data: bytes, i: int, change: Callable[[bytes], bytes]) -> bytes:
    lines = _lines(data)
    lines[i] = change(lines[i])
    return b"".join(lines)


def _respace(line: bytes) -> bytes:
    event = json.loads(line)
    return json.dumps(event, separators=(", ", ": ")).encode() + b"\n"


def _crash_and_resume(data: bytes) -> bytes:
    """A checkpoint cut mid-line by a crash; on resume the writer ends it and goes on."""
    lines = _lines(data)
    i = _at_type(data, "checkpoint")
    resumed = {"v": 1, "type": "resumed_after_crash", "id": "e999", "t": 9e5, "gap": 1.0}
    return b"".join([*lines[:i], lines[i][:40] + b"\n", encode_line(resumed), *lines[i + 1 :]])


def _amend(data: bytes) -> bytes:
    note = json.loads(_lines(data)[_at_type(data, "note")])
    ended = json.loads(_lines(data)[-1])
    amended = {
        "v": 1,
        "type": "amended",
        "id": "e9999",
        "t": ended["t"],
        "note": note["id"],
        "fields": {"text": "corrected", "region": "sacrum"},
    }
    renamed = {**amended, "id": "e10000", "note": "e1", "fields": {"client": "Anne B."}}
    return data + encode_line(amended) + encode_line(renamed)


def _swap_last_two(data: bytes) -> bytes:
    lines = _lines(data)
    return b"".join([*lines[:-2], lines[-1], lines[-2]])


MUTATIONS: dict[str, Mutation] = {
    "as written": lambda d: d,
    "amended and renamed": _amend,
    "truncated in the first line": lambda d: d[:100],
    "truncated mid-file": lambda d: d[: len(d) // 2],
    "truncated before the last newline": lambda d: d[:-1],
    "truncated inside the last line": lambda d: d[:-20],
    "half-written tail": lambda d: d[:-1] + b',"half":',
    "crash, then resumed": _crash_and_resume,
    "empty": lambda d: b"",
    "only the first line": lambda d: _lines(d)[0],
    "first line removed": lambda d: b"".join(_lines(d)[1:]),
    "last line removed": lambda d: b"".join(_lines(d)[:-1]),
    "a note removed": lambda d: _edit_line(d, _at_type(d, "note"), lambda _: b""),
    "a note doubled": lambda d: _edit_line(d, _at_type(d, "note"), lambda x: x + x),
    "last two lines swapped": _swap_last_two,
    "two lines run together": lambda d: d.replace(b"}\n", b"}", 1),
    "a note and the next line run together": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: x[:-1] + b","
    ),
    "a line typed by hand": lambda d: _edit_line(d, 3, lambda x: x + b"typed by hand\n"),
    "a blank line": lambda d: _edit_line(d, 3, lambda x: x + b"\n"),
    "a checkpoint re-spaced": lambda d: _edit_line(d, _at_type(d, "checkpoint"), _respace),
    "a note re-spaced": lambda d: _edit_line(d, _at_type(d, "note"), _respace),
    "a cue cut short": lambda d: _edit_line(d, _at_type(d, "cue"), lambda x: x[:30] + b"\n"),
    "CRLF line ends": lambda d: d.replace(b"\n", b"\r\n"),
    "a byte-order mark": lambda d: b"\xef\xbb\xbf" + d,
    "bad UTF-8 in a note": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: x.replace(b'"key":"', b'"key":"\xff')
    ),
    "a newer version's line": lambda d: _edit_line(
        d, _at_type(d, "checkpoint"), lambda x: x.replace(b'{"v":1,', b'{"v":2,')
    ),
    "a note that is not an object": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: b'{"v":1,"type":"note"}\n[1,2]\n'
    ),
    "a note whose type is not text": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: x[:-2] + b',"type":5}\n'
    ),
    "a note with a later time than the end": lambda d: _edit_line(
        d, _at_type(d, "note"), lambda x: x.replace(b'"t":', b'"t":9e9,"old_t":')
    ),
    "time going back on the last line": lambda d: _edit_line(
        d, -1, lambda x: x.replace(b'"t":', b'"t":0,"old_t":')
    ),
    "preset and client hand-edited": lambda d: d.replace(b'"client":"', b'"client": "', 1),
    "a client key inside the preset": lambda d: d.replace(
        b'"preset":{', b'"preset":{"a":1,"client":"x",', 1
    ),
    "no newline at all": lambda d: d.replace(b"\n", b" "),
    "foreign text": lambda d: b"name,date\nAnna,2026-10-01\n",
    "binary": lambda d: b"\x00\xff\xfe" * 50,
}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    sessions = tmp_path_factory.mktemp("originals") / "sessions"
    return [p.read_bytes() for p in [*many(sessions, 6), known_session(sessions)]]


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_fast_and_full_summaries_are_equal(
    name: str, originals: list[bytes], tmp_path: Path
) -> None:
    year = tmp_path / "2026"
    year.mkdir()
    for n, data in enumerate(originals):
        rel = f"2026/2026-10-{n + 1:02d}T090000-{n:06x}.jsonl"
        (tmp_path / rel).write_bytes(MUTATIONS[name](data))
        fast = summarize_rel(str(tmp_path), rel)
        full = summarize_rel(str(tmp_path), rel, fast=False)
        assert fast.as_dict() == full.as_dict(), (name, n)


def test_the_fast_path_is_taken_for_what_the_app_writes(originals: list[bytes]) -> None:
    """Else the equality above would only prove the fallback equal to itself."""
    for data in [*originals, _amend(originals[0])]:
        assert _fast_events(data) is not None


@pytest.mark.parametrize(
    "name", ["crash, then resumed", "a cue cut short", "a line typed by hand", "CRLF line ends"]
)
def test_the_fast_path_steps_aside_for_damage_it_cannot_read(
    name: str, originals: list[bytes]
) -> None:
    assert _fast_events(MUTATIONS[name](originals[0])) is None


def test_a_parallel_cold_build_equals_a_serial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process pool (used by `logs list` on a large practice) changes nothing."""
    sessions = tmp_path / "sessions"
    files = many(sessions, 12)
    files[3].write_bytes(files[3].read_bytes()[:-30])  # one damaged journal among them
    serial = index.indexed(sessions, tmp_path / "b")
    monkeypatch.setattr(index, "PARALLEL_MIN", 2)
    monkeypatch.setattr(index, "CHUNK", 3)
    with index.open_index(tmp_path / "a") as store:
        assert index.refresh(sessions, tmp_path / "a", processes=True, store=store).reread == 12
    parallel = index.indexed(sessions, tmp_path / "a")
    assert [s.as_dict() for s in parallel] == [s.as_dict() for s in serial]
    assert sum(bool(s.problems) for s in parallel) == 1


def test_a_parallel_build_from_a_process_with_threads_never_forks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Sessions screen builds in a thread worker of the app: its readers start fresh
    (a forked child could inherit a lock another thread held) and read the same."""
    import threading

    from sessiontimer.review import parallel_read

    sessions = tmp_path / "sessions"
    many(sessions, 8)
    serial = index.indexed(sessions, tmp_path / "b")
    monkeypatch.setattr(index, "PARALLEL_MIN", 2)
    monkeypatch.setattr(index, "CHUNK", 3)
    seen: list[object] = []

    def build() -> None:
        seen.append(parallel_read._start_method())
        seen.append(index.refresh(sessions, tmp_path / "a", processes=True).reread)

    worker = threading.Thread(target=build)
    worker.start()
    worker.join(timeout=120)
    assert seen[0] != "fork" and seen[1] == 8
    parallel = index.indexed(sessions, tmp_path / "a")
    assert [s.as_dict() for s in parallel] == [s.as_dict() for s in serial]


_CAPTURED_STDERR = """
import multiprocessing, sys, threading
from sessiontimer.review import index, parallel_read

class Captured:  # what Textual puts in sys.stderr while the app runs
    def write(self, text):
        return len(text)
    def flush(self):
        pass
    def fileno(self):
        return -1

def build(root, seen):
    rels = index.journal_names(__import__("pathlib").Path(root))
    chunks = [([1, 2, 3], rels[:3]), (list(range(4, 4 + len(rels[3:]))), rels[3:])]
    for _ in parallel_read.read_in_pool(root, chunks):
        seen.append(len(multiprocessing.active_children()))

if __name__ == "__main__":
    real, sys.stderr = sys.stderr, Captured()
    seen = []
    worker = threading.Thread(target=build, args=(sys.argv[1], seen))
    worker.start()
    worker.join()
    print(max(seen))
"""


@pytest.mark.parametrize("long_tmpdir", [False, True])
def test_the_app_s_captured_stderr_does_not_keep_its_readers_from_starting(
    tmp_path: Path, long_tmpdir: bool
) -> None:
    """In the app, multiprocessing's resource tracker was handed Textual's stderr, whose
    fileno() is no file: the pool never started and the app read in one process. A TMPDIR
    too long for a forkserver's socket path falls back to spawn, not to one process."""
    sessions = tmp_path / "sessions"
    many(sessions, 6)
    env = dict(os.environ)
    if long_tmpdir:
        deep = tmp_path / ("t" * 60) / ("m" * 60)
        deep.mkdir(parents=True)
        env["TMPDIR"] = str(deep)
    done = subprocess.run(
        [sys.executable, "-c", _CAPTURED_STDERR, str(sessions)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    assert int(done.stdout.split()[-1]) > 0, done.stderr  # reader processes were running


def test_a_pool_that_cannot_start_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sessiontimer.review import parallel_read

    def no_pool(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no processes here")

    sessions = tmp_path / "sessions"
    many(sessions, 5)
    serial = index.indexed(sessions, tmp_path / "b")
    monkeypatch.setattr(index, "PARALLEL_MIN", 2)
    monkeypatch.setattr(index, "CHUNK", 2)
    monkeypatch.setattr(parallel_read, "ProcessPoolExecutor", no_pool)
    assert index.refresh(sessions, tmp_path / "a", processes=True).reread == 5
    parallel = index.indexed(sessions, tmp_path / "a")
    assert [s.as_dict() for s in parallel] == [s.as_dict() for s in serial]


def test_a_failed_reader_process_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sessiontimer.review import parallel_read

    sessions = tmp_path / "sessions"
    many(sessions, 6)
    serial = index.indexed(sessions, tmp_path / "b")
    monkeypatch.setattr(index, "PARALLEL_MIN", 2)
    monkeypatch.setattr(index, "CHUNK", 2)
    monkeypatch.setattr(parallel_read, "_read_chunk", _dies_in_a_child(parallel_read._read_chunk))
    index.refresh(sessions, tmp_path / "a", processes=True)
    parallel = index.indexed(sessions, tmp_path / "a")
    assert [s.as_dict() for s in parallel] == [s.as_dict() for s in serial]


def _dies_in_a_child(read: Any) -> Any:
    parent = os.getpid()

    def reader(root: str, rels: list[str], sids: list[int], listable: bool) -> Any:
        if os.getpid() != parent:
            os._exit(3)  # the worker process dies
        return read(root, rels, sids, listable)

    return reader
