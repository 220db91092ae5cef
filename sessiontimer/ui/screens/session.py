"""The session screen: a big calm clock, the phase, what comes next, and one-key notes.

It renders what the engine says at each refresh and maps keys to recorder calls; it keeps no
timing state of its own. One one-shot timer wakes it when the shown second changes or a cue
falls due, whichever is first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from sessiontimer.core.events import CueDue, EngineEvent, PhaseEnded, SessionEnded
from sessiontimer.core.model import OnEnd
from sessiontimer.ui.errors import guarded
from sessiontimer.ui.format import clock_text, session_stamp, short_minutes
from sessiontimer.ui.widgets.phase_clock import PhaseClock
from sessiontimer.ui.widgets.timeline import Timeline, TimelineState

if TYPE_CHECKING:
    from sessiontimer.core.recorder import SessionRecorder
    from sessiontimer.ui.app import SessionTimerApp

WAKE_MARGIN = 0.002  # Textual timers fire up to 0.5 ms early: wake just after the moment
REGION_KEYS = "1234567890"
VOLUME_STEP = 0.1
NBSP = "\u00a0"  # keeps a key and its tag together when the legend wraps


class SessionScreen(Screen[None]):
    """One running session."""

    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("space", "pause", "Pause", id="pause"),
        Binding("right", "next", "Next", id="next"),
        Binding("left", "previous", "Prev", id="previous"),
        Binding("plus,equals_sign", "extend", "+1m", id="extend", key_display="+"),
        Binding("minus", "shorten", "-1m", id="shorten", key_display="-"),
        Binding("n", "note", "Note", id="note"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("left_square_bracket", "volume(-1)", "Vol-", id="volume_down", key_display="["),
        Binding("right_square_bracket", "volume(1)", "Vol+", id="volume_up", key_display="]"),
        Binding("m", "mute", "Mute", id="mute"),
        Binding("d", "dim", "Dim", id="dim"),
        Binding("e", "end", "End", id="end"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
    ]

    class NoteSaved(Message):
        """A note's journal line is on disk (posted from the journal's writer thread)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, recorder: SessionRecorder, *, client: str | None = None) -> None:
        super().__init__()
        self.recorder = recorder
        self.client = client
        self.phase_log: list[PhaseEnded] = []
        self._wake: Timer | None = None
        self._flash: Timer | None = None
        self._shown: dict[str, str] = {}

    @property
    def st_app(self) -> SessionTimerApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> Any:
        with Vertical(id="session"):
            with Horizontal(id="top-line"):
                yield Static(id="phase-name")
                yield Static(id="state-badge")
            yield PhaseClock(id="clock")
            yield Static(id="clock-caption")
            yield Static(id="next-phase")
            yield Timeline(id="timeline")
            yield Static(id="totals")
            with Horizontal(id="lower"):
                yield Static(id="region")
                yield Static(id="notes")
            yield Static(id="note-keys")
            yield Static(id="status")
        yield Footer(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        """Below 80x24 the screen sheds its extras so the clock and notes stay legible."""
        self.set_class(event.size.width < 80 or event.size.height < 24, "-small")

    def on_mount(self) -> None:
        self._put("#note-keys", self._note_legend())
        self.refresh_view()
        self._schedule()

    def on_screen_resume(self) -> None:
        """Back from a dialog: if the session ended meanwhile, go on to the End screen."""
        if self.recorder.engine.ended:
            self.call_after_refresh(self.st_app.show_end, self)
        else:
            self.refresh_view()

    # --- the clock -------------------------------------------------------------------

    @guarded
    def tick(self) -> None:
        """Read the engine, route what time produced, repaint, and sleep until next time."""
        self._route(self.recorder.tick())
        self.refresh_view()
        self._schedule()

    def _schedule(self) -> None:
        """Wake when the shown second changes or the next event falls due, whichever first."""
        if self._wake is not None:
            self._wake.stop()
            self._wake = None
        engine = self.recorder.engine
        if not self.st_app.auto_tick or engine.ended or engine.paused:
            return
        now = self.st_app.clock.now()
        elapsed = engine.snapshot().phase_elapsed
        delay = 1.0 - (elapsed % 1.0)
        due = engine.next_due()
        if due is not None:
            delay = min(delay, due - now)
        self._wake = self.set_timer(max(0.0, delay) + WAKE_MARGIN, self.tick)

    def refresh_view(self) -> None:
        """Repaint every widget from one engine snapshot."""
        snap = self.recorder.engine.snapshot()
        phases = self.recorder.engine.preset.phases
        count = len(phases)
        self._put(
            "#phase-name", f"{escape(snap.phase.name)}  [dim]{snap.phase_index + 1} of {count}[/]"
        )
        clock = self.query_one("#clock", PhaseClock)
        if snap.phase.on_end is OnEnd.OPEN:
            clock.show(clock_text(snap.phase_elapsed, round_up=False))
            hint = f" (about {short_minutes(snap.target)})" if snap.target else ""
            self._put("#clock-caption", f"elapsed, open phase{hint}")
        elif snap.overtime > 0:
            clock.show("+" + clock_text(snap.overtime, round_up=False))
            self._put("#clock-caption", "overtime: move on when you are ready")
        else:
            clock.show(clock_text(snap.remaining or 0.0, round_up=True))
            self._put("#clock-caption", "left in this phase")
        self.set_class(snap.overtime > 0, "-overtime")
        self.set_class(snap.phase.on_end is OnEnd.OPEN, "-open")
        self.set_class(snap.paused, "-paused")
        self._put("#state-badge", "PAUSED" if snap.paused else "")
        nxt = snap.next_phase
        self._put(
            "#next-phase",
            f"Next: {nxt.name} · {short_minutes(nxt.target) if nxt.target else 'open'}"
            if nxt
            else "Last phase",
        )
        fraction = 1.0
        if snap.target:
            fraction = min(1.0, snap.phase_elapsed / snap.target)
        self.query_one("#timeline", Timeline).show(
            TimelineState(tuple(p.target for p in phases), snap.phase_index, fraction, snap.ended)
        )
        self._put("#totals", self._totals(snap.session_elapsed, snap.session_left))
        self._show_notes()

    def _totals(self, elapsed: float, left: float | None) -> str:
        client = f"{self.client} · " if self.client else ""
        if left is None:
            return f"{client}{short_minutes(elapsed)} in · open phase ahead"
        ends = self.st_app.clock.wall() + timedelta(seconds=left)
        return (
            f"{client}{short_minutes(elapsed)} in · {short_minutes(left)} left · ends {ends:%H:%M}"
        )

    def _show_notes(self) -> None:
        region = self.recorder.region
        self._put("#region", f"Hands: {region or '—'}")
        now = self.recorder.engine.session_time()
        lines = [
            escape(f"{session_stamp(open_.t)}  {open_.tag} … {session_stamp(now - open_.t)} so far")
            for open_ in self.recorder.open_toggles.values()
        ]
        keep = max(0, 4 - len(lines))
        for note in self.recorder.recent_notes[len(self.recorder.recent_notes) - keep :]:
            where = f" @ {note.region}" if note.region else ""
            lines.append(escape(f"{session_stamp(note.t)}  {note.label}{where}"))
        self._put("#notes", "\n".join(lines) or "[dim]no notes yet[/]")

    def _note_legend(self) -> str:
        keys = self.st_app.settings.note_keys
        return "   ".join(
            f"[b]{escape(k.key)}[/]{NBSP}{escape(k.tag).replace(' ', NBSP)}" for k in keys
        )

    # --- routing engine events ---------------------------------------------------------

    def _route(self, events_: list[EngineEvent]) -> None:
        for event in events_:
            if isinstance(event, CueDue) and not event.stale:
                self._cue(event)
            elif isinstance(event, PhaseEnded):
                self.phase_log.append(event)
            elif isinstance(event, SessionEnded):
                self.call_after_refresh(self.st_app.show_end, self)

    def _cue(self, event: CueDue) -> None:
        self._flash_phase()
        self.st_app.play_cue(event, self.recorder)

    def _flash_phase(self) -> None:
        """A short, calm flash of the phase area: the visual cue that goes with every sound."""
        self.add_class("-flash")
        if self._flash is not None:
            self._flash.stop()
        self._flash = self.set_timer(1.5, lambda: self.remove_class("-flash"))

    def _moved(self, events_: list[EngineEvent]) -> None:
        self._route(events_)
        self.refresh_view()
        self._schedule()

    # --- keys ---------------------------------------------------------------------------

    @guarded
    def action_pause(self) -> None:
        self._moved(self.recorder.toggle_pause())

    @guarded
    def action_next(self) -> None:
        engine = self.recorder.engine
        if engine.snapshot().next_phase is None:
            self.st_app.confirm("End the session now?", self._end_confirmed)
            return
        self._moved(self.recorder.next())

    @guarded
    def action_previous(self) -> None:
        self._moved(self.recorder.previous())

    @guarded
    def action_extend(self) -> None:
        self._moved(self.recorder.extend())

    @guarded
    def action_shorten(self) -> None:
        self._moved(self.recorder.shorten())

    @guarded
    def action_end(self) -> None:
        self.st_app.confirm("End the session now?", self._end_confirmed)

    def _end_confirmed(self, yes: bool | None) -> None:
        if yes:
            self._moved(self.recorder.end("key"))

    @guarded
    def action_quit_session(self) -> None:
        self.st_app.confirm(
            "Quit? The session is saved and offered for resume next time.", self._quit_confirmed
        )

    def _quit_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.recorder.suspend()
            self.st_app.close_session(self.recorder)
            self.app.exit()

    @guarded
    def action_note(self) -> None:
        from sessiontimer.ui.dialogs import TextNoteDialog

        regions = self.st_app.settings.regions
        self.app.push_screen(TextNoteDialog(regions), self._text_note)

    def _text_note(self, result: tuple[str, str | None] | None) -> None:
        if result:
            text, region = result
            self._note(text=text, region=region, label=text)

    @guarded
    def action_undo(self) -> None:
        retracted = self.recorder.undo()
        self._status("Last note undone." if retracted else "No note to undo.")
        self._show_notes()

    @guarded
    def action_volume(self, direction: int) -> None:
        level = self.st_app.change_volume(direction * VOLUME_STEP)
        self._status(f"Volume {round(level * 100)}%")

    @guarded
    def action_mute(self) -> None:
        muted = self.st_app.toggle_mute()
        self._status("Muted: visual cues only." if muted else "Sound on.")

    def action_dim(self) -> None:
        self.add_class("-dim")

    def action_help(self) -> None:
        self.st_app.show_help()

    # --- note and region keys (and dim mode) ---------------------------------------------

    @guarded
    def on_key(self, event: events.Key) -> None:
        char = event.character or ""
        note_key = next((k for k in self.st_app.settings.note_keys if k.key == char), None)
        handled = True
        if note_key is not None:
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
            self.recorder.toggle(tag, key, on_saved=self._saved_callback(label))
            self._status(f"{label}…", pending=True)
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
    ) -> None:
        self.recorder.note(
            tag=tag, text=text, key=key, region=region, on_saved=self._saved_callback(label)
        )
        self._status(f"{label}…", pending=True)
        self._show_notes()

    def _saved_callback(self, label: str) -> Any:
        return lambda: self.post_message(self.NoteSaved(label))

    def on_session_screen_note_saved(self, message: NoteSaved) -> None:
        self._status(f"Saved: {message.text}")
        self._show_notes()

    def _region(self, index: int) -> None:
        name = self.recorder.set_region(index)
        self._status(f"Hands at {name}")
        self._show_notes()

    def _put(self, selector: str, text: str) -> None:
        """Update a Static only when its text changes: an idle screen repaints nothing."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Static).update(text)

    def _status(self, text: str, *, pending: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(escape(text))
        status.set_class(pending, "-pending")
