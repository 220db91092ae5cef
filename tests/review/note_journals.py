"""Record the journals the treatment-note golden tests read, through the real recorder.

Run ``python tests/review/note_journals.py`` to re-record them into tests/data/notes/ (then
look at the golden notes' diff: ``SESSIONTIMER_UPDATE_GOLDEN=1`` rewrites those). The files
are checked in, so a change in the writer shows in review as a change of recorded journals.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import builtin_settings
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.recorder import SessionRecorder
from sessiontimer.core.rhythm import RhythmTapper

HERE = Path(__file__).resolve().parents[1] / "data" / "notes"
TZ = timezone(timedelta(hours=1))


def _recorder(path: Path, preset: str, client: str | None, clock: ManualClock) -> SessionRecorder:
    settings = builtin_settings()
    engine = SessionEngine(settings.preset(preset), clock)
    return SessionRecorder(engine, JournalWriter(path), clock, settings=settings,
                           client=client, app_version="0.1.0")  # fmt: skip


def _run(rec: SessionRecorder, clock: ManualClock, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(1)
        rec.tick()


def demo(path: Path) -> None:
    """The Demo preset: a few tags, a toggle, a free-text note, a closing note."""
    clock = ManualClock(wall_start=datetime(2026, 11, 24, 9, 0, tzinfo=TZ))
    rec = _recorder(path, "Demo", "Anna", clock)
    rec.start()
    _run(rec, clock, 8)
    rec.note(text="Stiff neck since Monday; slept badly")
    _run(rec, clock, 15)
    rec.set_region(2)
    rec.note(tag="release", key="r")
    _run(rec, clock, 5)
    rec.toggle("still point", key="s")
    _run(rec, clock, 12)
    rec.toggle("still point", key="s")
    rec.pause()
    clock.advance(5)
    rec.resume()
    rec.extend()
    _run(rec, clock, 70)
    rec.next()
    _run(rec, clock, 25)
    rec.end()
    rec.closing_note("Neck freer; drink water, rest this evening.")
    rec.close()


def cst(path: Path) -> None:
    """CST 10-step: pain before and after, rhythm, still points, a significance detector,
    felt-at, the client's words, a plan."""
    clock = ManualClock(wall_start=datetime(2026, 11, 26, 14, 0, tzinfo=TZ))
    rec = _recorder(path, "CST 10-step", "Ben Ortiz", clock)
    rec.start()
    _run(rec, clock, 40)
    rec.note(text="Low back pain after lifting, 3 weeks; worse sitting", key="n")
    rec.note(text="It feels like a tight belt around my hips", key="'", words=True)
    _run(rec, clock, 20)
    rec.pain(6)
    _run(rec, clock, 30)
    rec.next()  # still point at the feet: hands at the feet
    _rhythm(rec, clock, 7.5, 6)
    rec.toggle("still point", key="s")
    _run(rec, clock, 95)
    rec.toggle("still point", key="s")
    _run(rec, clock, 40)
    rec.next()  # lumbosacral decompression
    _run(rec, clock, 30)
    rec.note(tag="heat", key="h", felt_at="feet")
    _run(rec, clock, 60)
    rec.note(tag="release", key="r")
    _run(rec, clock, 30)
    rec.next()  # pelvic diaphragm
    _run(rec, clock, 50)
    rec.toggle("significance detector", key="i")
    _run(rec, clock, 45)
    rec.toggle("significance detector", key="i")
    rec.note(text="I remember the fall from the ladder", key="'", words=True)
    _run(rec, clock, 30)
    rec.toggle("SomatoEmotional Release", key="x")
    _run(rec, clock, 120)
    rec.toggle("SomatoEmotional Release", key="x")
    for _ in range(8):
        rec.next()
        _run(rec, clock, 20)
    _rhythm(rec, clock, 10.0, 5, qualities={"amplitude": "normal", "symmetry": "high"})
    rec.toggle("still point", key="s")
    _run(rec, clock, 150)
    rec.toggle("still point", key="s")
    rec.next()  # closing
    _run(rec, clock, 30)
    rec.pain(2)
    _run(rec, clock, 20)
    rec.end()
    rec.closing_note("Pelvis level, breathing deeper; client feels lighter.")
    rec.plan("Two weeks: recheck pelvic diaphragm; lifting ergonomics.")
    rec.close()


def _rhythm(
    rec: SessionRecorder, clock: ManualClock, rate: float, taps: int,
    qualities: dict[str, str] | None = None,
) -> None:  # fmt: skip
    tapper = RhythmTapper()
    for _ in range(taps):
        tapper.tap(clock.now(), rec.engine.session_time(), rec.region)
        _run(rec, clock, int(60 / rate))
    for name, level in (qualities or {}).items():
        tapper.set_quality(name, level)
    reading = tapper.finish()
    assert reading is not None
    rec.rhythm(reading)


def signed_then_amended(path: Path, source: Path) -> None:
    """The CST journal, signed, then a note and the plan corrected a week later."""
    from sessiontimer.core.model import Practitioner
    from sessiontimer.review.edit import amend
    from sessiontimer.review.sign import sign

    shutil.copyfile(source, path)
    who = Practitioner("Jane Doe, CST-T", "MA-LMT 12345")
    sign(path, path.stem, who, datetime(2026, 11, 26, 15, 10, tzinfo=TZ), "0.1.0")
    events = read_journal(path).events
    heat = next(e for e in events if e.get("tag") == "heat")
    amend(path, heat["id"], {"region": "sacrum", "tag": "warmth"},
          datetime(2026, 12, 3, 8, 30, tzinfo=TZ))  # fmt: skip
    plan = next(e for e in events if e.get("type") == "plan")
    amend(path, plan["id"], {"text": "Ten days: recheck pelvic diaphragm."},
          datetime(2026, 12, 3, 8, 31, tzinfo=TZ))  # fmt: skip


def old(path: Path) -> None:
    """A journal as round one wrote it: none of the new events (Craniosacral 60, regions)."""
    clock = ManualClock(wall_start=datetime(2026, 11, 20, 10, 30, tzinfo=TZ))
    rec = _recorder(path, "Craniosacral 60", None, clock)
    rec.start()
    _run(rec, clock, 60)
    rec.note(text="Headaches, 2 a week")
    rec.next()
    rec.set_region(7)
    _run(rec, clock, 90)
    rec.note(tag="softening", key="f")
    rec.note(tag="pulsation", key="p")
    rec.undo()
    rec.set_region(1)
    rec.toggle("still point", key="s")
    _run(rec, clock, 60)
    rec.end()
    rec.close()


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("demo", demo), ("cst", cst), ("old", old)):
            target = Path(tmp) / f"{name}.jsonl"
            make(target)
            shutil.copyfile(target, HERE / f"{name}.jsonl")
        signed_then_amended(HERE / "signed.jsonl", HERE / "cst.jsonl")
    print(f"recorded {sorted(p.name for p in HERE.glob('*.jsonl'))}", file=sys.stderr)


if __name__ == "__main__":
    main()
