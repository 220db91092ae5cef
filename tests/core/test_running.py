"""The running session: one owner, every way out journaled, the lock held until the disk has it.

Disk trouble is injected through the writer's file layer (the kernel can't be made to fail
on cue); FIFOs and symlinks are real.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sessiontimer.audio.base import CueOutcome
from sessiontimer.core import running
from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import builtin_settings
from sessiontimer.core.cue_book import CueBook
from sessiontimer.core.events import CueDue
from sessiontimer.core.journal import encode_line, make_event
from sessiontimer.core.journal_read import JournalError, read_journal
from sessiontimer.core.journal_write import JournalWriter, OsFileLayer
from sessiontimer.core.lock import SessionLock
from sessiontimer.core.running import RunningSession, SessionRefused

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
SETTINGS = builtin_settings()


class FullDisk(OsFileLayer):
    """The real file system, except that writes fail with ENOSPC while ``full`` is set."""

    def __init__(self) -> None:
        self.full = threading.Event()

    def write(self, handle: int, data: bytes) -> int:
        if self.full.is_set():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(handle, data)


def start(tmp_path: Path, fs: OsFileLayer | None = None) -> RunningSession:
    preset = replace(SETTINGS.preset("Demo"))
    session = running.begin(
        preset, "Zoe", clock=ManualClock(wall_start=WALL), settings=SETTINGS,
        lock=SessionLock(tmp_path / "session.lock"), sessions_dir=tmp_path / "sessions",
        app_version="test", hooks={"retry_interval": 0.01}, fs=fs,
    )  # fmt: skip
    session.start()
    return session


def types(path: Path) -> list[str]:
    read = read_journal(path)
    assert read.problems == []
    return [str(e["type"]) for e in read.events]


def pending_types(session: RunningSession) -> list[str]:
    """The journal's types once the writer has caught up (lines are written on its thread)."""
    assert session.writer.flush(5)
    return types(session.path)


def lock_is_free(tmp_path: Path) -> bool:
    probe = SessionLock(tmp_path / "session.lock")
    if probe.acquire():
        probe.release()
        return True
    return False


def test_disk_full_across_close_keeps_every_line_and_the_lock(tmp_path: Path) -> None:
    """Case 1: notes while the disk is full, then End and a closing note: nothing is lost,
    and "saved" (and the lock's release) comes only once every line is on disk."""
    disk = FullDisk()
    session = start(tmp_path, disk)
    assert session.writer.flush(5)
    disk.full.set()
    for n in range(5):
        session.recorder.note(tag="release", key="r", text=f"held {n}")
    session.close("client slept")
    assert session.final and not session.saved
    assert not session.wait(0.3)  # many retries fail meanwhile; none gives up
    assert session.pending == 5 + 3  # notes, phase_ended, session_ended, closing_note
    assert not lock_is_free(tmp_path)  # held: no other instance may take this journal
    assert "No space left" in (session.waiting_text() or "")
    disk.full.clear()
    assert session.wait(5)
    kinds = types(session.path)
    assert kinds.count("note") == 5
    assert kinds[-2:] == ["session_ended", "closing_note"]
    assert lock_is_free(tmp_path)


def test_the_writer_never_stops_retrying_after_close(tmp_path: Path) -> None:
    disk = FullDisk()
    writer = JournalWriter(tmp_path / "j.jsonl", fs=disk, retry_interval=0.01)
    disk.full.set()
    writer.append(note(1))
    assert not writer.close(0.2)  # not written yet: close says so, and keeps trying
    assert writer.pending == 1
    disk.full.clear()
    assert writer.flush(5)
    assert [e["id"] for e in read_journal(tmp_path / "j.jsonl").events] == ["e1"]


def test_a_copy_elsewhere_is_a_complete_journal(tmp_path: Path) -> None:
    """Quitting while the disk refuses: the whole journal can be written to another folder."""
    disk = FullDisk()
    session = start(tmp_path, disk)
    session.recorder.note(tag="release", key="r")
    assert session.writer.flush(5)
    disk.full.set()
    session.recorder.note(tag="softening", key="f")
    session.suspend("quit")
    copy = session.write_copy(tmp_path / "elsewhere")
    kinds = types(copy)
    assert kinds[0] == "session_started" and kinds.count("note") == 2
    assert kinds[-1] == "suspended"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert session.abandon() > 0
    assert lock_is_free(tmp_path)


def note(n: int) -> dict[str, object]:
    return make_event("note", id=f"e{n}", at=WALL, t=n, phase=0, tag="release", region=None,
                      key="r")  # fmt: skip


def test_a_fifo_at_the_path_is_replaced_never_written(tmp_path: Path) -> None:
    """Case 2: the journal removed and a FIFO made at its path; a note; every line survives
    in a new regular file, and not a byte went into the FIFO."""
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, retry_interval=0.01)
    for n in (1, 2):
        writer.append(note(n))
    assert writer.flush(5)
    path.unlink()
    os.mkfifo(path)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so a write would land
    try:
        writer.append(note(3))
        assert writer.flush(5)
        assert os.read(reader, 65536) == b""
    finally:
        os.close(reader)
    assert stat.S_ISREG(os.lstat(path).st_mode)
    writer.append(note(4))
    assert writer.close()
    assert [e["id"] for e in read_journal(path).events] == ["e1", "e2", "e3", "e4"]


def test_a_fifo_there_on_resume_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    prior = b"".join(encode_line(note(n)) for n in (1, 2))
    os.mkfifo(path)
    writer = JournalWriter(path, prior=prior, retry_interval=0.01)
    writer.append(note(3))
    assert writer.close(5)
    assert [e["id"] for e in read_journal(path).events] == ["e1", "e2", "e3"]


def test_a_symlink_at_the_path_is_replaced_and_its_target_untouched(tmp_path: Path) -> None:
    """Case 2: with a symlink at the path, the client's notes never go to its target."""
    path = tmp_path / "j.jsonl"
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file\n")
    target.chmod(0o644)
    writer = JournalWriter(path, retry_interval=0.01)
    writer.append(note(1))
    assert writer.flush(5)
    path.unlink()
    path.symlink_to(target)
    writer.append(note(2))
    assert writer.close()
    assert target.read_text() == "someone else's file\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert not path.is_symlink() and stat.S_ISREG(os.lstat(path).st_mode)
    assert [e["id"] for e in read_journal(path).events] == ["e1", "e2"]


def test_the_old_descriptor_is_kept_until_the_new_file_is_synced(tmp_path: Path) -> None:
    """A rebuild cut by a full disk loses nothing: the deleted original is still read."""
    disk = FullDisk()
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, fs=disk, retry_interval=0.01)
    for n in (1, 2, 3):
        writer.append(note(n))
    assert writer.flush(5)
    path.unlink()
    disk.full.set()
    writer.append(note(4))
    assert not writer.flush(0.2)
    assert not path.exists()  # no half-built file was renamed into place
    # Each retry makes (and, failing, removes) a temporary file of its own name: one seen
    # in a look may be an attempt under way; one still there a moment later was left behind.
    first = {p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")}
    time.sleep(0.2)
    assert first & {p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")} == set()
    disk.full.clear()
    assert writer.close(5)
    assert [e["id"] for e in read_journal(path).events] == ["e1", "e2", "e3", "e4"]


def test_a_second_window_cannot_resume_or_close_a_session_being_resumed(
    tmp_path: Path,
) -> None:
    """Case 3: two windows offered the same interrupted session; the one that continued
    holds the lock, so the other can neither continue it nor close it."""
    session = start(tmp_path)
    session.recorder.note(tag="release", key="r")
    assert session.writer.flush(5)
    path = session.path
    session.abandon()  # as after kill -9: unfinished, lock free
    clock = ManualClock(wall_start=WALL)
    first, _ = running.resume(
        path, "pause", clock=clock, settings=SETTINGS,
        lock=SessionLock(tmp_path / "session.lock"), app_version="test",
    )  # fmt: skip
    other = SessionLock(tmp_path / "session.lock")
    with pytest.raises(SessionRefused, match="being resumed in another window"):
        running.close_interrupted(path, clock=clock, lock=other)
    with pytest.raises(SessionRefused, match="being resumed in another window"):
        running.resume(path, "pause", clock=clock, settings=SETTINGS, lock=other,
                       app_version="test")  # fmt: skip
    first.recorder.note(tag="softening", key="f")
    first.close()
    assert first.wait(5)
    events = read_journal(path).events
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids))
    assert [e["type"] for e in events].count("session_ended") == 1
    with pytest.raises(JournalError):  # closed by the first: the other gets a clear no
        running.close_interrupted(path, clock=clock, lock=other)


def test_suspend_writes_the_reason_and_lets_the_lock_go(tmp_path: Path) -> None:
    session = start(tmp_path)
    session.suspend("signal TERM")
    assert session.wait(5) and session.state == "suspended"
    last = read_journal(session.path).events[-1]
    assert (last["type"], last["reason"]) == ("suspended", "signal TERM")
    assert lock_is_free(tmp_path)


def test_suspending_an_ended_session_closes_it_instead(tmp_path: Path) -> None:
    """Nothing but a closing note may follow session_ended: a signal on the End screen closes."""
    session = start(tmp_path)
    session.route(session.recorder.end("key"))
    session.suspend("signal HUP")
    assert session.wait(5) and session.state == "closed"
    assert types(session.path)[-1] == "session_ended"


def test_the_lock_file_names_the_live_journal(tmp_path: Path) -> None:
    session = start(tmp_path)
    probe = SessionLock(tmp_path / "session.lock")
    assert probe.live_journals() == [session.path]
    session.close()
    assert session.wait(5)
    assert probe.live_journals() == []


# -- the closing bell's line comes before session_ended (issue 12: nothing after the end but
#    the closing note and amendments) ---------------------------------------------------------


class Loop:
    """The owner's loop, by hand: ``hand_over`` queues, ``run`` drains (what Textual does)."""

    def __init__(self) -> None:
        self.queue: list[Callable[[], None]] = []

    def hand_over(self, run: Callable[[], None]) -> None:
        self.queue.append(run)

    def run(self) -> None:
        while self.queue:
            self.queue.pop(0)()


class Later:
    """Deadlines by hand: ``fire`` runs what was scheduled (a fake clock for the timer)."""

    def __init__(self) -> None:
        self.due: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, seconds: float, run: Callable[[], None]) -> Callable[[], None]:
        entry = (seconds, run)
        self.due.append(entry)
        return lambda: self.due.remove(entry) if entry in self.due else None

    def fire(self) -> None:
        for _, run in list(self.due):
            run()
        self.due.clear()


def ended(tmp_path: Path) -> tuple[RunningSession, Loop, list[CueDue]]:
    """A session the practitioner just ended: its closing bell handed to the audio side."""
    session, loop = start(tmp_path), Loop()
    session.hand_over = loop.hand_over
    events = session.route(session.recorder.end("key"))
    bells = [e for e in events if isinstance(e, CueDue)]
    assert [b.kind.value for b in bells] == ["session_end"]
    for bell in bells:
        session.cue_sent(bell)
    return session, loop, bells


def played(update: bool = False) -> CueOutcome:
    if update:
        return CueOutcome("failed", "simpleaudio", time.monotonic(), "cut short", True)
    return CueOutcome("played", "simpleaudio", time.monotonic())


def test_the_closing_bell_line_is_written_before_session_ended(tmp_path: Path) -> None:
    session, loop, (bell,) = ended(tmp_path)
    loop.run()  # the UI's turn ends before the bell's outcome is back
    assert "session_ended" not in pending_types(session)
    threading.Thread(target=session.cue_arrived, args=(bell, played())).start()
    assert session._cues.wait(5)
    loop.run()
    kinds = pending_types(session)
    assert kinds[-3:] == ["phase_ended", "cue", "session_ended"], kinds
    session.close("calm")
    assert session.wait(5)
    assert types(session.path)[-4:] == ["phase_ended", "cue", "session_ended", "closing_note"]


def test_a_later_word_on_the_bell_before_the_end_line_comes_before_it(tmp_path: Path) -> None:
    session, loop, (bell,) = ended(tmp_path)
    session.cue_arrived(bell, played())
    session.cue_arrived(bell, played(update=True))  # cut short at once, one loop turn
    loop.run()
    session.close()
    assert session.wait(5)
    assert types(session.path)[-4:] == ["phase_ended", "cue", "cue_updated", "session_ended"]


def test_nothing_about_cues_after_session_ended(tmp_path: Path) -> None:
    """A later word (or a backend change) that comes once the end is written is not journaled:
    the journal after ``session_ended`` holds only the closing note and amendments."""
    session, loop, (bell,) = ended(tmp_path)
    session.cue_arrived(bell, played())
    loop.run()
    session.cue_arrived(bell, played(update=True))
    session.audio_backend_changed("visual", "simpleaudio", "the device went away")
    loop.run()
    session.close("calm")
    assert session.wait(5)
    kinds = types(session.path)
    assert kinds[kinds.index("session_ended") + 1 :] == ["closing_note"], kinds


def test_a_bell_that_never_answers_holds_the_end_line_a_bounded_time(tmp_path: Path) -> None:
    later = Later()
    session, loop = start(tmp_path), Loop()
    session.hand_over, session.later = loop.hand_over, later
    events = session.route(session.recorder.end("key"))
    for bell in (e for e in events if isinstance(e, CueDue)):
        session.cue_sent(bell)
    loop.run()
    assert "session_ended" not in pending_types(session)
    assert [s for s, _ in later.due] == [running.END_WAIT]
    later.fire()  # the deadline passes (on the owner's loop)
    loop.run()
    assert pending_types(session)[-1] == "session_ended"
    assert session.state == "ended"  # the closing note may still follow


def test_an_end_with_no_bell_writes_its_line_on_the_next_turn(tmp_path: Path) -> None:
    """No cue at the end (none configured): session_ended once the UI's turn is done, so what
    that turn writes (a rhythm reading finished by the end) comes before it."""
    session, loop = start(tmp_path), Loop()
    session.hand_over = loop.hand_over
    events = session.recorder.end("key")
    session.route([e for e in events if not isinstance(e, CueDue)])
    session.recorder.plan("next week")  # written in the same turn, after the engine ended
    loop.run()
    assert pending_types(session)[-2:] == ["plan", "session_ended"]


def test_close_right_after_the_end_waits_for_the_bell_then_ends(tmp_path: Path) -> None:
    session, loop, (bell,) = ended(tmp_path)
    timer = threading.Timer(0.2, session.cue_arrived, args=(bell, played()))
    timer.start()
    session.close("quick")  # the End screen closed at once: waits (bounded) for the bell
    timer.join()
    loop.run()
    assert session.wait(5)
    assert types(session.path)[-4:] == ["phase_ended", "cue", "session_ended", "closing_note"]


def test_a_callback_asked_for_as_the_last_line_lands_still_runs(tmp_path: Path) -> None:
    """The writer's thread may finish while a caller asks for a callback (after its look at
    ``saved``, before the callback is kept): the callback (the review index's update, the
    "Session saved." word) must run all the same, once. A lost one left an ended session out
    of the index."""
    session = start(tmp_path)
    session.close("done")
    assert session.wait(5)
    session._saved.clear()  # the moment before the writer's thread calls _all_written
    finisher = threading.Thread(target=session._all_written, name="writer-finishes")

    class FinishesWhileKept(list[Callable[[], None]]):
        def append(self, callback: Callable[[], None]) -> None:
            finisher.start()  # the writer's thread finishes now, while the caller keeps it
            finisher.join(0.3)  # (a guard may hold it back until the caller is done)
            super().append(callback)

    session._on_saved = FinishesWhileKept()
    calls: list[str] = []
    session.when_saved(lambda: calls.append("ran"))
    finisher.join(5)
    assert session.wait(0)
    assert calls == ["ran"]


def test_a_closing_bell_sent_ahead_and_heard_does_not_hold_the_end(tmp_path: Path) -> None:
    """The bell went to the audio side before its moment (issue 15) and its line is written
    before the tick that ends the session: ``session_ended`` follows at once, not after
    ``END_WAIT`` (the tick's event differs from the one sent ahead only by its ``late``)."""
    later = Later()
    session, loop = start(tmp_path), Loop()
    session.hand_over, session.later = loop.hand_over, later
    clock = session.recorder.clock
    assert isinstance(clock, ManualClock)
    clock.advance(25.0)
    session.tick()  # on to the treatment (a hold), then on by key to the last phase
    session.route(session.recorder.next())
    session.route(session.recorder.next())
    clock.advance(19.9)
    session.tick()
    coming = session.engine.upcoming(0.25)
    assert coming is not None and coming[1].kind.value == "session_end"
    bell = coming[1]
    onset = time.monotonic() + 0.1
    session.cue_sent(bell, due=onset)
    session.cue_arrived(bell, CueOutcome("played", "simpleaudio", onset))
    loop.run()
    clock.advance(0.1 + 0.003)  # the tick that ends it comes 3 ms after the moment
    events = session.tick()
    (due,) = [e for e in events if isinstance(e, CueDue)]
    assert due.late > 0 and due != bell
    loop.run()
    assert pending_types(session)[-1] == "session_ended"
    assert later.due == []  # no deadline was waited for


def test_a_cue_taken_back_too_late_to_drop_gets_its_line_with_its_moment(tmp_path: Path) -> None:
    """A pause a moment before a cue sent ahead: the cue was withdrawn, but its device had
    it and it began (then faded). Its outcome, arriving after the withdrawal, is journaled,
    late against the moment it was sent for (not 0)."""
    session, loop = start(tmp_path), Loop()
    session.hand_over = loop.hand_over
    clock = session.recorder.clock
    assert isinstance(clock, ManualClock)
    clock.advance(4.9)
    coming = session.engine.upcoming(0.25)
    assert coming is not None and coming[1].kind.value == "interval"
    cue = coming[1]
    due = time.monotonic() + 0.1
    session.cue_sent(cue, due=due)
    session.route(session.recorder.pause())  # 100 ms before: too late on this device
    session.cue_withdrawn(cue, may_sound=True)
    session.cue_arrived(cue, faded(due + 0.004))
    loop.run()
    assert session.writer.flush(5)
    lines = [e for e in read_journal(session.path).events if e["type"] == "cue"]
    assert [(e["kind"], e["outcome"]) for e in lines[-1:]] == [("interval", "faded")]
    assert lines[-1]["late"] == pytest.approx(0.004, abs=0.0015)


def faded(onset: float) -> CueOutcome:
    """The service's word on a cue taken back as it began (``AudioService``)."""
    return CueOutcome("faded", "aplay", onset, "cut short: taken back as it began")


class FakeNow:
    """A monotonic clock by hand, for the cue book's deadlines."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def taken_back_at_its_moment(
    tmp_path: Path, book: CueBook
) -> tuple[RunningSession, Loop, CueDue, float]:
    """A session paused at the moment of its interval cue, sent ahead: taken back as it may
    already sound (``may_sound``)."""
    session, loop = start(tmp_path), Loop()
    session.hand_over, session._cues = loop.hand_over, book
    clock = session.recorder.clock
    assert isinstance(clock, ManualClock)
    clock.advance(4.9)
    coming = session.engine.upcoming(0.25)
    assert coming is not None and coming[1].kind.value == "interval"
    cue, due = coming[1], time.monotonic() + 0.01
    session.cue_sent(cue, due=due)
    session.route(session.recorder.pause())
    session.cue_withdrawn(cue, may_sound=True)
    return session, loop, cue, due


def cue_lines(session: RunningSession) -> list[tuple[str, str]]:
    events = read_journal(session.path).events
    return [(str(e["kind"]), str(e["outcome"])) for e in events if e["type"] == "cue"]


def test_a_quit_right_after_a_cue_taken_back_as_it_began_waits_for_its_faded_word(
    tmp_path: Path,
) -> None:
    """Issue 15: a pause at a cue's moment, then quit at once: the cue sounded a moment and
    faded, and its word comes from the audio side while the quit is under way. The quit
    waits for it (``FADE_WAIT`` at most) so its line says ``faded`` before ``suspended``."""
    now = FakeNow()
    answer: list[Callable[[], None]] = []

    class AnswersWhileWaitedFor(CueBook):  # the backend's word comes during the wait
        def wait_fading(self, timeout: float) -> bool:
            threading.Thread(target=answer[0]).start()
            return super().wait_fading(timeout)

    session, _, cue, due = taken_back_at_its_moment(tmp_path, AnswersWhileWaitedFor(now))
    answer.append(lambda: session.cue_arrived(cue, faded(due + 0.003)))
    assert session._cues.fading_left() == running.FADE_WAIT
    session.suspend("quit")
    assert session.wait(5)
    assert cue_lines(session)[-1] == ("interval", "faded")
    assert types(session.path)[-1] == "suspended"


def test_a_faded_word_that_never_comes_is_given_up_after_the_fade_wait(tmp_path: Path) -> None:
    """Taken back in time after all (dropped, never heard): no word comes. Once
    ``FADE_WAIT`` has passed since the take-back, the close waits for nothing and writes
    no line for it."""
    now = FakeNow()
    session, _, _, _ = taken_back_at_its_moment(tmp_path, CueBook(now))
    now.t += running.FADE_WAIT
    assert session._cues.fading_left() == 0
    assert session._cues.wait_fading(60.0)  # at once: the clock above says it is over
    session.close("calm")
    assert session.wait(5)
    assert ("interval", "faded") not in cue_lines(session)
    assert types(session.path)[-2:] == ["session_ended", "closing_note"]


def test_the_end_waits_for_the_word_on_a_cue_taken_back_as_it_began(tmp_path: Path) -> None:
    """End pressed at a cue's moment: the cue sent ahead is taken back (it fades), the
    closing bell rings. ``session_ended`` waits for both words, the faded one at most
    ``FADE_WAIT``: every cue line comes before the end."""
    now, later = FakeNow(), Later()
    session, loop, cue, due = taken_back_at_its_moment(tmp_path, CueBook(now))
    session.later = later
    session.route(session.recorder.resume())
    events = session.route(session.recorder.end("key"))
    (bell,) = [e for e in events if isinstance(e, CueDue)]
    session.cue_sent(bell)
    session.cue_arrived(bell, played())
    loop.run()
    assert "session_ended" not in pending_types(session)
    assert [s for s, _ in later.due] == [running.FADE_WAIT]  # bounded
    session.cue_arrived(cue, faded(due + 0.002))
    loop.run()
    assert later.due == []  # ended by the word, not the deadline
    assert pending_types(session)[-3:] == ["cue", "cue", "session_ended"]
    assert cue_lines(session)[-2:] == [("session_end", "played"), ("interval", "faded")]


def test_the_end_gives_up_a_faded_word_at_its_deadline(tmp_path: Path) -> None:
    now, later = FakeNow(), Later()
    session, loop, _, _ = taken_back_at_its_moment(tmp_path, CueBook(now))
    session.later = later
    (bell,) = [e for e in session.route(session.recorder.end("key")) if isinstance(e, CueDue)]
    session.cue_sent(bell)
    session.cue_arrived(bell, played())
    loop.run()
    assert [s for s, _ in later.due] == [running.FADE_WAIT]
    assert "session_ended" not in pending_types(session)
    now.t += running.FADE_WAIT
    later.fire()
    loop.run()
    assert pending_types(session)[-2:] == ["cue", "session_ended"]
    assert cue_lines(session)[-1] == ("session_end", "played")


def test_a_cue_taken_back_then_sent_again_is_not_waited_for_once_it_has_played(
    tmp_path: Path,
) -> None:
    """The start cue sent ahead, taken back for a key, then played at once: the same cue
    went out twice. Its outcome counted as a late word on the taken-back one, so the cue
    was still "on its way" for the close, which waited its whole CUE_WAIT (1.5 s) before
    the last lines (the closing note 1.6 s after the End screen's Enter, in tmux)."""
    session, loop = start(tmp_path), Loop()
    session.hand_over = loop.hand_over
    clock = session.recorder.clock
    assert isinstance(clock, ManualClock)
    clock.advance(4.9)
    coming = session.engine.upcoming(0.25)
    assert coming is not None
    cue = coming[1]
    session.cue_sent(cue, due=time.monotonic() + 0.1)
    session.cue_withdrawn(cue)  # taken back in time: never heard
    session.cue_sent(cue)  # and sent again, to sound now
    session.cue_arrived(cue, played())
    loop.run()
    assert session._cues.out == 0  # nothing left on its way: the close need not wait
    assert session.writer.flush(5)
    lines = [e for e in read_journal(session.path).events if e["type"] == "cue"]
    assert [(e["kind"], e["outcome"]) for e in lines] == [(cue.kind.value, "played")]


def test_a_client_name_with_a_line_break_or_control_starts_a_session_on_one_line(
    tmp_path: Path,
) -> None:
    """`run --client $'Bob\\n...'` or a name pasted with a newline or an escape: the name is
    one line of text, each control a space (the journal held it as typed)."""
    settings = builtin_settings()
    session = running.begin(settings.presets[0], " Bob\n\x1b[2JX\u009b ", clock=ManualClock(),
                    settings=settings, lock=SessionLock(tmp_path / "lock"),
                    sessions_dir=tmp_path / "sessions", app_version="1")  # fmt: skip
    session.start()
    session.close()
    assert session.wait(5)
    first = json.loads(session.path.read_text().splitlines()[0])
    assert first["client"] == "Bob [2JX"
