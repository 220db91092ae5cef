"""Start: pick a preset, type an optional client, Enter starts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from sessiontimer.core.model import Preset
from sessiontimer.ui.format import short_minutes

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp


def preset_summary(preset: Preset) -> str:
    """Name, total length and the phases at a glance."""
    total = short_minutes(preset.planned_seconds) + (" + open" if preset.has_open_phase else "")
    phases = " · ".join(
        f"{p.name} {short_minutes(p.target) if p.target else 'open'}" for p in preset.phases
    )
    return f"[b]{preset.name}[/]  {total}\n[dim]{phases}[/]"


class StartScreen(Screen[None]):
    """The first screen; also where an interrupted session is offered for resume."""

    BINDINGS = [
        Binding("enter", "start", "Start", id="start", priority=True),
        Binding("ctrl+t", "test_chime", "Test chime", id="test_chime"),
        Binding("f1", "help", "Help", id="start_help"),
    ]

    def compose(self) -> Any:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        with Vertical(id="start"):
            yield Static("sessiontimer", id="title")
            with Horizontal(id="start-form"):
                yield OptionList(
                    *(Option(preset_summary(p), id=p.name) for p in app.settings.presets),
                    id="presets",
                )
            yield Input(placeholder="client name or initials (optional)", id="client")
            yield Static(
                "[b]↑↓[/] preset   [b]tab[/] client   [b]enter[/] start   "
                "[b]ctrl+t[/] test chime   [b]f1[/] help",
                id="start-hint",
            )
            yield Static(id="start-messages")
        yield Footer()

    def on_mount(self) -> None:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        options = self.query_one("#presets", OptionList)
        names = [p.name for p in app.settings.presets]
        wanted = app.ui_state.last_preset or app.settings.default_preset
        if wanted in names:
            options.highlighted = names.index(wanted)
        elif names:
            options.highlighted = 0
        options.focus()
        messages = [str(e) for e in app.config_errors]
        if messages:
            messages.insert(0, "[b]Your config file has problems; using the built-in presets:[/]")
        self.query_one("#start-messages", Static).update("\n".join(messages))

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        options = self.query_one("#presets", OptionList)
        if options.highlighted is None:
            return
        preset = app.settings.presets[options.highlighted]
        client = self.query_one("#client", Input).value.strip() or None
        app.start_session(preset, client)

    def action_test_chime(self) -> None:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        app.test_chime()

    def action_help(self) -> None:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        app.show_help()
