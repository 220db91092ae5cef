"""The session screen: a big calm clock, the phase, what comes next, and one-key notes.

It renders what the engine says at each refresh and maps keys to recorder calls; it keeps no
timing state of its own. One one-shot timer wakes it when the shown second changes or a cue
falls due, whichever is first.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from textual import events
from textual.css.query import NoMatches
from textual.message import Message
from textual.timer import Timer

from sessiontimer.core import readable, undo_words, volume
from sessiontimer.core.engine import MIN_LEFT
from sessiontimer.core.events import CueDue, EngineEvent, PhaseStarted, SessionEnded
from sessiontimer.core.finding_keys import FindingKeys
from sessiontimer.core.model import OnEnd
from sessiontimer.ui import key_bindings, navigation, service_glue, session_flow, sound_controls
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.errors import guarded
from sessiontimer.ui.widgets.key_bar import KeyBar
from sessiontimer.ui.widgets.session_view import SessionView

if TYPE_CHECKING:
    from sessiontimer.core.engine import Snapshot
    from sessiontimer.core.recorded import NoteMoment
    from sessiontimer.core.recorder import SessionRecorder
    from sessiontimer.core.running import RunningSession

# A bare loop timer never fires before its moment, so the cue wake needs next to no margin
# (a wake a hair early finds nothing and re-arms for the rest); Textual timers can fire up
# to 0.5 ms early, so theirs keeps 2 ms. The old 2 ms on the cue wake made every cue later.
WAKE_MARGIN = 0.0001
TIMER_MARGIN = 0.002
# A planned cue goes to the audio side this long before its moment (the sound then starts at
# its moment on the device's clock, whatever this loop's or the worker's wake-ups do).
AHEAD = 0.25
REGION_KEYS = "1234567890"
VOLUME_STEP = 0.1


class SessionScreen(AppScreen[None]):
    """One running session."""

    AUTO_FOCUS = ""
    flash_seconds = 1.5  # how long a cue's flash of the phase name lasts
    # Keys that open a dialog: the keys typed after them wait for it (ui/key_hold.py).
    HOLD_AFTER = frozenset({"n", "e", "right", "question_mark"})
    BINDINGS = key_bindings.SESSION

    # The key line shows what fits, in this order; `?` lists every key.
    KEY_PRIORITY = (
        "pause", "next", "previous", "note", "undo", "mute", "dim", "end", "help",
        "pain", "rhythm", "felt_at", "words", "redo",
        "extend", "shorten", "volume(-1)", "volume(1)", "quit_app", "toggle_theme",
    )  # fmt: skip

    class NoteSaved(Message):
        """A note's journal line is on disk (posted from the journal's writer thread)."""

        def __init__(self, text: str, said: int) -> None:
            super().__init__()
            self.text = text
            self.said = said  # the status line that waits for it (see ``_said``)

    def __init__(self, session: RunningSession) -> None:
        super().__init__()
        self.session = session
        self.findings = FindingKeys(session.recorder)
        self._said = 0  # status lines said so far: a note's "Saved" replaces only its own
        self._findings_timer: Timer | None = None
        self._asking_quit = False
        self._wake: asyncio.TimerHandle | None = None
        self._flash: Timer | None = None
        # The cue sent ahead of its moment: what it was sent as, the event, its ticket.
        self._ahead: tuple[tuple[Any, ...], CueDue, Any] | None = None
        self._first_ahead = False  # that cue is the start cue of a clock not yet started

    @property
    def recorder(self) -> SessionRecorder:
        return self.session.recorder

    def compose(self) -> Any:
        yield SessionView(self.st_app.settings.note_keys, id="session")
        yield KeyBar()

    @property
    def view(self) -> SessionView:
        return self.query_one(SessionView)

    def on_resize(self, event: events.Resize) -> None:
        """Below 30 rows the lines close up, below 80x24 the extras go: the clock keeps rows."""
        self.set_class(event.size.height < 30, "-short")
        self.set_class(event.size.width < 80 or event.size.height < 24, "-small")

    def on_mount(self) -> None:
        try:
            self.refresh_view()
        except NoMatches:  # gone again before its widgets were (a flood of keys)
            return
        self._schedule()
        if self.recorder.engine.phase_index == 0:  # new (its clock may wait for the sound)
            self._hint("v then 0-10: pain score, if the client wants to give one")

    def on_screen_resume(self) -> None:
        """Back from a dialog: if the session ended meanwhile, go on to the End screen."""
        if self.recorder.engine.ended:
            self.call_after_refresh(session_flow.show_end, self.st_app, self)
            return
        try:
            self.refresh_view()
        except NoMatches:  # resumed before its widgets were mounted (a signal at start-up)
            return

    # --- the clock -------------------------------------------------------------------

    @guarded
    def tick(self) -> None:
        """Read the engine, route what time produced, repaint, and sleep until next time."""
        self._route(self.session.tick())
        self._schedule(self.refresh_view())

    def key_label(self, action: str) -> str | None:
        """What the key line calls an action now: space resumes a paused session."""
        if action == "pause" and self.recorder.engine.paused:
            return "Resume"
        return None

    def _schedule(self, snap: Snapshot | None = None) -> None:
        """Wake when the shown second changes or the next event falls due, whichever first."""
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        engine = self.recorder.engine
        if not self.st_app.auto_tick or engine.ended or engine.paused:
            self._send_ahead()
            return
        now = self.st_app.clock.now()
        elapsed = (snap or engine.snapshot()).phase_elapsed
        delay = 1.0 - (elapsed % 1.0)
        due = engine.next_due()
        if due is not None:
            delay = min(delay, due - now)
            if due - now > AHEAD:  # wake to send the cue ahead of its moment
                delay = min(delay, due - now - AHEAD)
        self._send_ahead()
        # A bare loop timer, not a Textual Timer: that one starts a task per wake, and the
        # extra loop turns showed in idle CPU. The callback runs on the UI loop all the same.
        loop = asyncio.get_running_loop()
        self._wake = loop.call_later(max(0.0, delay) + WAKE_MARGIN, self._woken)

    def _send_ahead(self) -> None:
        """Keep the cue sent ahead in step with what the core says is due next: send the
        next one once it is within ``AHEAD``, take it back when a move, pause, mute, volume
        or the end changed it. Muted or silent cues go at their moment, as visual ones."""
        engine = self.recorder.engine
        app = self.st_app
        if self._first_ahead and not engine.started:  # its clock starts at its moment
            if app.muted or (self._ahead is not None and self._ahead[0][-1] != app.ui_state.volume):
                self.take_back_first()  # muted or a new level: it goes at its moment instead
            return
        coming = None
        if app.auto_tick and not engine.ended and not app.muted and app.ui_state.volume > 0:
            coming = engine.upcoming(AHEAD)
        key: tuple[Any, ...] | None = None
        if coming is not None:
            due, event = coming
            key = (due, event.kind, event.phase, event.t, event.cue, app.ui_state.volume)
        if self._ahead is not None and self._ahead[0] == key:
            return
        self._take_back()
        if coming is None or key is None:
            return
        due, event = coming
        at = time.monotonic() + (due - app.clock.now())  # the audio's clock
        ticket = service_glue.send_ahead(app, event, self.session, at)
        if ticket is not None:
            self._ahead = (key, event, ticket)

    def _take_back(self) -> None:
        self._first_ahead = False
        if self._ahead is not None:
            _, event, ticket = self._ahead
            self._ahead = None
            service_glue.take_back(self.st_app, event, self.session, ticket)

    def send_first_ahead(self, lead: float) -> float | None:
        """Send a new session's start cue ``lead`` s ahead of its moment, as planned cues go
        (its device then starts in time); that moment (a ``clock.now()`` reading), at which
        the session's clock is to start, or None if it did not go (it then goes at once)."""
        app = self.st_app
        engine = self.recorder.engine
        if not app.auto_tick or app.muted or app.ui_state.volume <= 0 or self._ahead:
            return None
        event = engine.opening()
        if event is None:
            return None
        planned = app.clock.now() + lead
        ticket = service_glue.send_ahead(app, event, self.session, time.monotonic() + lead)
        if ticket is None:
            return None
        key = (planned, event.kind, event.phase, event.t, event.cue, app.ui_state.volume)
        self._ahead = (key, event, ticket)
        self._first_ahead = True
        return planned

    def take_back_first(self, starting: bool = False) -> None:
        """The clock starts before the start cue's planned moment (a key: ``starting``; a
        mute, a new level): the cue sent ahead is taken back and goes at once; if it is
        already sounding it stays, and for a key also if it is about to (``imminent``: taken
        back, it would sound a moment, fade, then ring again)."""
        if not self._first_ahead or self._ahead is None:
            return
        _, event, ticket = self._ahead
        self._first_ahead = False
        if starting and not self.st_app.muted and getattr(ticket, "imminent", False):
            return  # it sounds at its moment, under 60 ms away; the clock starts now
        if service_glue.take_back(self.st_app, event, self.session, ticket):
            self._ahead = None

    def _sent_ahead(self, event: CueDue) -> bool:
        """Whether ``event`` (just due) is the cue already sent ahead: then not again."""
        if self._ahead is None:
            return False
        _, sent, _ = self._ahead
        same = (sent.kind, sent.phase, sent.t, sent.cue) == (
            event.kind, event.phase, event.t, event.cue,
        )  # fmt: skip
        if not same:
            return False
        self._ahead = None
        self._first_ahead = False
        return True

    def _woken(self) -> None:
        self._wake = None
        if self.is_attached:
            self.tick()

    def on_unmount(self) -> None:
        self._take_back()
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None

    def refresh_view(self) -> Snapshot:
        """Repaint from one engine snapshot; state shows as classes for the stylesheet."""
        snap = self.recorder.engine.snapshot()
        self.set_class(snap.overtime > 0, "-overtime")
        self.set_class(snap.phase.on_end is OnEnd.OPEN, "-open")
        if snap.paused != self.has_class("-paused"):
            self.set_class(snap.paused, "-paused")
            self.query_one(KeyBar).labels_changed()  # space now says Resume (or Pause)
        self.view.show(snap, self.recorder, self.st_app.clock.wall())
        self.view.show_sound(sound_controls.silence_mark(self.st_app))
        return snap

    # --- routing engine events ---------------------------------------------------------

    def _route(self, events_: list[EngineEvent]) -> None:
        fresh = [e for e in events_ if isinstance(e, CueDue) and not e.stale]
        for event in events_:
            if isinstance(event, CueDue) and not event.stale:
                self._cue(event)
            elif isinstance(event, CueDue) and fresh:  # due with a more important one
                service_glue.merge_cue(self.st_app, event, fresh[-1], self.session)
            elif isinstance(event, SessionEnded):
                self.findings.finish_rhythm()
                self.call_after_refresh(session_flow.show_end, self.st_app, self)
        self._pain_hint(events_)

    def _cue(self, event: CueDue) -> None:
        if self._sent_ahead(event):  # its sound starts by itself, at its moment
            sound_controls.served_cue(self.st_app, event)
        else:
            sound_controls.play_cue(
                self.st_app, event, self.session
            )  # the sound first: restyling takes a moment
        self._flash_phase()

    def _flash_phase(self) -> None:
        """A short, calm flash of the phase area: the visual cue that goes with every sound."""
        name = self.view.query_one("#phase-name")  # one widget restyled, not the screen
        name.add_class("-flash")
        if self._flash is not None:
            self._flash.stop()
        self._flash = self.set_timer(self.flash_seconds, lambda: name.remove_class("-flash"))

    def show_moved(self, events_: list[EngineEvent]) -> None:
        """Show what a move (already known to the session) did: cues, the end, the clock."""
        self._route(events_)
        self.refresh_view()
        self._schedule()

    def _move(self, events_: list[EngineEvent]) -> None:
        """A move made on the recorder: the session keeps its phase log, then it is shown."""
        self.show_moved(self.session.route(events_))

    # --- keys ---------------------------------------------------------------------------

    @guarded
    def action_pause(self) -> None:
        self._move(self.recorder.toggle_pause())

    @guarded
    def action_next(self) -> None:
        engine = self.recorder.engine
        if engine.snapshot().next_phase is None:
            self.st_app.confirm("End the session now?", self._end_confirmed)
            return
        self.st_app.key_hold.release(self)  # no question: the next keys are this screen's
        self._move(self.recorder.next())

    @guarded
    def action_previous(self) -> None:
        self._move(self.recorder.previous())

    @guarded
    def action_extend(self) -> None:
        self._move(self.recorder.extend())

    @guarded
    def action_shorten(self) -> None:
        """One minute less; with under a minute (and 10 s) to spare, say why not instead."""
        snap = self.recorder.engine.snapshot()
        left = snap.remaining
        if (
            snap.target is not None
            and left is not None
            and snap.overtime <= 0
            and left < 60 + MIN_LEFT
        ):
            self._status(
                f"Only {readable.span(left)} left: a phase is shortened a minute at a time. "
                "→ moves on now."
            )
            return
        self._move(self.recorder.shorten())

    @guarded
    def action_end(self) -> None:
        self.st_app.confirm("End the session now?", self._end_confirmed)

    def _end_confirmed(self, yes: bool | None) -> None:
        if yes and not self.session.final:  # (a signal may have stopped it meanwhile)
            self.findings.finish_rhythm()  # a series being tapped belongs to this session
            self._move(self.recorder.end("key"))

    @guarded
    def quit_requested(self) -> None:
        """ctrl+q during a session asks; yes suspends it (offered for resume) and quits."""
        if self._asking_quit:
            return
        self._asking_quit = True
        question = "Quit? The session is saved and offered for resume next time."
        if self.session.waiting_text() is not None:  # a disk that refuses: not saved, not yet
            n = self.session.pending
            question = f"Quit? {n} journal line(s) have not reached the disk: the next question"
            question += " offers another place for them."
        self.st_app.confirm(question, self._quit_confirmed)

    def _quit_confirmed(self, yes: bool | None) -> None:
        self._asking_quit = False
        if yes:
            self.st_app.leave("quit")

    @guarded
    def action_note(self) -> None:
        from sessiontimer.ui.dialogs.session import TextNoteDialog

        regions = self.st_app.settings.regions
        begun = self.recorder.begin_note()  # filed at this moment, however long the typing
        self.app.push_screen(TextNoteDialog(regions), lambda r: self._text_note(r, begun))

    def _text_note(
        self, result: tuple[str, str | None] | None, begun: NoteMoment | None = None
    ) -> None:
        if result and not self.session.final:  # a signal came between Enter and this
            text, region = result
            self._note(text=text, region=region, label=text, begun=begun)

    @guarded
    def action_undo(self) -> None:
        """Undo the last note; a typed one (words that cannot be typed again) asks first."""
        notes = self.recorder.recent_notes
        if not notes:
            older = self.recorder.notes_not_held
            self._status(
                f"No more notes to undo here: its journal keeps "
                f"{readable.count(older, 'earlier note')} of this session."
                if older
                else "No note to undo."
            )
            return
        last = notes[-1]
        if last.text and not last.tag:
            question = f"Remove the typed note {undo_words.described(last)}?"
            self.st_app.confirm(question, self._undo_confirmed)
            return
        self._undo()

    def _undo_confirmed(self, yes: bool | None) -> None:
        if yes:
            self._undo()
        else:
            self._status("The note stays.")

    def _undo(self) -> None:
        note = self.recorder.undo_note()
        if note is not None:
            self._status(undo_words.removed(note, self._key_for("redo", "U")))
        self.view.show_notes(self.recorder)

    @guarded
    def action_redo(self) -> None:
        """Bring back the note undone last, once."""
        note = self.recorder.redo()
        self._status(undo_words.restored(note))
        self.view.show_notes(self.recorder)

    def _key_for(self, binding_id: str, default: str) -> str:
        """The key the practitioner has for ``binding_id`` (the keymap may remap it)."""
        keys = self.st_app.settings.keys
        mapped = dict(keys).get(binding_id) if keys else None
        return str(mapped).split(",")[0] if mapped else default

    @guarded
    def action_volume(self, direction: int) -> None:
        level = sound_controls.change_volume(self.st_app, direction * VOLUME_STEP)
        self._status(volume.describe(level))
        self.view.show_sound(sound_controls.silence_mark(self.st_app))
        self._send_ahead()  # a cue sent ahead goes again at the new level

    @guarded
    def action_mute(self) -> None:
        muted = sound_controls.toggle_mute(self.st_app)
        self._status("Muted for this session: cues flash on screen." if muted else "Sound on.")
        self.view.show_sound(sound_controls.silence_mark(self.st_app))
        self._send_ahead()  # muted: the cue sent ahead is taken back (it will flash)

    def action_dim(self) -> None:
        self.add_class("-dim")

    def action_help(self) -> None:
        navigation.help_screen(self.app)

    # --- note and region keys (and dim mode) ---------------------------------------------

    @guarded
    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:  # typed before a dialog came over it: not a note key
            return  # (AppScreen.on_key stops it)
        char = event.character or ""
        note_key = next((k for k in self.st_app.settings.note_keys if k.key == char), None)
        handled = True
        if self._finding_key(event.key, char):
            pass
        elif note_key is not None:
            self._quick_note(note_key.key, note_key.tag, note_key.toggle)
        elif char and char in REGION_KEYS:
            self._region(REGION_KEYS.index(char) + 1)
        elif self.has_class("-dim"):
            self.remove_class("-dim")  # any other key only wakes the screen
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()

    def _quick_note(self, key: str, tag: str, toggle: bool) -> None:
        if toggle:
            ending = tag in self.recorder.open_toggles
            label = f"{tag} ended" if ending else f"{tag} started (press {key} again to end)"
            felt = None if ending else self.findings.take_felt_at()
            if felt:
                label += f", felt at {felt}"
            said = self._status(f"{label}…", pending=True)
            self.recorder.toggle(tag, key, on_saved=self._saved_callback(label, said), felt_at=felt)
        else:
            self._note(tag=tag, key=key, label=tag)

    def _note(
        self,
        *,
        label: str,
        tag: str | None = None,
        text: str | None = None,
        key: str | None = None,
        region: str | None = None,
        words: bool = False,
        begun: NoteMoment | None = None,
    ) -> None:
        felt = self.findings.take_felt_at()
        if felt:
            label += f", felt at {felt}"
        said = self._status(f"{label}…", pending=True)
        self.recorder.note(tag=tag, text=text, key=key, region=region, felt_at=felt,
                           words=words, begun=begun,
                           on_saved=self._saved_callback(label, said))  # fmt: skip
        self.view.show_notes(self.recorder)

    def _saved_callback(self, label: str, said: int) -> Any:
        return lambda: self.post_message(self.NoteSaved(label, said))

    def on_session_screen_note_saved(self, message: NoteSaved) -> None:
        """The line "label…" becomes "Saved: label" if nothing was said since: on a slow
        disk a late "Saved" would take the place of a newer answer (an undo's, a mute's)."""
        if message.said == self._said:
            self._status(f"Saved: {message.text}")
        self.view.show_notes(self.recorder)

    def _region(self, index: int) -> None:
        name = self.recorder.set_region(index)
        self._status(f"Hands at {name}")
        self.view.show_notes(self.recorder)

    def _hint(self, text: str) -> None:
        """A quiet hint on the status line: a note's "Saved" may still take its place (a note
        typed ahead waits for the first phase's hint, which comes after it)."""
        self.view.status(text)

    def _status(self, text: str, *, pending: bool = False) -> int:
        """Say ``text`` on the status line; its number, counted from the session's start."""
        self._said += 1
        self.view.status(text, pending=pending)
        return self._said

    # --- pain, rhythm, felt at, the client's words (the treatment note) ------------------

    def _finding_key(self, key: str, char: str) -> bool:
        """Keys taken by an open pain entry or a pending felt-at; True when consumed.

        ``v`` and ``,`` (as remapped) are acted on here, not through the binding: typed in a
        burst ("v1"), the digit after them came to this handler before the binding's action
        ran, and went to the regions.
        """
        now = self.st_app.clock.now()
        bound = self.active_bindings.get(key)
        action = bound.binding.action if bound is not None else ""
        if action in ("pain", "felt_at") and self.findings.pain is None:
            if action == "pain":
                self.action_pain()
            else:
                self.action_felt_at()
            return True
        if self.findings.pain is not None and (char.isdigit() or key in ("enter", "escape")):
            shown = self.findings.pain_key(key if key in ("enter", "escape") else char, now)
            if shown:
                self._status(shown)
            self._arm_findings()
            return True
        if self.findings.felt_pending and char and char in REGION_KEYS:
            self._status(self.findings.felt_digit(REGION_KEYS.index(char) + 1))
            return True
        if char and not self.findings.felt_pending:
            quality = self.findings.quality_key(char)  # a rhythm series open: 1-9 qualities
            if quality is not None:
                self._status(quality)
                return True
        if self.findings.felt_pending and key == "escape":
            self.findings.felt_pending = False
            self._status("Felt-at cancelled.")
            return True
        return False

    @guarded
    def action_pain(self) -> None:
        self._status(self.findings.start_pain(self.st_app.clock.now()))
        self._arm_findings()

    @guarded
    def action_rhythm(self) -> None:
        self._status(self.findings.tap(self.st_app.clock.now()))
        self._arm_findings()

    @guarded
    def action_felt_at(self) -> None:
        self._status(self.findings.start_felt_at())

    @guarded
    def action_words(self) -> None:
        from sessiontimer.ui.dialogs.session import TextNoteDialog

        regions = self.st_app.settings.regions
        begun = self.recorder.begin_note()
        dialog = TextNoteDialog(regions, words=True)
        self.app.push_screen(dialog, lambda r: self._words_note(r, begun))

    def _words_note(
        self, result: tuple[str, str | None] | None, begun: NoteMoment | None = None
    ) -> None:
        if result and not self.session.final:  # a signal came between Enter and this
            text, region = result
            label = f"“{text}”"
            self._note(text=text, region=region, key="'", words=True, label=label, begun=begun)

    def _arm_findings(self) -> None:
        """One timer for the next moment a pain "1" settles or a rhythm series ends."""
        if self._findings_timer is not None:
            self._findings_timer.stop()
            self._findings_timer = None
        due = self.findings.deadline()
        if due is not None:
            delay = max(0.0, due - self.st_app.clock.now()) + TIMER_MARGIN
            self._findings_timer = self.set_timer(delay, self.findings_due)

    @guarded
    def findings_due(self) -> None:
        """The timer (or a test) says time passed: settle what fell due."""
        self._findings_timer = None
        if self.session.final:
            return
        for shown in self.findings.due(self.st_app.clock.now()):
            self._status(shown)
        self._arm_findings()

    def _pain_hint(self, events_: list[EngineEvent]) -> None:
        """A quiet hint in the first and the last phase; nothing is ever asked."""
        last = len(self.recorder.engine.preset.phases) - 1
        for event in events_:
            if isinstance(event, PhaseStarted) and event.phase in (0, last):
                self._hint("v then 0-10: pain score, if the client wants to give one")
