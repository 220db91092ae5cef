"""A FIFO named like a journal never hangs the resume search (opening one for reading waits
for a writer forever): it is said in words and skipped, the genuine session still offered."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from sessiontimer.core.interrupted import resume_offers
from sessiontimer.core.journal_read import JournalError, load_for_resume
from tests.core.test_hostile_journals import _crashed, _year


def _within(seconds: float, fifo: Path, job: object) -> list[object]:
    """Run ``job`` in a thread; if it hangs on the FIFO, release it (and fail)."""
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(job()), daemon=True)  # type: ignore[operator]
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # lets a blocked open return
        thread.join(5)
    assert out, "the reader waited on the FIFO"
    return out


def test_a_fifo_among_the_journals_is_skipped_and_said(tmp_path: Path) -> None:
    year = _year(tmp_path)
    genuine = _crashed(year, "090000-aaaaaa")
    fifo = year / "2026-11-24T100000-bbbbbb.jsonl"
    os.mkfifo(fifo)
    problems: list[str] = []
    (offers,) = _within(10, fifo, lambda: resume_offers(tmp_path, problems))
    assert [path for path, _ in offers] == [genuine]  # type: ignore[attr-defined]
    assert problems == [f"a journal could not be read: {fifo}: not a regular file"]


def test_resuming_a_fifo_is_refused_in_words(tmp_path: Path) -> None:
    fifo = tmp_path / "j.jsonl"
    os.mkfifo(fifo)

    def resume() -> str:
        try:
            load_for_resume(fifo)
        except JournalError as exc:
            return str(exc)
        return "resumed"

    assert _within(10, fifo, resume) == [f"cannot read {fifo}: not a regular file"]
