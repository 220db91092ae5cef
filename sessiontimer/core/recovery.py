"""After a power cut or a kill: continue an unfinished session, or close it as interrupted.

DESIGN "resume after a crash": the gap since the last durable line is counted as a pause or
as session time, as the practitioner chooses; no cue replays except the current phase's
start cue if it never played (the engine's restore point sees to that).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sessiontimer.core.clock import Clock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.journal import make_event
from sessiontimer.core.journal_read import ResumeInfo, load_for_resume
from sessiontimer.core.journal_write import FileLayer, JournalWriter, ResumedFile
from sessiontimer.core.model import Settings
from sessiontimer.core.recorder import SessionRecorder


def resume_after_crash(
    path: Path,
    how: str,
    clock: Clock,
    settings: Settings,
    *,
    app_version: str = "",
    fs: FileLayer | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_recovered: Callable[[], None] | None = None,
    loaded: tuple[ResumeInfo, ResumedFile] | None = None,
) -> SessionRecorder:
    """Continue an unfinished session: ``how`` is "pause" or "session" (for the gap).

    ``loaded``: the journal already read by :func:`load_for_resume` (in a worker: a long
    journal takes seconds); the gap is counted up to now. Raises JournalError when the
    journal cannot be resumed (no start, already ended).
    """
    if how not in ("pause", "session"):
        if loaded is not None:
            loaded[1].close()
        raise ValueError(f"how must be 'pause' or 'session', not {how!r}")
    info, prior = loaded if loaded is not None else load_for_resume(path)
    try:
        gap = info.gap_until(clock.wall())
        point = info.resume_point(how, gap)
        engine = SessionEngine.restored(info.preset, clock, point, runs=info.runs)
    except BaseException:
        prior.close()  # no writer will own the descriptor
        raise
    writer = JournalWriter(
        path, fs=fs, on_problem=on_problem, on_recovered=on_recovered, prior=prior
    )
    recorder = SessionRecorder(
        engine, writer, clock, settings=settings, client=info.client,
        app_version=app_version or info.app, next_id=info.last_id + 1,
    )  # fmt: skip
    recorder.restore(info, gap, how)
    return recorder


def close_interrupted(
    path: Path,
    clock: Clock,
    *,
    fs: FileLayer | None = None,
    loaded: tuple[ResumeInfo, ResumedFile] | None = None,
) -> bool:
    """Close an unfinished session without resuming: ``suspended`` + ``session_ended``."""
    info, prior = loaded if loaded is not None else load_for_resume(path)
    writer = JournalWriter(path, fs=fs, prior=prior)
    ident, t, phase = info.last_id + 1, info.session_elapsed, info.phase_index
    wall = info.last_wall or clock.wall()
    if not info.suspended:
        writer.append(
            make_event("suspended", id=f"e{ident}", at=wall, t=t, phase=phase, reason="crash")
        )
        ident += 1
    writer.append(
        make_event("session_ended", id=f"e{ident}", at=clock.wall(), t=t, phase=phase,
                   reason="interrupted")
    )  # fmt: skip
    return writer.close()
