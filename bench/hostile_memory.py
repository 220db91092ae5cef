"""Peak memory of the readers beside hostile journals: a 100 MB single line, a million lines.

Usage: python bench/hostile_memory.py [--keep DIR]

Builds a data folder with four journals: a 100 MB single-line journal (one session_started
line whose note-sized field is 100 MB), a 1,000,000-line unfinished journal (checkpoints and
cues, a note every 1,000 lines, as a session of many hours would write), one small
interrupted session, a session start followed by a million damaged lines (2 MB), and a
session of a million notes (planted: a real one writes tens). Then
runs, each in its own process, and prints the peak resident memory (ru_maxrss) and the wall
time of:

- ``sessiontimer logs list`` (cold: no index yet), then again (warm);
- the resume search the app runs at start (``resume_offers``);
- resuming the million-line journal and the million-note journal (``resume_after_crash``:
  the replay, then the writer appends to it; run on a copy) and trying to resume the 100 MB
  line (refused in words);
- the Sessions screen (the app headless, the screen opened and its list loaded).

The issue's target: every figure under 200 MB whatever the folder holds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sessiontimer.core.config import builtin_settings  # noqa: E402
from sessiontimer.core.journal import (  # noqa: E402
    encode_line,
    make_event,
    planned_phases,
    preset_to_dict,
    session_path,
)

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def _start(preset: object, client: str, at: datetime) -> bytes:
    return encode_line(
        make_event(
            "session_started", id="e1", at=at, t=0.0, app="bench",
            preset=preset_to_dict(preset), client=client, planned=planned_phases(preset),  # type: ignore[arg-type]
        )
    )  # fmt: skip


def build(data: Path) -> None:
    """The three journals, written in the recorder's line format."""
    preset = builtin_settings().presets[0]
    sessions = data / "sessions"
    one_line = session_path(sessions, WALL, "aaaaaa")
    one_line.parent.mkdir(parents=True, exist_ok=True)
    with one_line.open("wb") as out:  # a planted journal: one line of 100 MB
        head = _start(preset, "Planted", WALL).rstrip(b"}\n")
        out.write(head + b',"x":"')
        block = b"x" * (1 << 20)
        for _ in range(100):
            out.write(block)
        out.write(b'"}\n')
    many = session_path(sessions, WALL + timedelta(hours=1), "bbbbbb")
    with many.open("wb") as out:
        out.write(_start(preset, "Many", WALL + timedelta(hours=1)))
        out.write(encode_line(make_event("phase_started", id="e2", at=WALL, t=0.0, phase=0,
                                         run=1, target=600.0)))  # fmt: skip
        lines = []
        for n in range(3, 1_000_001):
            t = n * 0.5
            at = WALL + timedelta(hours=1, seconds=t)
            if n % 1000 == 0:
                event = make_event("note", id=f"e{n}", at=at, t=t, phase=0, region=None,
                                   key="n", text=f"note {n}")  # fmt: skip
            elif n % 7 == 0:
                event = make_event("cue", id=f"e{n}", at=at, t=t, phase=0, kind="interval",
                                   sound="soft-bell", backend="visual", outcome="visual",
                                   late=0.0)  # fmt: skip
            else:
                event = make_event("checkpoint", id=f"e{n}", at=at, t=t, phase=0, run=1,
                                   phase_elapsed=t, target=1e8, paused=False)  # fmt: skip
            lines.append(encode_line(event))
            if len(lines) >= 10_000:
                out.write(b"".join(lines))
                lines.clear()
        out.write(b"".join(lines))
    small = session_path(sessions, WALL + timedelta(hours=2), "cccccc")
    with small.open("wb") as out:
        out.write(_start(preset, "Genuine", WALL + timedelta(hours=2)))
        out.write(encode_line(make_event("phase_started", id="e2", at=WALL, t=0.0, phase=0,
                                         run=1, target=600.0)))  # fmt: skip
    garbage = session_path(sessions, WALL + timedelta(hours=3), "dddddd")
    with garbage.open("wb") as out:  # a session start, then a million damaged lines (2 MB)
        out.write(_start(preset, "Garbage", WALL + timedelta(hours=3)))
        out.write(b"x\n" * 1_000_000)
    notes = session_path(sessions, WALL + timedelta(hours=4), "eeeeee")
    with notes.open("wb") as out:  # a planted session of a million notes
        out.write(_start(preset, "Noted", WALL + timedelta(hours=4)))
        out.write(encode_line(make_event("phase_started", id="e2", at=WALL, t=0.0, phase=0,
                                         run=1, target=600.0)))  # fmt: skip
        lines = []
        for n in range(3, 1_000_003):
            t = n * 0.01
            at = WALL + timedelta(hours=4, seconds=t)
            note = make_event("note", id=f"e{n}", at=at, t=t, phase=0, region=None, key="n",
                              text=f"note {n}")  # fmt: skip
            lines.append(encode_line(note))
            if len(lines) >= 10_000:
                out.write(b"".join(lines))
                lines.clear()
        out.write(b"".join(lines))
    for path in (one_line, many, small, garbage, notes):
        print(f"  {path.name}: {path.stat().st_size / 1e6:.1f} MB")


RESUME = """
import sys
from pathlib import Path
from sessiontimer.core.interrupted import resume_offers
problems = []
offers = resume_offers(Path(sys.argv[1]) / "sessions", problems)
print(len(offers), "offered;", len(problems), "problem(s)", file=sys.stderr)
"""

RESUME_ONE = """
import sys
from pathlib import Path
from sessiontimer.core.clock import SystemClock
from sessiontimer.core.config import builtin_settings
from sessiontimer.core.journal_read import JournalError
from sessiontimer.core.recovery import resume_after_crash
try:
    recorder = resume_after_crash(Path(sys.argv[1]), "pause", SystemClock(), builtin_settings())
except JournalError as exc:
    print("refused:", str(exc)[-70:], file=sys.stderr)
else:
    recorder.note(tag="release", key="r")
    recorder.suspend("quit")
    print("resumed, a note added:", recorder.close(30), file=sys.stderr)
"""

SESSIONS_SCREEN = """
import asyncio, sys
from sessiontimer import paths
from sessiontimer.core.config import builtin_settings
from sessiontimer.ui.app import make_app
from sessiontimer.ui.screens.review.sessions import SessionsScreen

async def main():
    app = make_app(builtin_settings(), paths.resolve(), auto_tick=False, keep_awake=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = SessionsScreen()
        await app.push_screen(screen)
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if screen.loaded:
                break
        print(getattr(screen, "everything", "?"), "sessions listed", file=sys.stderr)

asyncio.run(main())
"""


def measure(label: str, argv: list[str], env: dict[str, str]) -> None:
    """Run ``argv``, print its peak resident memory and wall time.

    The peak is GNU time's (``/usr/bin/time``) where it exists: ``wait4``'s ``ru_maxrss``
    of a child is never less than this bench's own size when it forked (about 23 MB here),
    so the small figures it gave were this process's, not the reader's.
    """
    timed = Path(tempfile.mkstemp(prefix="hostile-time-")[1])
    gnu_time = Path("/usr/bin/time")
    if gnu_time.exists():
        argv = [str(gnu_time), "-o", str(timed), "-f", "%M", *argv]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    proc.stderr and proc.stderr.close()  # type: ignore[func-returns-value]
    code = os.waitstatus_to_exitcode(status)
    note = err.splitlines()[-1][:100] if err else ""
    said = timed.read_text().strip().splitlines()
    timed.unlink()
    peak = int(said[-1]) / 1024 if said and said[-1].isdigit() else usage.ru_maxrss / 1024
    print(f"{label:<28} peak {peak:7.1f} MB  {seconds:6.1f} s  exit {code}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="build (or reuse) the folder here and keep it")
    parser.add_argument("--resume-only", action="store_true", help="only the resume figures")
    args = parser.parse_args()
    home = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="hostile-"))
    data, state = home / "data", home / "state"
    if not (data / "sessions").exists():
        print(f"building {data}")
        build(data)
    env = dict(os.environ, SESSIONTIMER_DATA_DIR=str(data), SESSIONTIMER_STATE_DIR=str(state),
               SESSIONTIMER_CONFIG=str(home / "none.toml"), PYTHONPATH=str(ROOT))  # fmt: skip
    (home / "none.toml").touch()  # an empty config: the built-in presets
    shutil.rmtree(state, ignore_errors=True)
    py = sys.executable
    try:
        if not args.resume_only:
            measure("logs list (cold)", [py, "-m", "sessiontimer", "logs", "list"], env)
            measure("logs list (warm)", [py, "-m", "sessiontimer", "logs", "list"], env)
            measure("resume search", [py, "-c", RESUME, str(data)], env)
        journals = sorted((data / "sessions").glob("*/*.jsonl"))
        for label, journal in (("1M-line", journals[1]), ("1M-note", journals[4])):
            copy = home / "resume" / journal.name  # a copy: the folder stays as built
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(journal, copy)
            measure(f"resume {label} journal", [py, "-c", RESUME_ONE, str(copy)], env)
            copy.unlink()
        measure("resume 100 MB-line journal", [py, "-c", RESUME_ONE, str(journals[0])], env)
        if not args.resume_only:
            shutil.rmtree(state, ignore_errors=True)
            measure("Sessions screen (cold)", [py, "-c", SESSIONS_SCREEN], env)
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({"python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
