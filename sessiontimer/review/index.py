"""The review index kept in step with the journals: what to re-read, and reading it.

The journals are the only source of truth; the index (review/store.py) is a cache of their
summaries. A refresh finds what changed by other means (a sync tool, a hand edit) by
comparing each journal's path, size and mtime with the stamp its rows were made from, and
re-reads only those. A *quick* refresh, the one `logs list` does, looks inside a year folder
only when the folder's own mtime moved (a file added, removed or renamed there: what sync
tools and editors do) or when it is the newest year; a *full* one (the Sessions screen, in
the background) looks at every file. Writing a journal through the app (end, amend, rename,
delete) updates its rows at once: :func:`update`.

A cold build streams: rows are committed in batches as journals are read, with progress
reported and a way to stop; what was committed stays valid and a later refresh continues.
A large one (:data:`STAGED_MIN` journals or more) goes in two stages: first every session
becomes listable from its first and last lines (rows marked ``partial``: no notes, marks,
findings or text yet), then each is read whole and its row filled in (:func:`fill`), newest
first. A refresh always finishes the second stage, also one a stopped build left, unless
asked for ``listable_only``; whoever reads the rows that way must not answer a question of
notes, tags, regions or text from a partial row (:func:`needs_full`, :func:`partial_count`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sessiontimer.core.visible import utf8
from sessiontimer.review.query import Query
from sessiontimer.review.store import DB_NAME, Batch, Store, batch_rows, open_store, remove
from sessiontimer.review.summary import (
    FAST_MAX,
    Stamp,
    Summary,
    listable_stamped,
    summarize_stamped,
)

Progress = Callable[[int, int], None]  # (journals read, journals to read)
PARALLEL_MIN = 4000  # fewer journals than this are read in this process
CHUNK = 250  # journals read (by one worker process), written and committed at a time
STAGED_MIN = 2000  # this many journals to read or more: listable first, then filled in
HUGE = FAST_MAX  # a journal larger than this is made listable first in any build
ReadAs = Literal["listable", "whole", "by size"]  # how a batch of journals is read
LISTABLE_CHUNK = 1000  # partial rows are small: fewer, larger commits (each costs ~10 ms)
FILL_ROUNDS = 8  # second stages run again for partial rows another build wrote meanwhile
Chunk = tuple[list[int], list[str]]  # (sids, journals): read together, written together


class Cancelled(Exception):
    """The build was stopped; what it committed stays, the next refresh continues."""


@dataclass
class Refreshed:
    reread: int  # journals read by this refresh (made listable, at least)
    removed: int  # rows dropped for journals that are gone
    filled: int = 0  # partial rows filled in (the second stage)


@dataclass
class _Plan:
    todo: list[str]
    gone: list[str]
    folders: dict[str, int]  # year folder -> its mtime_ns when listed (recorded once read)
    dropped_folders: list[str]


def journal_names(sessions_dir: Path) -> list[str]:
    """Every ``YYYY/*.jsonl`` (regular files only, no symlinks), without a stat per file."""
    found: list[str] = []
    for year, _ in _years(sessions_dir):
        found += [rel for rel, _ in _files(sessions_dir, year, stat=False)]
    return found


def _years(sessions_dir: Path) -> list[tuple[str, int]]:
    """Year folders (no symlinks) with their mtime_ns, read before they are listed."""
    try:
        entries = list(os.scandir(sessions_dir))
    except OSError:
        return []
    years = []
    for e in entries:
        if not utf8(e.name):  # not a name the app gives; SQLite text is UTF-8
            continue
        try:
            if e.is_dir(follow_symlinks=False):
                years.append((e.name, e.stat(follow_symlinks=False).st_mtime_ns))
        except OSError:
            continue
    return sorted(years)


def _files(sessions_dir: Path, year: str, stat: bool) -> Iterator[tuple[str, Stamp | None]]:
    try:
        entries = list(os.scandir(os.path.join(sessions_dir, year)))
    except OSError:
        return
    for e in entries:
        if not e.name.endswith(".jsonl") or not utf8(e.name):  # passed over, like a symlink
            continue
        try:
            if not e.is_file(follow_symlinks=False):
                continue
            if stat:
                st = e.stat(follow_symlinks=False)
                yield f"{year}/{e.name}", (st.st_size, st.st_mtime_ns)
            else:
                yield f"{year}/{e.name}", None
        except OSError:
            continue


def _plan(store: Store, sessions_dir: Path, full: bool) -> _Plan:
    known = store.folders()
    years = _years(sessions_dir)
    newest = years[-1][0] if years else None
    plan = _Plan([], [], {}, [name for name in known if name not in dict(years)])
    for year, mtime in years:
        if not full and year != newest and known.get(year) == mtime:
            continue  # nothing added, removed or renamed in this folder since it was read
        indexed = store.stamps(year)
        on_disk = dict(_files(sessions_dir, year, stat=bool(indexed)))
        plan.todo += [
            rel for rel, stamp in on_disk.items() if stamp is None or indexed.get(rel) != stamp
        ]
        plan.gone += [rel for rel in indexed if rel not in on_disk]
        plan.folders[year] = mtime
    return plan


def refresh(
    sessions_dir: Path,
    state_dir: Path,
    *,
    full: bool = True,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    processes: bool = False,
    store: Store | None = None,
    listable_only: bool = False,
    filling: Progress | None = None,
    listable: Callable[[], None] | None = None,
) -> Refreshed:
    """Bring the index in line with the journals; re-read only what changed.

    ``listable_only``: stop once every session is listable (partial rows may stay: see the
    module's notes). ``filling``: the progress of the second stage (``progress`` when not
    given); ``listable``: called once every session is listable, before it (and earlier
    too, when the refresh this one waits for has made them so).

    One refresh at a time per state folder in this process (the Start screen's, the
    Sessions screen's): a second one waits, showing the first one's progress, then finds
    little left to read, instead of reading every journal a second time alongside it.
    """
    key = str(state_dir)
    with _BUILDS_GUARD:
        lock = _BUILDS.setdefault(key, threading.RLock())
    _wait(lock, key, progress, filling, listable, cancel)
    try:

        def report(done: int, total: int) -> None:
            _PROGRESS[key] = (done, total, False)
            if progress is not None:
                progress(done, total)

        def report_filling(done: int, total: int) -> None:
            _PROGRESS[key] = (done, total, True)
            told = filling or progress
            if told is not None:
                told(done, total)

        own = store is None
        if store is None:
            store = open_index(state_dir)
        try:
            build = (store, sessions_dir, full, report, cancel, processes, listable_only)
            try:
                return _build(*build, report_filling, listable)
            except sqlite3.Error as error:
                if str(store.path) == ":memory:":
                    raise
                trouble = error
            if _damaged(trouble) and store.start_over():  # a new file, from the journals
                try:
                    return _build(*build, report_filling, listable)
                except sqlite3.Error as error:
                    trouble = error
            store.fall_back_to_memory(trouble)  # disk full, read-only: from the journals
            return _build(*build, report_filling, listable)
        finally:
            _PROGRESS.pop(key, None)
            if own:
                store.close()
    finally:
        lock.release()


def _damaged(error: sqlite3.Error) -> bool:
    """The file's content is wrong ("malformed", "not a database"), not the disk or the
    folder under it (OperationalError: full, read-only, busy, I/O)."""
    return isinstance(error, sqlite3.DatabaseError) and not isinstance(
        error, sqlite3.OperationalError
    )


def _build(
    store: Store,
    sessions_dir: Path,
    full: bool,
    report: Progress,
    cancel: Callable[[], bool] | None,
    processes: bool,
    listable_only: bool,
    filling: Progress,
    listable: Callable[[], None] | None,
) -> Refreshed:
    done = _refresh(store, sessions_dir, full, report, cancel, processes)
    if listable is not None:
        listable()
    if not listable_only:
        done.filled = fill(store, sessions_dir, filling, cancel, processes)
        for _ in range(FILL_ROUNDS):  # partial rows another build's first stage wrote meanwhile
            if not store.partial_count():
                break
            done.filled += fill(store, sessions_dir, filling, cancel, processes)
    return done


def _wait(
    lock: threading.RLock,
    key: str,
    progress: Progress | None,
    filling: Progress | None,
    listable: Callable[[], None] | None,
    cancel: Callable[[], bool] | None,
) -> None:
    """Take the state folder's lock, telling meanwhile the progress of the refresh that
    holds it, and once it is in its second stage, that every session is listable."""
    while not lock.acquire(timeout=0.1):
        under_way = _PROGRESS.get(key)
        if under_way is not None:
            read, of, second = under_way
            if second and listable is not None:
                listable()
                listable = None
            told = (filling or progress) if second else progress
            if told is not None:
                told(read, of)
        if cancel is not None and cancel():
            raise Cancelled("stopped while another refresh of the index ran")


_BUILDS: dict[str, threading.RLock] = {}  # state folder -> held while it is refreshed
_BUILDS_GUARD = threading.Lock()
_PROGRESS: dict[str, tuple[int, int, bool]] = {}  # state folder -> (done, total, second stage)
# of the refresh under way


def read_whole(
    sessions_dir: Path,
    state_dir: Path,
    store: Store,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> bool:
    """Make sure no row of ``store`` is partial before it answers a question of notes or
    texts (a client's history, stats): if some are, wait for the second stage under way
    (the Sessions screen's) or run it. ``progress``: of the second stage (the first, too,
    if journals changed meanwhile). Returns whether there was anything to wait for."""
    if not store.partial_count():
        return False
    refresh(sessions_dir, state_dir, full=False, progress=progress, cancel=cancel, store=store)
    return True


def open_index(state_dir: Path) -> Store:
    """The index database, or an empty one in memory when the state folder cannot hold it."""
    store = open_store(state_dir)
    if store is None:
        from sessiontimer.review.store import memory_store

        store = memory_store()
        store.trouble = _why_not_kept(state_dir)
    return store


def _why_not_kept(state_dir: Path) -> str:
    """Why the index cannot be kept in ``state_dir``, in words, and what to do."""
    path = state_dir / DB_NAME
    base = state_dir  # the folder, or the nearest one above it that exists
    while not base.exists() and base.parent != base:
        base = base.parent
    if not base.is_dir():
        what, todo = f"{base} is not a folder", f"move that file away from {base}"
    elif path.is_symlink() or (path.exists() and not path.is_file()):
        what, todo = f"{path} is not a regular file", f"move {path} away"
    elif not os.access(base, os.W_OK):
        what, todo = f"{base} is read-only", f"make {base} writable"
    elif _full(base):
        what, todo = f"the disk holding {base} is full", "free some space"
    else:
        what, todo = f"{path} could not be opened", "it may be busy; try again in a moment"
    return (
        f"the review index cannot be kept ({what}); sessions are read from their logs each "
        f"time until it can: {todo}"
    )


FULL_BELOW = 64 * 1024  # bytes free under which SQLite cannot open the index (its -shm file)


def _full(folder: Path) -> bool:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return False
    return info.f_bavail * info.f_frsize < FULL_BELOW


def _refresh(
    store: Store,
    sessions_dir: Path,
    full: bool,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    processes: bool,
) -> Refreshed:
    plan = _plan(store, sessions_dir, full)
    known = store.folders()
    removed = len(plan.gone)
    store.drop(plan.gone)
    for name in plan.dropped_folders:  # a whole year folder gone
        rels = store.stamps(name)
        removed += len(rels)
        store.drop(rels)
        store.set_folder(name, None)
    fresh = [name for name in plan.folders if name not in known]
    for name in fresh:
        store.set_folder(name, -1)  # will have rows, not yet all read
    if removed or plan.dropped_folders or fresh:
        store.commit()
    # Newest first (the names hold the date): a cold build shows the newest sessions at once,
    # and one stopped halfway has indexed the ones a practitioner looks for first.
    plan.todo.sort(reverse=True)
    read = _read_into(store, sessions_dir, plan.todo, progress, cancel, processes)
    moved = {name: mtime for name, mtime in plan.folders.items() if known.get(name) != mtime}
    for name, mtime in moved.items():
        store.set_folder(name, mtime)  # every journal in it read: trusted until it moves
    if moved:
        store.commit()
    return Refreshed(read, removed)


def _read_into(
    store: Store,
    sessions_dir: Path,
    todo: list[str],
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    processes: bool,
) -> int:
    """Read ``todo`` and commit their rows in batches; progress at most ten times a second.
    Many journals are made listable only (partial rows; :func:`fill` reads them whole)."""
    total = len(todo)
    if not total:
        return 0
    version = store.data_version()
    cold = version if store.empty() else None  # a cold build: nothing to drop, while alone
    first = store.next_sid()
    staged = total >= STAGED_MIN
    chunks = _chunks([first + i for i in range(total)], todo, LISTABLE_CHUNK if staged else CHUNK)

    def write(batch: Batch, asked: list[int]) -> None:
        store.put_batch(batch, cold=cold)

    how: ReadAs = "listable" if staged else "by size"
    _stream(store, sessions_dir, chunks, how, write, progress, cancel, processes)
    return total


def _chunks(sids: list[int], rels: list[str], size: int | None = None) -> list[Chunk]:
    size = size or CHUNK
    return [(sids[i : i + size], rels[i : i + size]) for i in range(0, len(rels), size)]


def _stream(
    store: Store,
    sessions_dir: Path,
    chunks: list[Chunk],
    how: ReadAs,
    write: Callable[[Batch, list[int]], object],
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    processes: bool,
) -> None:
    total, done, shown = sum(len(rels) for _, rels in chunks), 0, 0.0
    if progress is not None:
        progress(0, total)
    batches = _batches(sessions_dir, chunks, processes, how)
    for (sids, _), batch in zip(chunks, batches, strict=True):
        write(batch, sids)
        store.commit()  # at once: what is committed stays if the build is stopped, and
        done += len(sids)  # the write lock is held only while rows are written
        if cancel is not None and cancel():
            raise Cancelled(f"stopped after {done} of {total} journals")
        if progress is not None and (done == total or time.monotonic() - shown > 0.1):
            shown = time.monotonic()
            progress(done, total)


def fill(
    store: Store,
    sessions_dir: Path,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    processes: bool = False,
) -> int:
    """The second stage: read every journal that has a partial row whole, newest first, and
    write its full rows (a journal changed since is read as it is now; one gone is
    dropped). Returns how many partial rows there were."""
    pending = store.partial_rows()
    if not pending:
        return 0
    chunks = _chunks([sid for sid, _ in pending], [rel for _, rel in pending])
    _stream(store, sessions_dir, chunks, "whole", store.fill_batch, progress, cancel, processes)
    return len(pending)


def partial_count(store: Store) -> int:
    """How many sessions are listed from their first and last lines only (notes not read)."""
    return store.partial_count()


_UNSURE = ("complete", "ended early", "resumed")  # a partial row may say the first two
# for a session resumed after a crash (the line telling is further in the journal)


def needs_full(query: Query) -> bool:
    """Whether a partial row could answer this filter otherwise than its full row: notes,
    tags, regions, findings and texts are not in it (plain words search them too), a
    client renamed before a resume is further in the journal, and so is "resumed"."""
    if query.words or query.tag or query.region or query.text or query.client:
        return True
    return any(v in word for v in query.status for word in _UNSURE)


def _stamp(sessions_dir: Path | str, rel: str) -> Stamp | None:
    try:
        st = os.lstat(os.path.join(sessions_dir, rel))
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def read_batch(root: str, rels: list[str], sids: list[int], how: ReadAs = "whole") -> Batch:
    """These journals' rows, numbered by ``sids`` (one that is gone has none; one that
    cannot be read now is listed as damaged while it exists). ``how``: "listable", partial
    rows where the first and last lines tell what a list row needs; "whole"; "by size",
    whole but for a journal over HUGE bytes (no session the app writes is), made listable
    first like every journal of a large build: a planted or runaway journal of a hundred
    megabytes took 10-14 s to read whole and held up every row of a small folder."""
    read = {"listable": listable_stamped, "whole": summarize_stamped, "by size": _by_size}[how]
    rows: list[tuple[int, Summary, Stamp]] = []
    for sid, rel in zip(sids, rels, strict=True):
        summary, stamp = read(root, rel)
        if stamp is None:
            stamp = _stamp(root, rel)
            if stamp is None:
                continue
        rows.append((sid, summary, stamp))
    return batch_rows(rows)


def _by_size(root: str, rel: str) -> tuple[Summary, Stamp | None]:
    stamp = _stamp(root, rel)
    if stamp is not None and stamp[0] > HUGE:
        return listable_stamped(root, rel)
    return summarize_stamped(root, rel)


def _batches(
    sessions_dir: Path, chunks: list[Chunk], processes: bool, how: ReadAs
) -> Iterator[Batch]:
    """The rows of each chunk, in order."""
    root = str(sessions_dir)
    total = sum(len(rels) for _, rels in chunks)
    if not processes or total < PARALLEL_MIN or (os.cpu_count() or 1) < 2:
        for sids, rels in chunks:
            yield read_batch(root, rels, sids, how)
        return
    from sessiontimer.review.parallel_read import read_in_pool

    yield from read_in_pool(root, chunks, how)


def update(sessions_dir: Path, state_dir: Path, rels: list[str]) -> None:
    """Write these journals' rows now (after the app wrote or deleted them); never raises
    for the index's sake: a failure only means the next refresh re-reads them."""
    try:
        store = open_store(state_dir)
        if store is None:
            return
        with store:
            first = store.next_sid()
            batch = read_batch(str(sessions_dir), rels, list(range(first, first + len(rels))))
            store.drop(rels)  # the ones gone too
            store.put_batch(batch)
            for rel in rels:  # the folder is looked inside at the next refresh, quick or not
                store.conn.execute(
                    "INSERT OR IGNORE INTO folders VALUES (?, -1)", (rel.partition("/")[0],)
                )
            store.commit()
    except Exception:
        return


def forget(state_dir: Path) -> None:
    """Delete the index (it is rebuilt from the journals on the next refresh)."""
    remove(state_dir)


def indexed(sessions_dir: Path, state_dir: Path, *, full: bool = True) -> list[Summary]:
    """Every session, newest first, after a refresh (exports of everything; the tests)."""
    from sessiontimer.review.lookup import everything

    with open_index(state_dir) as store:
        refresh(sessions_dir, state_dir, full=full, store=store)
        return everything(store)


def cached(state_dir: Path) -> list[Summary] | None:
    """Every session as the index holds it now, without a refresh (None: no index)."""
    from sessiontimer.review.lookup import everything

    store = open_store(state_dir, create=False)
    if store is None:
        return None
    with store:
        return everything(store)
