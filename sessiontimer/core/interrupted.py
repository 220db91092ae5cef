"""Finding the interrupted sessions to offer at start: one bad file never hides the others.

The search runs on every start, over files a sync tool, an editor or another person may have
touched: whatever fails for one journal (unreadable, planted, a phase the preset lacks) is
said in words and that journal skipped; the others are still offered.
"""

from __future__ import annotations

from pathlib import Path

from sessiontimer.core.journal_read import (
    JournalStream,
    ResumeInfo,
    describe,
    resume_state,
    unfinished_sessions,
)


def resume_offers(sessions_dir: Path, problems: list[str]) -> list[tuple[Path, ResumeInfo]]:
    """Unfinished journals that can be resumed, newest first; the rest said in ``problems``."""
    found = []
    for path in sorted(unfinished_sessions(sessions_dir, problems), reverse=True):
        try:
            info = resume_state(JournalStream(path))
        except Exception as exc:  # one bad file must not hide the others
            problems.append(f"a journal could not be read: {path}: {describe(exc)}")
            continue
        found.append((path, info))
    return found
