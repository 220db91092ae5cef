"""``sessiontimer logs note ID`` and ``logs sign ID``: the treatment note on the command line.

Imports no Textual. The practitioner comes from ``[practitioner]`` in the config file; a
broken config is reported, and then the note is still shown (it names no practitioner),
but nothing is signed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sessiontimer import __version__
from sessiontimer.core.visible import shown
from sessiontimer.paths import AppPaths
from sessiontimer.review.summary import Summary

if TYPE_CHECKING:  # `logs list` imports this module: the core's model loads only when used
    from sessiontimer.core.model import Practitioner

NOTE_FORMATS = ("md", "text", "html")


def register(acts: Any) -> None:
    """Add ``note`` and ``sign`` to the ``logs`` actions."""
    note = acts.add_parser("note", help="a session's treatment note (SOAP): md, text or html")
    note.add_argument("id", help="session id (or a unique start of one), as `logs list` shows")
    note.add_argument("--format", choices=NOTE_FORMATS, default="md")
    sign = acts.add_parser("sign", help="sign a session's treatment note (corrections: amend)")
    sign.add_argument("id", help="session id, as `logs list` shows")


def practitioner(app_paths: AppPaths) -> tuple[Practitioner | None, list[str]]:
    """The configured practitioner, and the config's problems (as lines to print)."""
    from sessiontimer.core.config import load_settings

    settings, errors = load_settings(app_paths.config_file, must_exist=app_paths.config_explicit)
    return settings.practitioner, [str(e) for e in errors]


def show_note(s: Summary, fmt: str, app_paths: AppPaths) -> int:
    """Print the note and, on stderr, whether it matches its signature."""
    from sessiontimer.review.note import build_note
    from sessiontimer.review.note_read import read_for_note
    from sessiontimer.review.note_render import render
    from sessiontimer.review.sign import check_read

    who, problems = practitioner(app_paths)
    for problem in problems:
        _err(f"config: {problem}")
    read = read_for_note(app_paths.sessions_dir / s.rel, s.id)  # bounded, whatever it holds
    note = build_note(read.events, s.id, read.problems)
    sys.stdout.write(render(note, fmt, who))
    signature = check_read(read, s.id)
    _err(signature.sentence() if signature else "Not signed yet: `sessiontimer logs sign ID`.")
    return 1 if signature is not None and signature.matches is False else 0


def sign_note(s: Summary, app_paths: AppPaths) -> int:
    """Journal ``signed``; refused for a live journal or without a practitioner."""
    from sessiontimer.review.edit import EditError
    from sessiontimer.review.sign import NO_PRACTITIONER, covered, sign

    who, problems = practitioner(app_paths)
    if problems:
        for problem in problems:
            _err(f"config: {problem}")
        _err("fix the config file first: the practitioner who signs comes from it")
        return 1
    if who is None:
        _err(NO_PRACTITIONER)
        return 1
    refusal = live_refusal(app_paths, s)
    if refusal:
        _err(refusal)
        return 1
    try:
        done = sign(
            app_paths.sessions_dir / s.rel, s.id, who, datetime.now().astimezone(), __version__
        )
    except EditError as error:
        _err(str(error))
        return 1
    from sessiontimer.review import index

    index.update(app_paths.sessions_dir, app_paths.state_dir, [s.rel])  # no longer unsigned
    print(shown(f"Signed the note of {s.id} as {who.name}."))
    if done.left_out:
        print(covered(done.left_out))
    return 0


def live_refusal(app_paths: AppPaths, s: Summary) -> str | None:
    """Why the journal must not be written now (a session is running), or None."""
    from sessiontimer.core.lock import SessionLock

    if SessionLock(app_paths.lock_file).held_elsewhere():
        return (
            f"a session is running in another sessiontimer window; sign {s.id} "
            "after that session has closed"
        )
    return None


def _err(message: str) -> None:
    print(f"sessiontimer: {message}", file=sys.stderr)


def run(args: argparse.Namespace, s: Summary, app_paths: AppPaths) -> int:
    """Dispatch ``note`` / ``sign`` for the session ``s``."""
    if args.logs_command == "note":
        return show_note(s, args.format, app_paths)
    return sign_note(s, app_paths)
