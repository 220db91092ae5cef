"""End: what happened, and a closing note on how the client responded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Input, Static

from sessiontimer.ui.format import short_minutes
from sessiontimer.ui.widgets.key_bar import KeyBar
from sessiontimer.ui.widgets.session_view import noted

if TYPE_CHECKING:
    from sessiontimer.core.recorder import SessionRecorder
    from sessiontimer.ui.app import SessionTimerApp
    from sessiontimer.ui.screens.session import SessionScreen


class EndScreen(Screen[None]):
    """Shown when a session ends; Enter saves the closing note and returns to Start."""

    BINDINGS = [Binding("escape", "done", "Done without note", id="end_skip")]

    def __init__(self, session: SessionScreen) -> None:
        super().__init__()
        self.recorder: SessionRecorder = session.recorder
        self.phase_log = session.phase_log

    def compose(self) -> Any:
        engine = self.recorder.engine
        phases = engine.preset.phases
        rows = [
            f"  {phases[e.phase].name:<24} {short_minutes(e.length):>10}" for e in self.phase_log
        ]
        notes = [f"  {escape(line)}" for line in noted(self.recorder)]
        with Vertical(id="end"):
            yield Static(
                f"[b]Session complete[/] · {engine.preset.name} · "
                f"{short_minutes(engine.session_time())}",
                id="end-title",
            )
            with VerticalScroll(id="end-summary"):
                yield Static("[b]Phases[/]\n" + "\n".join(rows))
                yield Static("[b]Notes[/]\n" + ("\n".join(notes) or "  none"))
            yield Input(
                placeholder="closing note: how the client responded (enter saves)",
                id="closing-note",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#closing-note", Input).focus()

    @on(Input.Submitted, "#closing-note")
    def save(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.recorder.closing_note(text)
        self.action_done()

    def action_done(self) -> None:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        app.close_session(self.recorder)
        app.notify("Session saved.", timeout=3)
        app.back_to_start()
