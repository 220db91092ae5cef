"""Start: pick a preset, type an optional client, Enter starts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sessiontimer.core.model import Preset
from sessiontimer.core.readable import span
from sessiontimer.ui import key_bindings, navigation, service_glue, session_flow
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.plain_text import styled, visible_controls
from sessiontimer.ui.widgets.key_bar import KeyBar
from sessiontimer.ui.widgets.waiting import WaitingLine

if TYPE_CHECKING:
    pass


def preset_summary(preset: Preset) -> Content:
    """Name, total length and the phases at a glance."""
    total = span(preset.planned_seconds) + (" + open" if preset.has_open_phase else "")
    phases = " · ".join(f"{p.name} {span(p.target) if p.target else 'open'}" for p in preset.phases)
    return styled(
        "[b]$name[/] · $total\n[dim]$phases[/]", name=visible_controls(preset.name, newlines=False),
        total=total, phases=visible_controls(phases, newlines=False),
    )  # fmt: skip


PREPARE_AFTER = 1.0  # seconds after the Start screen shows that review is made ready


class PresetList(OptionList):
    """The preset list; the highlighted preset stays in view when the list changes size.

    Opening the last-visit panel narrows the list, its options wrap onto more lines, and
    the highlighted one could scroll out of sight while Enter would still start it.
    """

    def on_resize(self) -> None:
        self.call_after_refresh(self.scroll_to_highlight)


@dataclass
class ClientsKnown(Message):
    """Past clients' names, read off the UI loop (for completion of the client field).

    Posted by the worker: a message to a screen that has gone is dropped, where a call from
    the thread would run on it; and the worker does not wait for the UI."""

    clients: list[str]


@dataclass
class VisitRead(Message):
    """A client's last visit, read off the UI loop."""

    client: str
    visit: Any


class StartScreen(AppScreen[None]):
    """The first screen; also where an interrupted session is offered for resume."""

    clients: list[str] = []
    last_visit_hidden = False
    _shown_settings: object = None
    _sessions_seen = 0

    HOLD_AFTER = frozenset({"enter"})  # keys typed after it go to the session (key_hold)
    BINDINGS = key_bindings.START
    KEY_PRIORITY = ("start", "sessions", "presets", "help", "test_chime", "toggle_last_visit")

    def compose(self) -> Any:
        with Vertical(id="start"):
            yield Static("sessiontimer", id="title")
            with Horizontal(id="start-form"):
                with Vertical(id="start-left"):
                    yield PresetList(id="presets")
                    yield Input(placeholder="client name or initials (optional)", id="client")
                yield Static(id="last-visit")
            yield Static(
                "[b]↑↓[/] preset   [b]tab[/] client   [b]enter[/] start   "
                "[b]ctrl+l[/] past sessions   [b]ctrl+e[/] presets   [b]ctrl+t[/] test chime   "
                "[b]ctrl+o[/] hide last visit   [b]f1[/] help",
                id="start-hint",
            )
            yield Static(id="start-messages")
            yield WaitingLine(lambda: session_flow.waiting_text(self.st_app), always=False)
        yield KeyBar()

    def on_resize(self, event: events.Resize) -> None:
        """Below 80x24 the hint line goes (the footer has the keys) so the list keeps room."""
        self.set_class(event.size.width < 80 or event.size.height < 24, "-small")

    def on_mount(self) -> None:
        self._show_settings()
        self.query_one("#presets", OptionList).focus()
        self.query_one("#last-visit", Static).display = False

    def _prepare_review(self) -> None:
        """A moment after the screen is shown or shown again (if it still is): the Sessions
        screen made ready, so that ctrl+l does not wait for its code, styles and widgets (a
        session just ended is in the rows it is filled with)."""
        if self.is_current:
            navigation.prepare_sessions(self.app)

    def on_screen_resume(self) -> None:
        """Back from a session, the preset editor or review: presets or clients may differ."""
        self.set_timer(PREPARE_AFTER, self._prepare_review)  # and as the app starts
        self.query_one(WaitingLine).check()  # a session just closed may wait for the disk
        if self._shown_settings is not self.st_app.settings:
            self._show_settings()
        if self._sessions_seen != self.st_app.sessions_closed:
            self._sessions_seen = self.st_app.sessions_closed
            # A session ended: the next client may be standing there. Nothing of the last
            # one stays on screen, and the keys start from the preset list again.
            self.query_one("#client", Input).value = ""
            self.query_one("#last-visit", Static).display = False
            self.query_one("#presets", OptionList).focus()
        self.run_worker(self._load_clients, thread=True, exit_on_error=False, group="clients")
        # an interrupted session found while Start was hidden is offered now
        self.st_app.resume_offers.start_shown()

    def _show_settings(self) -> None:
        """The preset list and any config problems, from the app's current settings."""
        app = self.st_app
        self._shown_settings = app.settings
        options = self.query_one("#presets", OptionList)
        options.clear_options()
        options.add_options([Option(preset_summary(p), id=p.name) for p in app.settings.presets])
        names = [p.name for p in app.settings.presets]
        wanted = app.ui_state.last_preset or app.settings.default_preset
        if wanted in names:
            options.highlighted = names.index(wanted)
        elif names:
            options.highlighted = 0
        messages = "\n".join(str(e) for e in app.config_errors)
        self.query_one("#start-messages", Static).update(
            styled(
                "[b]Your config file has problems; using the built-in presets:[/]\n$m", m=messages
            )
            if messages
            else ""
        )

    def _load_clients(self) -> None:
        """Past clients for completion; read off the UI loop (the index makes it quick)."""
        app = self.st_app
        from sessiontimer.review import known_clients

        self.post_message(ClientsKnown(known_clients(app.paths.sessions_dir, app.paths.state_dir)))

    def on_clients_known(self, message: ClientsKnown) -> None:
        self.clients = message.clients
        self.query_one("#client", Input).suggester = SuggestFromList(
            message.clients, case_sensitive=False
        )

    def free_for_offer(self) -> bool | None:
        """No client name is being typed: a resume dialog now would not take its keys.

        None while the screen is still being built (the search can finish first).
        """
        try:
            field = self.query_one("#client", Input)
        except NoMatches:
            return None
        return not field.value and not field.has_focus

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """The client field left (empty): an offer that waited for it is made now."""
        self.st_app.resume_offers.start_shown()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Focus arriving elsewhere: the same moment as the blur, seen from the other side."""
        self.st_app.resume_offers.start_shown()

    @on(Input.Changed, "#client")
    def _client_typed(self, event: Input.Changed) -> None:
        self._refresh_visit(event.value.strip())

    def _refresh_visit(self, typed: str) -> None:
        """Show a client's last visit only once the name is a known client's, never before."""
        name = typed.casefold()
        panel = self.query_one("#last-visit", Static)
        if not any(c.casefold() == name for c in self.clients):
            panel.display = False
            return
        app = self.st_app
        paths = app.paths

        def load() -> None:
            from sessiontimer.review import last_visit

            self.post_message(
                VisitRead(typed, last_visit(paths.sessions_dir, paths.state_dir, typed))
            )

        self.run_worker(load, thread=True, exit_on_error=False, group="visit", exclusive=True)

    def on_visit_read(self, message: VisitRead) -> None:
        self._show_visit(message.client, message.visit)

    def _show_visit(self, client: str, visit: Any) -> None:
        panel = self.query_one("#last-visit", Static)
        if visit is None or self.query_one("#client", Input).value.strip() != client:
            return
        one = functools.partial(visible_controls, newlines=False)
        notes = "\n".join(f"  {one(n)}" for n in visit.notes[:12]) or "  no notes"
        text = styled(
            "[b]Last visit[/] $date\n$preset · $length\n[b]Notes[/]\n$notes",
            date=visit.date, preset=one(visit.preset), length=span(visit.duration),
            notes=notes,
        )  # fmt: skip
        if visit.closing:
            text += styled("\n[b]Response[/]\n  $closing", closing=one(visit.closing))
        if visit.plan:
            text += styled("\n[b]Plan for this visit[/]\n  $plan", plan=one(visit.plan))
        panel.update(text)
        panel.display = not self.last_visit_hidden

    def action_toggle_last_visit(self) -> None:
        """The next client may be standing there: the panel hides with one key."""
        self.last_visit_hidden = not self.last_visit_hidden
        panel = self.query_one("#last-visit", Static)
        if self.last_visit_hidden:
            panel.display = False
        else:
            self._refresh_visit(self.query_one("#client", Input).value.strip())

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        app = self.st_app
        options = self.query_one("#presets", OptionList)
        if options.highlighted is None:
            return
        preset = app.settings.presets[options.highlighted]
        field = self.query_one("#client", Input)
        # Enter is a priority binding, so it can overtake keys still queued for the field
        # (a name typed fast, then Enter): read the name once the field has taken them all.
        field.call_later(lambda: session_flow.start(app, preset, field.value.strip() or None))

    def action_sessions(self) -> None:
        navigation.sessions(self.app)

    def action_presets(self) -> None:
        navigation.presets(self.app)

    def action_test_chime(self) -> None:
        app = self.st_app
        service_glue.test_chime(app)

    def action_help(self) -> None:
        app = self.st_app
        navigation.help_screen(app)
