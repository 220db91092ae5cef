"""``sessiontimer logs ...``: list, show, export, delete and rename, on the command line.

Imports no Textual. ``logs list`` asks the index (a SQLite database in the state folder) for
the newest sessions that match, a page at a time; with no index yet it reads every journal
once, with a progress line on a terminal, and later runs re-read only what changed.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO, cast

from sessiontimer import note_cli
from sessiontimer.core import readable
from sessiontimer.core.visible import json_text, on_terminal, one_line, shown
from sessiontimer.paths import AppPaths
from sessiontimer.progress_line import ProgressLine
from sessiontimer.review import index, lookup, query
from sessiontimer.review.store import Store
from sessiontimer.review.summary import Summary

# export.FORMATS, spelled here so that `logs list` need not import the exporters (and,
# through them, the core's journal reader); a test holds the two equal.
FORMATS = ("md", "text", "csv", "events", "json")

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
LIST_LIMIT = 50


def register(sub: Any) -> None:
    """Add ``logs`` and its actions to the top-level subparsers."""
    logs = sub.add_parser(
        "logs", help="review past sessions: list, show, note, sign, export, delete, rename"
    )
    acts = logs.add_subparsers(dest="logs_command", metavar="ACTION")
    lst = acts.add_parser(
        "list", help="sessions, newest first; filters like client:anna tag:release"
    )
    lst.add_argument("filters", nargs="*", help="words, client: tag: region: since: until: text:")
    lst.add_argument("--json", action="store_true", help="one JSON object per session")
    many = lst.add_mutually_exclusive_group()
    many.add_argument(
        "-n",
        "--limit",
        type=int,
        default=LIST_LIMIT,
        metavar="N",
        help=f"show N (default {LIST_LIMIT})",
    )
    many.add_argument("--all", action="store_true", help="show every session that matches")
    lst.add_argument("--offset", type=int, default=0, metavar="N", help="skip the newest N")
    lst.add_argument(
        "--check-all",
        action="store_true",
        help="look at every journal for changes, not only changed folders",
    )
    show = acts.add_parser("show", help="a session's timeline")
    show.add_argument("id", help="session id (or a unique start of one), as `logs list` shows")
    pages = show.add_mutually_exclusive_group()
    pages.add_argument(
        "--page",
        type=int,
        default=1,
        metavar="N",
        help="a long timeline is shown 10,000 notes and 10,000 other events a page: page N "
        "(default 1)",
    )
    pages.add_argument("--all", action="store_true", help="every page, one after the other")
    exp = acts.add_parser(
        "export",
        help="export sessions: md or text (treatment notes), csv (one row per finding), "
        "events (every journal line, CSV), json",
    )
    exp.add_argument("ids", nargs="*", metavar="ID")
    exp.add_argument("--client", help="every session of this client")
    exp.add_argument("--all", action="store_true", help="every session")
    exp.add_argument("--format", choices=FORMATS, default="md")
    exp.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (0600) instead of stdout"
    )
    exp.add_argument("--mode", default="600", help="file mode of FILE in octal (default 600)")
    dele = acts.add_parser("delete", help="delete every record of a client")
    dele.add_argument("--client", required=True)
    dele.add_argument("--yes", action="store_true", help="do not ask")
    amd = acts.add_parser("amend", help="correct a note afterwards (the original line stays)")
    amd.add_argument("id", help="session id, as `logs list` shows")
    amd.add_argument("note", help="the note's id, as `logs show` shows it (e.g. e7)")
    amd.add_argument("--text", help="the corrected text")
    amd.add_argument("--region", help="the corrected region")
    amd.add_argument("--tag", help="the corrected tag")
    ren = acts.add_parser("rename", help="rename a client (merge: rename one spelling to another)")
    ren.add_argument("old")
    ren.add_argument("new")
    note_cli.register(acts)


def run(args: argparse.Namespace, app_paths: AppPaths) -> int:
    """Entry point from cli.main; returns the exit code."""
    action = {
        "list": _list,
        "show": _show,
        "export": _export,
        "delete": _delete,
        "rename": _rename,
        "amend": _amend,
        "note": _note,
        "sign": _note,
    }.get(args.logs_command)
    if action is None:
        _err("usage: sessiontimer logs list|show|note|sign|export|delete|rename|amend (see --help)")
        return EXIT_USAGE
    try:
        return action(args, app_paths)
    except BrokenPipeError:  # `logs list | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        _err(disk_words(exc))
        return EXIT_PROBLEM
    except Exception as exc:  # an EditError, if the edit module was needed (imported) at all
        edit = sys.modules.get("sessiontimer.review.edit")
        if edit is None or not isinstance(exc, edit.EditError):
            raise
        _err(str(exc))
        return EXIT_PROBLEM


_REFUSED = {
    errno.EROFS: "the folder is read-only: make it writable",
    errno.EACCES: "this user may not write there: make it writable",
    errno.EPERM: "this user may not write there: make it writable",
    errno.ENOSPC: "the disk is full: free some space",
    errno.EDQUOT: "the disk quota is used up: free some space",
}


def disk_words(exc: OSError) -> str:
    """A failed file operation in words: the file, what happened and, where the disk refused
    a write, what to do ("[Errno 30] Read-only file system: 'PATH'" said neither plainly)."""
    where = exc.filename if exc.filename is not None else "a file"
    why = exc.strerror or str(exc)
    todo = _REFUSED.get(exc.errno or 0)
    if todo is None:
        return f"{where}: {why}"
    return f"could not write {where} ({why}): {todo}, then try again"


def typed(text: str, limit: int | None = None) -> str:
    """A name or note quoted as typed, for a line :func:`shown` escapes: ``repr`` doubled every
    backslash and swapped the quotes (the rename dialog quotes so too). An error echoing what
    was typed gives a ``limit``: a longer text is cut and its length said (a 10 kB filter is
    not printed back); a confirmation of what was written shows it whole."""
    if limit is None or len(text) <= limit:
        return f"“{text}”"
    return f"“{text[:limit]}…” ({len(text):,} characters)"


ECHO = 80  # characters of a typed text an error message quotes back


def _err(message: str) -> None:
    print(f"sessiontimer: {shown(message)}", file=sys.stderr)


def _index(app_paths: AppPaths, full: bool = False, listable_only: bool = False) -> Store:
    """The index, brought up to date (a progress line on a terminal); the caller closes it.

    Ctrl+C stops a long build: what was read stays in the index for the next run.
    ``listable_only``: a large cold build stops once every session is listed (partial
    rows: see review/index.py); otherwise their notes and text are read too, with their
    own progress line.
    """
    store = index.open_index(app_paths.state_dir)
    bar = ProgressLine("listing session logs")
    notes = ProgressLine("indexing notes and text")
    try:
        index.refresh(
            app_paths.sessions_dir,
            app_paths.state_dir,
            full=full,
            progress=bar,
            processes=True,
            store=store,
            listable_only=listable_only,
            filling=notes,
            listable=bar.close,
        )
    except BaseException:
        store.close()
        raise
    finally:
        bar.close()
        notes.close()
    if store.trouble is not None:
        _err(store.trouble)
    return store


def _list(args: argparse.Namespace, app_paths: AppPaths) -> int:
    """Print the sessions the filters select (status 1: none match; 2: a bad filter).

    A bad filter lists nothing: a list printed under an error looks like an answer.
    """
    if args.limit < 0 or args.offset < 0:
        _err("--limit and --offset take a number of sessions, 0 or more")
        return EXIT_USAGE
    line = " ".join(args.filters)
    parsed = query.parse(line)
    problems = parsed.problems
    if problems:
        for problem in problems:
            _err(f"filter: {problem}")
        _err("nothing listed: fix the filter and try again")
        return EXIT_USAGE
    limit = None if args.all else args.limit + 1  # one more: are there more to show?
    listable_only = not index.needs_full(parsed)
    with _index(app_paths, full=args.check_all, listable_only=listable_only) as store:
        try:
            found = lookup.page(store, lookup.select(store, line), args.offset, limit)
        except sqlite3.Error as error:
            _err(f"this filter could not be asked of the index ({error}); try fewer words")
            return EXIT_USAGE
    more = limit is not None and len(found) == limit
    if more:
        found.pop()
    partial = sum(s.partial for s in found)  # of those shown: a count of the index's
    # grows with it (12 ms at 200,000 after a cold list, from their own index)
    if args.json:
        sys.stdout.write("".join(json_text(s.as_dict()) + "\n" for s in found))
    else:
        sys.stdout.write("".join(shown(row_text(s)) + "\n" for s in found))
    if more:
        sys.stdout.flush()
        _err(f"the newest {len(found)} shown; more match (--all, or --limit N --offset N)")
    if partial:
        sys.stdout.flush()
        _err(
            f"{partial:,} of the {len(found):,} sessions shown are listed from their first "
            "and last lines: their notes are not read yet (shown as …; a session resumed "
            "after a crash shows how it ended). A filter on notes, tags or text, or the "
            "Sessions screen, reads them."
        )
    if not found and line.strip() and not args.offset:
        _err(f"no sessions match {typed(line, ECHO)}")
        return EXIT_PROBLEM
    return EXIT_OK


def row_text(s: Summary) -> str:
    """One line per session, as `logs list` prints it."""
    if not s.start:
        return f"{s.id}  DAMAGED: {'; '.join(s.problems)}"
    flag = "  (damaged: " + "; ".join(s.problems) + ")" if s.problems else ""
    start = s.start  # s.date and s.time, without two property calls (20,000 rows)
    return (
        f"{s.id}  {start[:10]} {start[11:16]}  {(s.client or '-')[:20]:<20}  "
        f"{s.preset[:24]:<24}  {readable.span(s.duration):>14}  "
        f"{'…' if s.partial else readable.count(s.notes, 'note'):>9}  "
        f"{s.status}{', unsigned' if s.signature == 'unsigned' else ''}{flag}"
    )


def _find(app_paths: AppPaths, ident: str) -> Summary | None:
    with _index(app_paths) as store:
        found = lookup.by_id(store, ident)
    if found is None:
        said = typed(ident, ECHO)
        _err(f"no single session matches {said}; `sessiontimer logs list` shows the ids")
    return found


CLINICAL = ("note", "closing_note")  # kept alike on every page of a timeline


def _show(args: argparse.Namespace, app_paths: AppPaths) -> int:
    s = _find(app_paths, args.id)
    if s is None:
        return EXIT_PROBLEM
    from sessiontimer.review.timeline import LIMIT, describe, hidden_line, load_timeline, stamp

    if args.page < 1:
        _err("--page takes a page number, 1 or more")
        return EXIT_USAGE
    page, last = args.page - 1, None  # last: the phase run the page before ended in
    while True:  # one page, or (--all) each page in turn, each read in bounded memory
        tl = load_timeline(app_paths.sessions_dir / s.rel, app_paths.sessions_dir, page)
        if page and not tl.shown:  # past the last page
            if last is None:
                pages = max(1, -(-tl.before // LIMIT))
                _err(f"session {s.id} has {pages} page{'s' * (pages > 1)}; try --page {pages}")
                return EXIT_USAGE
            break
        if last is None:
            print(shown(row_text(s)))
        for phase in tl.phases:
            items = [i for i in phase.items if last is None or i.get("type") not in CLINICAL]
            more = last is not None and (phase.index, phase.start_t) == last
            planned = readable.span(phase.planned) if phase.planned else "open"
            print()
            print(
                shown(
                    f"{phase.name}{' (continued)' if more else ''}: planned {planned}, "
                    f"real {readable.span(phase.real)}"
                )
            )
            for item in items:  # a later page's notes are the first page's: shown once
                session_t, wall = stamp(item)
                ident = f"[{item['id']}] " if item.get("type") == "note" and item.get("id") else ""
                print(shown(f"  {session_t:>6}  {wall}  {ident}{describe(item)}"))
        last = (tl.phases[-1].index, tl.phases[-1].start_t) if tl.phases else (-1, 0.0)
        if not args.all or not tl.hidden:
            break
        page += 1
    print()
    if args.all and tl.hidden:  # notes past the cap: every page holds the same first ones
        print(
            shown(
                f"{tl.hidden:,} more lines are not shown (a timeline keeps {LIMIT:,} notes). "
                f"`sessiontimer logs export {s.id} --format events` lists every line."
            )
        )
        print()
    elif not args.all and (tl.hidden or tl.before):
        print(shown(hidden_line(tl, keys=False)))
        print()
    if tl.summary.problems:
        print(shown("damaged journal: " + "; ".join(tl.summary.problems)))
    print(shown(f"closing note: {tl.closing or '-'}"))
    print(shown(f"plan for next time: {tl.summary.plan or '-'}"))
    return EXIT_OK


class _OnTerminal(io.TextIOBase):
    """A CSV export printed on a terminal: its cells' control characters shown escaped
    (``\\x1b``), not obeyed; written to a file or a pipe, the CSV stays exact."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        self._out.write(on_terminal(text))
        return len(text)


def _note(args: argparse.Namespace, app_paths: AppPaths) -> int:
    s = _find(app_paths, args.id)
    return EXIT_PROBLEM if s is None else note_cli.run(args, s, app_paths)


def _export(args: argparse.Namespace, app_paths: AppPaths) -> int:
    from sessiontimer.review import export
    from sessiontimer.review.timeline import load_timeline

    if args.all:
        with _index(app_paths) as store:
            chosen = lookup.everything(store)
    elif args.client:
        with _index(app_paths) as store:
            chosen = lookup.client_sessions(store, args.client)
    elif args.ids:
        picked = [_find(app_paths, i) for i in args.ids]
        if any(p is None for p in picked):
            return EXIT_PROBLEM
        chosen = [p for p in picked if p is not None]
    else:
        _err("name sessions to export: ID..., --client NAME or --all")
        return EXIT_USAGE
    if not chosen:
        _err("no sessions to export")
        return EXIT_PROBLEM
    sd = app_paths.sessions_dir
    who = note_cli.practitioner(app_paths)[0] if args.format in ("md", "text") else None
    timelines = [load_timeline(sd / s.rel, sd) for s in reversed(chosen)]

    def text(out: TextIO) -> None:  # events and json stream line by line
        export.write_to(out, timelines, args.format, who)

    if not args.output:
        on_screen = args.format in ("csv", "events") and sys.stdout.isatty()
        text(cast(TextIO, _OnTerminal(sys.stdout)) if on_screen else sys.stdout)
        return EXIT_OK
    try:
        mode = int(args.mode, 8)
    except ValueError:
        _err(f"--mode {args.mode}: write it in octal, e.g. 600 or 640")
        return EXIT_USAGE
    clients = [s.client for s in chosen if s.client]
    try:
        export.write_export(text, Path(args.output), clients, app_paths.state_dir, mode)
    except OSError as exc:
        why = exc.strerror or str(exc)
        _err(f"could not write {args.output}: {why}; nothing was written there (a file of")
        print("  that name keeps its content): free some space or write elsewhere", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"Wrote {len(chosen)} session(s) to {args.output}")
    return EXIT_OK


def _live(app_paths: AppPaths, journals: list[Path]) -> list[Path]:
    """Those of ``journals`` a running sessiontimer is writing now (its lock is held).

    The lock file names the live journals; an older one that names none makes every
    unfinished journal count as live: refusing too much is safe, rewriting a live one is not.
    """
    from sessiontimer.core.journal_read import is_finished
    from sessiontimer.core.lock import SessionLock

    named = SessionLock(app_paths.lock_file).live_journals()
    if named == []:
        return []
    if named is None:
        return [j for j in journals if not is_finished(j)]
    live = {p.resolve() for p in named}
    return [j for j in journals if j.resolve() in live]


def _refuse_live(app_paths: AppPaths, journals: list[Path], doing: str) -> bool:
    """Say so and return True when one of ``journals`` is a running session's."""
    live = _live(app_paths, journals)
    for journal in live:
        _err(
            f"{journal}: this session is running in another sessiontimer window; "
            f"{doing} it only after that session has ended (or was quit)."
        )
    return bool(live)


def _delete(args: argparse.Namespace, app_paths: AppPaths) -> int:
    with _index(app_paths) as store:
        matching = lookup.client_sessions(store, args.client)
    if not matching:
        _err(f"no sessions of a client named {typed(args.client, ECHO)}")
        return EXIT_PROBLEM
    if _refuse_live(app_paths, [app_paths.sessions_dir / s.rel for s in matching], "delete"):
        return EXIT_PROBLEM
    if not args.yes:
        if not sys.stdin.isatty():
            _err("deleting needs a yes: run it in a terminal, or add --yes")
            return EXIT_USAGE
        answer = input(
            shown(f"Delete {len(matching)} session(s) of {args.client} and their exports ")
            + "for good? Type yes: "
        )
        if answer.strip().lower() != "yes":
            print("Nothing deleted.")
            return EXIT_PROBLEM
    from sessiontimer.review.edit import delete_client

    done = delete_client(app_paths.sessions_dir, app_paths.state_dir, args.client)
    print(f"Deleted {len(done.journals)} journal(s) and {len(done.exports)} export(s).")
    return EXIT_OK


def _amend(args: argparse.Namespace, app_paths: AppPaths) -> int:
    s = _find(app_paths, args.id)
    if s is None:
        return EXIT_PROBLEM
    from sessiontimer.review.edit import AMENDABLE, EditError, amend

    fields = {k: v for k in AMENDABLE if (v := getattr(args, k)) is not None}
    if _refuse_live(app_paths, [app_paths.sessions_dir / s.rel], "amend"):
        return EXIT_PROBLEM
    try:
        amend(app_paths.sessions_dir / s.rel, args.note, fields, datetime.now().astimezone())
    except EditError as error:
        _err(str(error))
        return EXIT_PROBLEM
    index.update(app_paths.sessions_dir, app_paths.state_dir, [s.rel])
    said = ", ".join(f"{k} = {typed(v)}" for k, v in fields.items())
    print(shown(f"Amended note {args.note}: {said}"))
    return EXIT_OK


def _rename(args: argparse.Namespace, app_paths: AppPaths) -> int:
    from sessiontimer.review.edit import rename_client

    with _index(app_paths) as store:
        touched = [app_paths.sessions_dir / s.rel for s in lookup.client_sessions(store, args.old)]
    if _refuse_live(app_paths, touched, "rename the client in"):
        return EXIT_PROBLEM
    done = rename_client(
        app_paths.sessions_dir, app_paths.state_dir, args.old, args.new, datetime.now().astimezone()
    )
    if not done.sessions:
        _err(f"no sessions of a client named exactly {typed(args.old, ECHO)}")
        return EXIT_PROBLEM
    name = one_line(args.new)  # as written: a line break or a control a space
    print(shown(f"Renamed {typed(args.old)} to {typed(name)} in {done.sessions} session(s)."))
    for ident in done.skipped:
        _err(f"{ident}: damaged journal, not renamed")
    return EXIT_OK
