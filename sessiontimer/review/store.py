"""The review index as a SQLite database: a row per session, per tag and per text, and FTS5.

The journals are the only source of truth: this database is a cache of their summaries in
the state folder, so anything wrong with it (damaged, another schema, a planted file) means
it is deleted and rebuilt from them; only the schema just before this one, which differs by
an index, is upgraded where it is. Only a regular file the app created is opened (never a
symlink or a FIFO); SQLite gives its ``-wal`` and ``-shm`` files the database's mode, 0600.

Text search uses an FTS5 table with the trigram tokenizer (substring search, as the filter
line means it) where the interpreter's SQLite has it; it is checked at run time, and
without it the same queries run as ``instr`` over the stored lower-cased text.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sessiontimer.review.summary import Stamp, Summary

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

DB_NAME = "review-index.sqlite3"
SCHEMA_VERSION = 10  # 4: notes count still points, a typed note keeps its region (issue 14);
# 5: signature (signed / unsigned), for the Sessions mark and status:unsigned (issue 18);
# 6: findings (pain, rhythm) as marks, the plan text in the search text;
# 7: a NUL in the search text is a space (FTS5 had kept only the text before it);
# 8: a covering index for the refresh's size/mtime comparison (sessions_stamps);
# 9: partial rows (a cold build lists every session first, then reads notes and text);
# 10: partial rows counted and listed from their own index alone (an index of 9 is upgraded)
UPGRADABLE = 9  # this schema becomes the current one by _PARTIAL_INDEX alone: no rebuild
APPLICATION_ID = 0x53545249  # "STRI": a SQLite file of ours, not some other program's
OLD_NAMES = ("review-index.bin", "review-head.json", "review-index.json")  # earlier caches

_SESSION_COLUMNS = (
    "sid, rel, id, size, mtime_ns, sort_key, start, day, client, client_fold, client_key, "
    "preset, preset_fold, duration, planned, notes, status, closing, problems, amended, "
    "tags_fold, regions_fold, text_fold, blob, signature, plan, partial"
)
# Covering, in the sessions' order: counting or listing the partial rows never visits the
# table (schema 9's index lacked `partial` and `id`: its count read every partial row in the
# table, 0.19 s at 200,000, and the list scanned every row, 0.15 s with none partial).
_PARTIAL_INDEX = (
    "CREATE INDEX sessions_partial ON sessions(sort_key, id, sid, rel, partial) WHERE partial"
)
RARE = 50  # the trigram index is used when its rarest trigram is in under 1/RARE sessions
SEP = "\x1f"  # between the tags (and the regions) of one session: a typed filter has none
_SCHEMA = f"""
CREATE TABLE sessions(
    sid INTEGER NOT NULL UNIQUE, rel TEXT NOT NULL UNIQUE, id TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sort_key TEXT NOT NULL,
    start TEXT NOT NULL, day TEXT NOT NULL, client TEXT, client_fold TEXT NOT NULL,
    client_key TEXT NOT NULL, preset TEXT NOT NULL, preset_fold TEXT NOT NULL,
    duration REAL NOT NULL, planned REAL NOT NULL, notes INTEGER NOT NULL,
    status TEXT NOT NULL, closing TEXT NOT NULL, problems TEXT NOT NULL,
    amended INTEGER NOT NULL, tags_fold TEXT NOT NULL, regions_fold TEXT NOT NULL,
    text_fold TEXT NOT NULL, blob TEXT NOT NULL, signature TEXT NOT NULL, plan TEXT NOT NULL,
    partial INTEGER NOT NULL, PRIMARY KEY(sort_key, id)) WITHOUT ROWID;
CREATE INDEX sessions_client ON sessions(client_key, sort_key);
CREATE INDEX sessions_stamps ON sessions(rel, size, mtime_ns, status);
{_PARTIAL_INDEX};
CREATE TABLE marks(
    sid INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    tag TEXT, tag_fold TEXT, region TEXT, region_fold TEXT, text TEXT,
    PRIMARY KEY(sid, seq)) WITHOUT ROWID;
CREATE TABLE folders(name TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
PRAGMA user_version = {SCHEMA_VERSION};
PRAGMA application_id = {APPLICATION_ID};
"""
_FTS = (
    "CREATE VIRTUAL TABLE search USING fts5("
    "blob, tokenize = 'trigram case_sensitive 1', detail = 'none')"
)
_VOCAB = "CREATE VIRTUAL TABLE search_terms USING fts5vocab(search, 'row')"
_FTS_PROBE: bool | None = None  # whether this interpreter's SQLite has FTS5 with trigrams


class StoreError(Exception):
    """The database cannot be used (it is then rebuilt, or review reads the journals)."""


def fts5_available() -> bool:
    """Whether this SQLite has FTS5 and the trigram tokenizer (checked once per process)."""
    global _FTS_PROBE
    if _FTS_PROBE is None:
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute(_FTS)
            probe.execute(_VOCAB)
            _FTS_PROBE = True
        except sqlite3.Error:
            _FTS_PROBE = False
        finally:
            probe.close()
    return _FTS_PROBE


class Store:
    """One open connection to the index; ``has_fts`` says how text is searched."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.has_fts = bool(
            conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search'").fetchone()
        )
        self.trouble: str | None = None  # why the file could not be written (then in memory)

    def start_over(self) -> bool:
        """The file is damaged past the opening check (a page overwritten): delete it and
        connect to a new empty one in its place, to be filled from the journals. False
        when no new one can be made (then :meth:`fall_back_to_memory`)."""
        state_dir = self.path.parent
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        remove(state_dir)
        fresh = open_store(state_dir)
        if fresh is None:
            self.conn = sqlite3.connect(":memory:", check_same_thread=False)  # closed later
            return False
        self.conn, self.path, self.has_fts = fresh.conn, fresh.path, fresh.has_fts
        return True

    def fall_back_to_memory(self, error: sqlite3.Error) -> None:
        """The file cannot be written (disk full, read-only, an I/O error): this store
        becomes an empty index in memory, for the caller to fill from the journals, and
        ``trouble`` says which file failed and what to do. What the file holds stays valid
        (every commit is whole) and the next run writes to it again."""
        reason = str(error)
        folder = self.path.parent
        if "full" in reason:
            todo = f"free some space in {folder}"
        elif "readonly" in reason or "read-only" in reason:
            todo = f"make {folder} writable"
        else:
            todo = f"deleting {self.path.name} there rebuilds it (nothing is lost)"
        self.trouble = (
            f"the review index could not be written ({self.path}: {reason}); sessions are "
            f"read from their logs each time until it can: {todo}"
        )
        with contextlib.suppress(sqlite3.Error):
            self.conn.rollback()
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        memory = memory_store()
        self.conn, self.path, self.has_fts = memory.conn, memory.path, memory.has_fts

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the refresh compares ----------------------------------------------------------

    def stamps(self, folder: str | None = None) -> dict[str, Stamp]:
        """rel -> (size, mtime_ns) of every indexed journal (of one year folder if given)."""
        sql = "SELECT rel, size, mtime_ns FROM sessions"
        args: tuple[str, ...] = ()
        if folder is not None:
            sql += " WHERE rel >= ? AND rel < ?"
            args = (folder + "/", folder + "0")  # "0" sorts right after "/"
        return {rel: (size, mtime) for rel, size, mtime in self.conn.execute(sql, args)}

    def ended_stamps(self, folder: str) -> dict[str, Stamp]:
        """rel -> (size, mtime_ns) of the journals of a year folder that hold a session_ended
        line (with a reason) as the index read them: the resume search passes them over."""
        sql = (
            "SELECT rel, size, mtime_ns FROM sessions WHERE rel >= ? AND rel < ? "
            "AND status IN ('complete', 'ended early', 'interrupted', 'resumed')"
        )
        rows = self.conn.execute(sql, (folder + "/", folder + "0"))
        return {rel: (size, mtime) for rel, size, mtime in rows}

    def folders(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT name, mtime_ns FROM folders").fetchall())

    def set_folder(self, name: str, mtime_ns: int | None) -> None:
        if mtime_ns is None:
            self.conn.execute("DELETE FROM folders WHERE name = ?", (name,))
        else:
            self.conn.execute("INSERT OR REPLACE INTO folders VALUES (?, ?)", (name, mtime_ns))

    # -- writing ----------------------------------------------------------------------------

    def put(self, summaries: Iterable[tuple[Summary, Stamp]]) -> int:
        """Insert or replace the rows of these sessions (the caller commits); returns how many."""
        pairs = list(summaries)
        first = self.next_sid()
        return self.put_batch(batch_rows((first + i, s, st) for i, (s, st) in enumerate(pairs)))

    def next_sid(self) -> int:
        """The first free sid: rows written from here on are numbered from it."""
        row = self.conn.execute("SELECT coalesce(max(sid), 0) + 1 FROM sessions").fetchone()
        return int(row[0])

    def data_version(self) -> int:
        """Changes when another connection commits (own commits leave it as it is)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def write_lock(self) -> None:
        """Take the write lock now (a transaction the caller commits): what is checked under
        it stays true until then, whoever else writes (a second build, `logs list`)."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")

    def put_batch(self, batch: Batch, *, cold: int | None = None) -> int:
        """Insert or replace these journals' rows (the caller commits); returns how many.

        Three statements for the whole batch, no work per row here: a cold build writes
        thousands at once, built and numbered by the reader processes. ``cold``: the
        :meth:`data_version` at which this connection found the index empty; while no one
        else has committed since, none of these journals has rows and nothing is dropped.
        Rows numbered before another writer took those sids are numbered anew.
        """
        sessions, marks, texts = batch
        if not sessions:
            return 0
        self.write_lock()
        if cold is None or self.data_version() != cold:
            sessions = self._not_undoing(sessions)
            if not sessions:
                return 0
            batch = sessions, marks, texts
            self.drop(row[1] for row in sessions)
        first = self.next_sid()
        if first > sessions[0][0]:
            sessions, marks, texts = _renumbered(batch, first - sessions[0][0])
        cur = self.conn.cursor()
        # sid links marks and text; the sessions' own order (newest first) is their key
        cur.executemany(_INSERT_SESSION, sessions)
        cur.executemany("INSERT INTO marks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", marks)
        if self.has_fts:
            cur.executemany("INSERT INTO search(rowid, blob) VALUES (?, ?)", texts)
        return len(sessions)

    def _not_undoing(self, sessions: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """These rows but the partial ones whose journal already has a full row made from
        the same bytes (another build, `logs list` beside the Sessions screen, read it whole
        since this one listed the folder): a partial row never takes a full one's place."""
        listed = {row[1]: (row[3], row[4]) for row in sessions if row[-1]}
        if not listed:
            return sessions
        full: set[str] = set()
        names = list(listed)
        for start in range(0, len(names), 500):
            part = names[start : start + 500]
            sql = (
                "SELECT rel, size, mtime_ns FROM sessions WHERE NOT partial "
                f"AND rel IN ({','.join('?' * len(part))})"
            )
            full.update(
                rel for rel, *stamp in self.conn.execute(sql, part) if tuple(stamp) == listed[rel]
            )
        return [row for row in sessions if row[1] not in full] if full else sessions

    def partial_rows(self) -> list[tuple[int, str]]:
        """(sid, rel) of every partial row, newest first (see Summary.partial)."""
        sql = "SELECT sid, rel FROM sessions WHERE partial ORDER BY sort_key DESC, id DESC"
        return [(sid, rel) for sid, rel in self.conn.execute(sql)]

    def partial_count(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM sessions WHERE partial").fetchone()
        return int(row[0])

    def fill_batch(self, batch: Batch, asked: list[int]) -> int:
        """Put these full rows in place of the partial rows of the same sid (the caller
        commits); a sid asked that is no longer partial (written since, by whatever wrote
        it) is left as it is, and a partial one with no full row (its journal is gone) is
        dropped. Returns how many rows were filled in.

        A row whose journal still starts as it did is updated in place (only the columns
        the full read adds: its place in the table and the client index stay); any other
        is deleted and inserted anew.
        """
        sessions, marks, texts = batch
        self.write_lock()
        cur = self.conn.cursor()
        still = self._partial_among(asked)
        sessions = [row for row in sessions if row[0] in still]
        cur.executemany(_FILL, [(*row[3:5], *row[13:26], *row[:3], *row[5:13]) for row in sessions])
        moved = self._partial_among(asked)  # not updated: started otherwise, or gone
        cur.executemany("DELETE FROM sessions WHERE sid = ?", [(sid,) for sid in sorted(moved)])
        cur.executemany(_INSERT_SESSION, [row for row in sessions if row[0] in moved])
        cur.executemany(
            "INSERT INTO marks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [m for m in marks if m[0] in still]
        )
        if self.has_fts:
            kept = [t for t in texts if t[0] in still]
            cur.executemany("INSERT INTO search(rowid, blob) VALUES (?, ?)", kept)
        return len(sessions)

    def _partial_among(self, sids: list[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(sids), 500):
            part = sids[start : start + 500]
            sql = f"SELECT sid FROM sessions WHERE partial AND sid IN ({','.join('?' * len(part))})"
            found.update(row[0] for row in self.conn.execute(sql, part))
        return found

    def drop(self, rels: Iterable[str]) -> None:
        """Forget these journals' rows (the caller commits)."""
        names = list(rels)
        if not names:
            return
        self.write_lock()
        cur = self.conn.cursor()
        for start in range(0, len(names), 500):
            part = names[start : start + 500]
            marks = ",".join("?" * len(part))
            sids = [
                row[0]
                for row in cur.execute(f"SELECT sid FROM sessions WHERE rel IN ({marks})", part)
            ]
            if not sids:
                continue
            cur.executemany("DELETE FROM marks WHERE sid = ?", [(sid,) for sid in sids])
            cur.executemany("DELETE FROM sessions WHERE sid = ?", [(sid,) for sid in sids])
            if self.has_fts:
                cur.executemany("DELETE FROM search WHERE rowid = ?", [(sid,) for sid in sids])

    def commit(self) -> None:
        self.conn.commit()

    def empty(self) -> bool:
        """No session has rows yet (a cold build)."""
        return self.conn.execute("SELECT 1 FROM sessions LIMIT 1").fetchone() is None

    def rare(self, value: str) -> bool:
        """Whether the trigram index narrows ``value`` down to few sessions (then it pays;
        for a common word the newest-first scan fills a page sooner). Needs 3+ characters."""
        asked = list(grams(value))
        if not self.has_fts or not asked:
            return False
        row = self.conn.execute(
            "SELECT count(*), min(doc) FROM search_terms "
            f"WHERE term IN ({','.join('?' * len(asked))})",
            asked,
        ).fetchone()
        if row[0] < len(asked):
            return True  # a trigram no session has: the index answers at once (none)
        total = self.conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
        return bool(row[1] * RARE <= total)

    # -- reading ----------------------------------------------------------------------------

    def summaries(self, rows: list[tuple[Any, ...]]) -> list[Summary]:
        """Summaries of rows selected as ``sid, `` + :data:`SUMMARY_COLUMNS` (marks added)."""
        marks = self.marks([row[0] for row in rows])
        return [summary_from_row(row, marks.get(row[0], ())) for row in rows]

    def marks(self, sids: list[int]) -> dict[int, list[tuple[str, Any, Any, Any]]]:
        found: dict[int, list[tuple[str, Any, Any, Any]]] = {}
        for start in range(0, len(sids), 500):
            part = sids[start : start + 500]
            sql = (
                "SELECT sid, kind, tag, region, text FROM marks "
                f"WHERE sid IN ({','.join('?' * len(part))}) ORDER BY sid, seq"
            )
            for sid, kind, tag, region, text in self.conn.execute(sql, part):
                found.setdefault(sid, []).append((kind, tag, region, text))
        return found


SUMMARY_COLUMNS = (
    "id, rel, start, client, preset, duration, planned, notes, status, closing, problems, "
    "amended, signature, plan, partial"
)


def summary_from_row(row: tuple[Any, ...], marks: Iterable[tuple[str, Any, Any, Any]]) -> Summary:
    """The Summary stored in a ``sid, `` + SUMMARY_COLUMNS row and its marks."""
    _, ident, rel, start, client, preset, duration, planned, notes, status = row[:10]
    closing, problems, amended, signature, plan, partial = row[10:16]
    tags: list[list[str | None]] = []
    texts: list[str] = []
    findings: list[list[str | None]] = []
    for kind, tag, region, text in marks:
        if kind == "tag":
            tags.append([tag, region])
        elif kind == "finding":
            findings.append([tag, region])
        else:
            texts.append(text)
    return Summary(
        ident,
        rel,
        start,
        client,
        preset,
        duration,
        planned,
        notes,
        status,
        tags,
        texts,
        closing,
        json.loads(problems),
        bool(amended),
        signature,
        findings,
        plan,
        bool(partial),
    )


GRAMS = 32  # trigrams of one word asked of the index, at most


Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[int, str]]]
"""Some journals' rows ready to insert: sessions, marks, search texts, sids given. Plain
tuples: a reader process sends them to the writer cheaply, and the writer only binds them."""
_FILL = (  # a partial row's full values, where its journal starts as it did (see fill_batch)
    "UPDATE sessions SET size = ?, mtime_ns = ?, duration = ?, planned = ?, notes = ?, "
    "status = ?, closing = ?, problems = ?, amended = ?, tags_fold = ?, regions_fold = ?, "
    "text_fold = ?, blob = ?, signature = ?, plan = ?, partial = 0 WHERE sid = ? AND partial "
    "AND rel = ? AND id = ? AND sort_key = ? AND start = ? AND day = ? AND client IS ? "
    "AND client_fold = ? AND client_key = ? AND preset = ? AND preset_fold = ?"
)
_INSERT_SESSION = f"INSERT INTO sessions({_SESSION_COLUMNS}) VALUES ({', '.join('?' * 27)})"


def grams(value: str) -> set[str]:
    """Some of the trigrams of ``value`` the index can be asked for: never one with a NUL (the
    index holds a space there: FTS5 reads a NUL as the end of the text), at most :data:`GRAMS`.
    Fewer trigrams narrow less, never wrongly: ``instr`` decides."""
    found: dict[str, None] = {}
    for i in range(len(value) - 2):
        gram = value[i : i + 3]
        if "\0" not in gram:
            found[gram] = None
            if len(found) == GRAMS:
                break
    return set(found)


def batch_rows(pairs: Iterable[tuple[int, Summary, Stamp]]) -> Batch:
    """The rows that stand for these journals, each (sid, summary, stamp). A partial row
    (see Summary.partial) has no marks and no search text yet."""
    sessions: list[tuple[Any, ...]] = []
    marks: list[tuple[Any, ...]] = []
    texts: list[tuple[int, str]] = []
    for sid, s, stamp in pairs:
        blob = search_blob(s)
        sessions.append(session_row(sid, s, stamp, blob))
        if not s.partial:
            marks += mark_rows(sid, s)
            texts.append((sid, blob.replace("\0", " ") if "\0" in blob else blob))  # grams()
    return sessions, marks, texts


def _renumbered(batch: Batch, offset: int) -> Batch:
    sessions, marks, texts = batch
    return (
        [(row[0] + offset, *row[1:]) for row in sessions],
        [(row[0] + offset, *row[1:]) for row in marks],
        [(sid + offset, text) for sid, text in texts],
    )


def session_row(sid: int, s: Summary, stamp: Stamp, blob: str) -> tuple[Any, ...]:
    client = s.client or ""
    return (
        sid,
        s.rel,
        s.id,
        stamp[0],
        stamp[1],
        s.start or s.id[:17],
        s.start,
        s.start[:10],
        s.client,
        client.casefold(),
        client.strip().casefold(),
        s.preset,
        s.preset.casefold(),
        s.duration,
        s.planned,
        s.notes,
        s.status,
        s.closing,
        json.dumps(s.problems, ensure_ascii=False),
        int(s.amended),
        SEP.join(str(t or "").casefold() for t, _ in s.tags),
        SEP.join(str(r or "").casefold() for _, r in [*s.tags, *s.findings]),
        text_fold(s),
        blob,
        s.signature,
        s.plan,
        int(s.partial),
    )


def mark_rows(sid: int, s: Summary) -> list[tuple[Any, ...]]:
    """(sid, seq, kind, tag, tag_fold, region, region_fold, text): the tags, then texts, then
    findings (their label in ``tag``)."""
    rows: list[tuple[Any, ...]] = []
    for seq, (tag, region) in enumerate(s.tags):
        fold = str(region or "").casefold()
        rows.append((sid, seq, "tag", tag, str(tag or "").casefold(), region, fold, None))
    base = len(rows)
    rows += [(sid, base + i, "text", None, None, None, None, t) for i, t in enumerate(s.texts)]
    base = len(rows)
    for seq, (label, region) in enumerate(s.findings, start=base):
        fold = str(region or "").casefold()
        rows.append((sid, seq, "finding", label, str(label).casefold(), region, fold, None))
    return rows


def text_fold(s: Summary) -> str:
    """What ``text:`` searches: every note's text, the closing note and the plan, lower-cased."""
    return " ".join([*s.texts, s.closing, s.plan]).casefold()


def search_blob(s: Summary) -> str:
    """What plain words search: client, preset, start, status, texts, tags, the plan and the
    findings, lower-cased."""
    parts = [s.client or "", s.preset, s.start, s.status, *s.texts, s.closing, s.plan]
    parts += [f"{t or ''} {r or ''}" for t, r in [*s.tags, *s.findings]]
    return " ".join(parts).casefold()


# -- opening ---------------------------------------------------------------------------------


def open_store(state_dir: Path, *, create: bool = True, fts: bool | None = None) -> Store | None:
    """The index database, checked; a damaged or foreign one is deleted and made anew.

    Returns None when there is none and ``create`` is False, or when the state folder cannot
    hold one (read-only, full) or it stays busy: review then works from the journals alone.
    ``fts`` forces text search on or off (the tests simulate a SQLite without FTS5).
    Checking, making and deleting happen under a lock shared by every opener (threads and
    processes), so none sees another's half-made file as foreign, or deletes it.
    """
    path = state_dir / DB_NAME
    if not create and not path.exists():
        return None  # nothing to open: no lock file made either
    try:
        with _openers_lock(state_dir, create):
            return _open_locked(state_dir, path, create, fts)
    except (sqlite3.Error, OSError, StoreError):
        return None


def _open_locked(state_dir: Path, path: Path, create: bool, fts: bool | None) -> Store | None:
    for attempt in range(2):
        try:
            if not _safe_existing(path):
                if not create:
                    return None
                _create_file(state_dir, path)
                return _initialised(path, fts)
            store = _connect(path)
            try:
                _upgrade(store)
                if _valid(store):
                    return store
            except BaseException:
                store.close()
                raise
            store.close()
        except sqlite3.OperationalError:
            return None  # busy or cannot be opened now: no sign of damage, nothing deleted
        except (sqlite3.DatabaseError, OSError):
            if attempt:
                return None
        remove(state_dir, locked=True)  # damaged, another version, not ours: rebuilt
        if not create:
            return None
    return None


LOCK_NAME = f"{DB_NAME}.lock"  # the backup leaves review-index* out
LOCK_WAIT = 30.0  # seconds an opener waits for another one's check (it takes milliseconds)


@contextlib.contextmanager
def _openers_lock(state_dir: Path, create: bool) -> Iterator[None]:
    """An exclusive ``flock`` on a file beside the database, polled up to LOCK_WAIT.

    flock (not fcntl record locks) so that two threads of one process exclude each other
    too; the kernel frees it when its holder dies. Not blocking forever: a holder stopped
    with ctrl+z must not freeze the app (the opener then gives up: StoreError).
    """
    if fcntl is None:  # pragma: no cover - not POSIX
        yield
        return
    if create and not state_dir.is_dir():
        from sessiontimer.core.private_files import make_private_dirs

        make_private_dirs(state_dir)
    lock = state_dir / LOCK_NAME
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(lock, flags, 0o600)
    except OSError:
        with contextlib.suppress(OSError):
            if not stat.S_ISREG(os.lstat(lock).st_mode):
                os.unlink(lock)  # a symlink or FIFO planted there: never followed
        fd = os.open(lock, flags, 0o600)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            raise StoreError(f"{lock} is not a file of ours")
        os.fchmod(fd, 0o600)
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(f"{lock} stayed locked for {LOCK_WAIT:.0f} s") from None
                time.sleep(0.002)
        yield
    finally:
        os.close(fd)  # releases the lock


def _safe_existing(path: Path) -> bool:
    """True when ``path`` is a regular file of ours; anything else there is removed."""
    for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = os.lstat(side)
        except FileNotFoundError:
            if side == path:
                return False
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            os.unlink(side)  # a symlink, FIFO or someone else's file: never opened
            if side == path:
                return False
    return True


def _create_file(state_dir: Path, path: Path) -> None:
    from sessiontimer.core.private_files import make_private_dirs

    if not state_dir.is_dir():
        make_private_dirs(state_dir)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(side)  # left from a database that is gone: not this one's
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _connect(path: Path) -> Store:
    conn = sqlite3.connect(path, timeout=5.0, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # a cache: a lost last commit is re-read
    return Store(conn, path)


def _initialised(path: Path, fts: bool | None) -> Store:
    store = _connect(path)
    with store.conn:
        store.conn.executescript(_SCHEMA)
        if fts is None:
            fts = fts5_available()
        if fts:
            store.conn.execute(_FTS)
            store.conn.execute(_VOCAB)
    store.has_fts = bool(fts)
    return store


def _upgrade(store: Store) -> None:
    """An index of the schema before (:data:`UPGRADABLE`) gets its new index of partial
    rows where it is (one pass over the table, once) instead of being built again from
    every journal (minutes at 200,000). Under the openers' lock: one opener does it."""
    conn = store.conn
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return
    if conn.execute("PRAGMA user_version").fetchone()[0] != UPGRADABLE:
        return
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not {"sessions", "sessions_partial"} <= names:
        return  # not what that schema made: rebuilt
    conn.executescript(  # fails only as any write may (busy, read-only): then not opened
        f"BEGIN IMMEDIATE; DROP INDEX sessions_partial; {_PARTIAL_INDEX}; "
        f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
    )


def _valid(store: Store) -> bool:
    """Ours, this schema, every table there (a cheap check; damage shows up as an error)."""
    conn = store.conn
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return False
    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return False
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return {"sessions", "marks", "folders"} <= names


def remove(state_dir: Path, *, locked: bool = False) -> None:
    """Delete the index (and earlier caches): nothing is lost, it is rebuilt from journals.

    Under the openers' lock (``locked``: the caller holds it), so that it never deletes a
    database another opener is making.
    """
    if not locked:
        try:
            with _openers_lock(state_dir, create=False):
                remove(state_dir, locked=True)
        except (OSError, StoreError):
            return  # no state folder (nothing to delete), or it stays locked
        return
    path = state_dir / DB_NAME
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", *OLD_NAMES):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            os.unlink(state_dir / name)


def memory_store(fts: bool | None = None) -> Store:
    """An index in memory, for a state folder that cannot hold one (read-only, full)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    store = Store(conn, Path(":memory:"))
    with conn:
        conn.executescript(_SCHEMA)
        if fts if fts is not None else fts5_available():
            conn.execute(_FTS)
            conn.execute(_VOCAB)
    store.has_fts = bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name='search'").fetchone())
    return store
