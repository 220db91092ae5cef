"""What the app tells the practitioner, one notice at a time (sound notices first).

Backend changes are debounced: a cascade of fallbacks (simpleaudio, then aplay, then the
visual bell) is told once, as where it ended, unless the start-up notice has just said so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sessiontimer.core import volume
from sessiontimer.core.notices import SOUND, URGENT, Notice, NoticeQueue
from sessiontimer.core.readable import count
from sessiontimer.ui.service_glue import change_reason
from sessiontimer.ui.sound_mark import backend_words

if TYPE_CHECKING:
    from sessiontimer.audio.base import BackendChange, CueOutcome
    from sessiontimer.ui.app import SessionTimerApp
    from sessiontimer.ui.service_glue import ServiceNotice


class AppNotices:
    """The app's notice queue and its timers; the app's clock and delays are read at use."""

    def __init__(self, app: SessionTimerApp) -> None:
        self.app = app
        self._queue: NoticeQueue | None = None  # made at mount: its hold counts from there
        self._timer: Any = None
        self._backend_note: Any = None
        self._backend_told = ""  # the backend the last notice named (told once)

    def mounted(self) -> None:
        self._queue = NoticeQueue(self.app.notice_clock(), self.app.notice_hold)

    def config_problems(self, problems: int) -> None:
        self.tell(
            Notice(
                f"The config has {count(problems, 'problem')}: they are listed on the Start "
                "screen and by `sessiontimer config check`.",
                "warning",
                8,
            )
        )

    def tell(self, notice: Notice) -> None:
        """Show ``notice`` when the one before has had its time (sound notices first)."""
        if self._queue is None:  # before mount: nothing is shown yet anyway
            self.mounted()
        assert self._queue is not None
        self._queue.add(notice)
        self.show_due()

    def show_due(self) -> None:
        """Show the notice whose turn it is, and wake again for the next one."""
        queue, app = self._queue, self.app
        if queue is None:
            return
        shown = queue.take(app.notice_clock())
        if shown is not None:
            app.notify(shown.text, severity=shown.severity, timeout=shown.timeout)  # type: ignore[arg-type]
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        wake = queue.wake_at()
        if wake is not None:
            delay = max(0.05, wake - app.notice_clock())
            self._timer = app.set_timer(delay, self.show_due)

    def from_service(self, message: ServiceNotice) -> None:
        if message.backend:
            self._backend_told = message.backend
        timeout = 8 if message.severity == "warning" else 6
        if message.kind == URGENT:
            self.app.notify(message.text, severity=message.severity, timeout=timeout)  # type: ignore[arg-type]
            return
        self.tell(Notice(message.text, message.severity, timeout, message.kind))

    def test_chime_played(self, outcome: CueOutcome) -> None:
        app = self.app
        level = "muted" if app.muted else volume.describe(app.ui_state.volume)
        app.notify(f"Test chime ({level}) through {outcome.backend}.", timeout=3)
        if outcome.outcome == "failed" and outcome.message:
            app.notify(f"A cue could not play: {outcome.message}", severity="warning")

    def backend_changed(self, change: BackendChange, journaled: bool = False) -> None:
        """Journal every change (unless the audio thread's hand-over did, in order with the
        cue lines); tell the practitioner once, calmly, where cues now go."""
        app = self.app
        if app.session is not None and not journaled:
            reason = change_reason(change)
            app.session.audio_backend_changed(change.current, change.previous, reason)
        if change.previous == change.current:
            return
        if self._backend_note is not None:
            self._backend_note.stop()
        self._backend_note = app.set_timer(
            app.backend_notice_delay, lambda: self._tell_backend(change.current)
        )

    def _tell_backend(self, current: str) -> None:
        """Say what the change means for the bells, unless the start-up notice has just said so."""
        if current != self._backend_told:
            self._backend_told = current
            text, severity = backend_words(current)
            self.tell(Notice(text, severity, 6 if severity == "warning" else 5, SOUND))
