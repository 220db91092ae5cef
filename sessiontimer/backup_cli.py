"""``sessiontimer backup [FILE]`` and ``sessiontimer restore FILE``: what they print."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from sessiontimer import backup as archive
from sessiontimer.paths import AppPaths
from sessiontimer.progress_line import ProgressLine

EXIT_OK, EXIT_PROBLEM = 0, 1


def _err(message: str) -> None:
    print(f"sessiontimer: {message}", file=sys.stderr)


def backup(file: str | None, app_paths: AppPaths) -> int:
    target = (
        Path(file) if file else Path(f"sessiontimer-backup-{datetime.now():%Y-%m-%d-%H%M%S}.tar.gz")
    )
    bar = ProgressLine("backing up")
    try:
        made = archive.backup(app_paths, target, bar)
    except (archive.BackupError, OSError) as error:
        bar.close()
        _err(str(error))
        return EXIT_PROBLEM
    bar.close()
    print(
        f"Wrote {made.path} ({made.size / 1e6:.1f} MB, 0600): {made.journals} journals and "
        f"{made.other} other file(s), every journal read back and verified."
    )
    print("Keep it somewhere safe: it holds your clients' health records.")
    return EXIT_OK


def restore(file: str, app_paths: AppPaths) -> int:
    bar = ProgressLine("restoring")
    try:
        done = archive.restore(app_paths, Path(file), bar)
    except (archive.BackupError, OSError) as error:
        bar.close()
        _err(str(error))
        return EXIT_PROBLEM
    bar.close()
    journal = "journal" if len(done.added) == 1 else "journals"
    print(f"{len(done.added)} {journal} added, {done.same} already here.")
    if done.updated:
        print(f"{len(done.updated)} updated (the backup held more of the same session):")
        print("".join(f"  {name}\n" for name in done.updated), end="")
    if done.kept:
        print(f"{len(done.kept)} differ from the backup and were KEPT as they are here:")
        print("".join(f"  {name}\n" for name in done.kept), end="")
        print("  (restore them by hand from the archive if the backup's copy is the right one)")
    for path in done.other_added:
        print(f"restored {path}")
    for path in done.other_kept:
        print(f"kept {path} (it differs from the backup's; the backup's copy was not written)")
    for name in done.refused:
        _err(f"{file}: {name!r} is not part of a sessiontimer backup; skipped")
    return EXIT_OK  # the index sees the new files at its next refresh (their folders moved)
