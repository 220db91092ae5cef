"""Every key, what it does, and where the config and logs live."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp


class HelpScreen(ModalScreen[None]):
    """Opened with ?; any of escape, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help_close")]

    def compose(self) -> Any:
        app: SessionTimerApp = self.app  # type: ignore[assignment]
        from sessiontimer.ui.screens.session import SessionScreen

        rows = []
        for binding in SessionScreen.BINDINGS:
            assert isinstance(binding, Binding)
            keys = binding.key_display or binding.key
            rows.append(f"  [b]{keys:<12}[/] {binding.description}")
        rows.append("  [b]ctrl+q      [/] Quit (asks; the session is kept for resume)")
        rows.append(
            "  [b]1-9, 0      [/] hands at region: "
            + ", ".join(f"{(i + 1) % 10} {name}" for i, name in enumerate(app.settings.regions))
        )
        toggle = " (press again to end; records how long)"
        notes = "\n".join(
            f"  [b]{k.key:<12}[/] {k.tag}{toggle if k.toggle else ''}"
            for k in app.settings.note_keys
        )
        where = (
            f"  config file   {app.paths.config_file}\n"
            f"  session logs  {app.paths.sessions_dir}\n"
            f"  error log     {app.paths.error_log}"
        )
        with VerticalScroll(classes="dialog help"):
            yield Static("[b]Session keys[/]\n" + "\n".join(rows))
            yield Static("[b]Quick notes[/] (one key each)\n" + notes)
            yield Static("[b]Where things live[/]\n" + where)
            yield Static("[dim]escape closes this help[/]")

    def action_close(self) -> None:
        self.dismiss(None)
