"""What the session screen shows, drawn from one engine snapshot and the recorder's notes.

Pure rendering: no keys, no timers. The screen calls :meth:`SessionView.show` at each wake
and after each move; only widgets whose text changed are repainted (idle CPU).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from sessiontimer.core.model import NoteKey, OnEnd
from sessiontimer.core.readable import clock, countdown, minutes_in, minutes_left, span
from sessiontimer.ui.plain_text import plain, styled, visible_controls
from sessiontimer.ui.widgets.note_legend import NoteLegend
from sessiontimer.ui.widgets.phase_clock import PhaseClock
from sessiontimer.ui.widgets.timeline import Timeline, TimelineState

if TYPE_CHECKING:
    from sessiontimer.core.engine import Snapshot
    from sessiontimer.core.recorder import SessionRecorder

NOTES_SHOWN = 4
W = TypeVar("W", bound=Widget)
_UNSET = object()


class SessionView(Vertical):
    """Phase, big clock, what comes next, timeline, totals, hands, last notes, status line."""

    def __init__(self, note_keys: tuple[NoteKey, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.note_keys = note_keys
        self._shown: dict[str, str | Content] = {}
        self._widgets: dict[str, Widget] = {}
        self._keys: dict[str, object] = {}

    def compose(self) -> Any:
        with Horizontal(id="top-line"):
            yield Static(id="phase-name")
            yield Static(id="sound-mark")
            yield Static(id="state-badge")
        yield PhaseClock(id="clock")
        yield Static(id="clock-caption")
        # Its own container, so its own clip: Textual repaints every widget whose clip meets
        # a changed region, and the clock changes every second; these lines rarely do.
        with Vertical(id="details"):
            yield Static(id="next-phase")
            yield Timeline(id="timeline")
            yield Static(id="totals")
            with Horizontal(id="lower"):
                yield Static(id="region")
                yield Static(id="notes")
            yield NoteLegend(self.note_keys, id="note-keys")
            yield Static(id="status")

    def on_mount(self) -> None:
        """Look the widgets up once: the clock wakes every second for hours."""
        self._widgets = {f"#{w.id}": w for w in self.query("Static, PhaseClock, Timeline") if w.id}

    def show(self, snap: Snapshot, recorder: SessionRecorder, wall: datetime) -> None:
        """Repaint from one snapshot; ``wall`` is now, for the time the session will end.

        Each part is rebuilt only when what it depends on changed: at each wake that is
        usually the clock alone (idle CPU over hours).
        """
        phases = recorder.engine.preset.phases
        if self._changed("phase", (snap.phase_index, snap.paused, snap.next_phase, len(phases))):
            self._show_phase(snap, len(phases))
        self._show_clock(snap)
        fraction = min(1.0, snap.phase_elapsed / snap.target) if snap.target else 1.0
        self._widget("#timeline", Timeline).show(
            TimelineState(tuple(p.target for p in phases), snap.phase_index, fraction, snap.ended)
        )
        left = snap.session_left
        ends = None if left is None else int((wall.timestamp() + left) // 60)
        done = int(snap.session_elapsed // 60 + 1e-9), snap.session_elapsed > 0
        key = (recorder.client, done, ends, snap.phase_index)
        if self._changed("totals", key):
            self._put("#totals", _totals(recorder.client, snap, wall))
        self.show_notes(recorder)

    def _show_phase(self, snap: Snapshot, count: int) -> None:
        self._put(
            "#phase-name",
            styled("$name  [dim]$n of $count[/]", name=snap.phase.name, n=snap.phase_index + 1,
                   count=count, newlines=False),
        )  # fmt: skip
        self._put("#state-badge", "PAUSED" if snap.paused else "")
        nxt = snap.next_phase
        self._put(
            "#next-phase",
            plain(
                f"Next: {nxt.name} · {span(nxt.target) if nxt.target else 'open'}", newlines=False
            )
            if nxt
            else "Last phase",
        )  # fmt: skip

    def _show_clock(self, snap: Snapshot) -> None:
        big = self._widget("#clock", PhaseClock)
        if snap.phase.on_end is OnEnd.OPEN:
            big.show(clock(snap.phase_elapsed))
            hint = f" (about {span(snap.target)})" if snap.target else ""
            self._put("#clock-caption", f"elapsed, open phase{hint}")
        elif snap.overtime > 0:
            big.show("+" + clock(snap.overtime))
            self._put("#clock-caption", "overtime: move on when you are ready")
        else:
            big.show(countdown(snap.remaining))
            self._put("#clock-caption", "left in this phase")

    def show_sound(self, mark: str) -> None:
        """The quiet, permanent mark that cues will not be heard ("" while they will be)."""
        self._put("#sound-mark", plain(mark, newlines=False))

    def show_notes(self, recorder: SessionRecorder) -> None:
        """Where the hands are, running toggles with their length so far, the last notes."""
        notes, finished = recorder.recent_notes, recorder.finished_toggles
        last = notes[-1].id if notes else None
        key = (recorder.region, len(notes), last, len(finished))
        if not self._changed("notes", key) and not recorder.open_toggles:
            return  # nothing new, and no running still point to count up
        self._put("#region", plain(f"Hands: {recorder.region or '—'}", newlines=False))
        now = recorder.engine.session_time()
        lines = [
            f"{clock(o.t)}  {o.tag} … {clock(now - o.t)} so far"
            for o in recorder.open_toggles.values()
        ]
        keep = max(0, NOTES_SHOWN - len(lines))
        lines += noted(recorder)[-keep:] if keep else []
        shown = "\n".join(visible_controls(line, newlines=False) for line in lines)
        self._put("#notes", plain(shown) if shown else styled("[dim]no notes yet[/]"))

    def _changed(self, part: str, key: object) -> bool:
        """True (and remembered) when ``key`` differs from the last one seen for ``part``."""
        if self._keys.get(part, _UNSET) == key:
            return False
        self._keys[part] = key
        return True

    def status(self, text: str, *, pending: bool = False) -> None:
        """The one-line confirmation; ``pending`` until the journal line is on disk."""
        status = self.query_one("#status", Static)
        status.update(plain(text, newlines=False))
        status.set_class(pending, "-pending")

    def _put(self, selector: str, text: str | Content) -> None:
        """Update a Static only when its text changes: an idle screen repaints nothing.

        A ``str`` here is our own literal text (markup allowed); a person's text comes as
        Content from the plain-text helper.
        """
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self._widget(selector, Static).update(text)

    def _widget(self, selector: str, kind: type[W]) -> W:
        found = self._widgets.get(selector)
        return found if isinstance(found, kind) else self.query_one(selector, kind)


def noted(recorder: SessionRecorder) -> list[str]:
    """Notes, finished toggles (a still point with its length), pain scores and rhythm
    readings, in session-time order."""
    entries = [(n.t, n.label, n.region) for n in recorder.recent_notes]
    entries += [(f.t, f"{f.tag} {clock(f.duration)}", f.region) for f in recorder.finished_toggles]
    entries += [(f.t, f.label, f.region) for f in recorder.findings]
    entries.sort(key=lambda entry: entry[0])
    return [
        f"{clock(t)}  {label}" + (f" @ {region}" if region else "") for t, label, region in entries
    ]


CLIENT_SHOWN = 40  # characters of the client's name on the session screen


def _totals(client: str | None, snap: Snapshot, wall: datetime) -> Content:
    """Client, time in, time left and the wall-clock end (the next client is booked).

    A long name is shortened here (the journal keeps it whole): on twenty lines it pushed the
    notes and the "Saved" line off the screen."""
    if client and len(client) > CLIENT_SHOWN:
        client = client[: CLIENT_SHOWN - 1].rstrip() + "…"
    who = f"{client} · " if client else ""
    elapsed, left = snap.session_elapsed, snap.session_left
    done = minutes_in(elapsed)
    if left is None:
        now = "now" if snap.phase.on_end is OnEnd.OPEN else "ahead"
        return plain(f"{who}{done} in · open phase {now}", newlines=False)
    ends = wall + timedelta(seconds=left)
    return plain(f"{who}{done} in · {minutes_left(left)} left · ends {ends:%H:%M}", newlines=False)
