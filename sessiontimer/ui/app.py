"""The Textual app: wiring only. Screens render; the core decides; services do the slow work."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual import events
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal

from sessiontimer import gc_hold
from sessiontimer.core.clock import Clock, SystemClock
from sessiontimer.core.config import ConfigError
from sessiontimer.core.lock import SessionLock
from sessiontimer.core.model import Settings
from sessiontimer.core.notices import Notice
from sessiontimer.core.running import RunningSession
from sessiontimer.core.state import UiState, load_state, save_state
from sessiontimer.paths import AppPaths
from sessiontimer.ui import drivers, leaving, service_glue, session_flow, theme
from sessiontimer.ui.app_notices import AppNotices
from sessiontimer.ui.drivers.escape_keys import split_alt
from sessiontimer.ui.key_hold import KeyHold
from sessiontimer.ui.plain_text import visible_controls
from sessiontimer.ui.resume_offers import ResumeOffers
from sessiontimer.ui.textual_compat import UnhandledErrorApp


class SessionTimerApp(UnhandledErrorApp[None]):
    """The app. Tests build it through :func:`make_app` with a manual clock."""

    CSS_PATH = "app.tcss"
    TITLE = "sessiontimer"
    ENABLE_COMMAND_PALETTE = False  # it offers quit and screenshots of client notes
    backend_notice_delay = 1.0  # a cascade of fallbacks is told once, as where it ended
    notice_hold = 2.5  # seconds after start when only the sound notice may be shown
    BINDINGS = [
        Binding("ctrl+q", "quit_app", "Quit", id="quit", priority=True),
        Binding("f2", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+c", "noop", show=False, system=True),
    ]

    def __init__(
        self,
        settings: Settings,
        paths: AppPaths,
        *,
        clock: Clock | None = None,
        config_errors: list[ConfigError] | None = None,
        preset: str | None = None,
        client: str | None = None,
        auto_tick: bool = True,
        audio: Any = None,
        keep_awake: bool = True,
    ) -> None:
        super().__init__()
        self.keep_awake = keep_awake
        self.settings = settings
        self.paths = paths
        self.clock: Clock = clock or SystemClock()
        self.config_errors = config_errors or []
        self.auto_tick = auto_tick
        self.reraise_errors = False
        self.ui_state: UiState = load_state(paths.state_file)
        self.muted = False  # mute lasts for the session it was pressed in, never saved
        self.audio = audio
        self._direct = (preset, client)
        self.notices = AppNotices(self)
        self.resume_offers = ResumeOffers(self)
        self.notice_clock: Callable[[], float] = time.monotonic  # tests pass a fake one
        self.sessions_closed = 0  # the Start screen clears the client after each session
        self.session_lock = SessionLock(paths.lock_file)
        self.session: RunningSession | None = None  # the one running (or ended, on End)
        self.held: list[RunningSession] = []  # final, with lines still waiting for the disk
        self.after_exit: list[str] = []  # printed once the terminal is restored
        self.way_out = leaving.WayOut(self)
        self.key_hold = KeyHold(self)
        self.pending_start: Callable[[], None] | None = None  # a session waiting for sound
        # Journals were amended, renamed or deleted: lists of sessions show them again.
        self.journals_changed: Signal[None] = Signal(self, "journals-changed")
        self.set_keymap(dict(settings.keys))
        theme.start_with_saved(self, self.ui_state.theme)

    async def on_event(self, event: events.Event) -> None:
        """Keys typed after a closing key wait until that screen is gone (``key_hold``)."""
        if isinstance(event, events.Key):
            if not self.screen_stack:  # shutting down: a key still on its way has no screen
                return  # (a forwarded one too: Textual's binding check would raise)
            split = None if event.is_forwarded else split_alt(event)
            if split is not None:  # an Escape and a key read as one: each in turn
                for key in split:
                    await self.on_event(key)
                return
            if not event.is_forwarded and self.key_hold.take(event):
                return
        elif isinstance(event, events.Paste) and self.key_hold.take(event):
            return
        if self.pending_start is not None and isinstance(event, (events.Key, events.MouseDown)):
            self.pending_start()  # the practitioner acts while the sound starts: go at once
        await super().on_event(event)

    def get_driver_class(self) -> type[Driver]:
        return drivers.our_driver(super().get_driver_class())

    def get_default_screen(self) -> Screen[Any]:
        """The first screen itself, not an empty one with it pushed on top: one frame."""
        return session_flow.first_screen(self, *self._direct)

    def on_mount(self) -> None:
        self.notices.mounted()
        if not self.is_headless:
            self.way_out.take_signals()
        self.call_after_refresh(self.mutate_reactive, SessionTimerApp.theme)
        self.call_after_refresh(gc_hold.release)
        if self.audio is None:
            self.audio = service_glue.open_audio(self, first=self._direct[0])
        if self.session is None:
            self.resume_offers.search()
        elif self.config_errors:  # a direct run: the Start screen that lists them is not up
            self.notices.config_problems(len(self.config_errors))
        early = leaving.early_signal() if self.way_out.signals_taken else None
        if early is not None:  # it came while the app was starting: leave for it now
            self.leave(early)

    def tell(self, notice: Notice) -> None:
        """Show ``notice`` when the one before has had its time (``AppNotices``)."""
        self.notices.tell(notice)

    def save_state(self) -> None:
        """Write the remembered state (theme, volume, last preset) off the UI loop."""
        state, path = self.ui_state, self.paths.state_file
        self.run_worker(lambda: save_state(path, state), thread=True, exit_on_error=False)

    def on_service_notice(self, message: service_glue.ServiceNotice) -> None:
        self.notices.from_service(message)

    def on_cue_finished(self, message: service_glue.CueFinished) -> None:
        """The test chime played (session cues report to their session)."""
        self.notices.test_chime_played(message.outcome)

    def on_backend_changed(self, message: service_glue.BackendChanged) -> None:
        self.notices.backend_changed(message.change, message.journaled)

    def on_session_saved(self, message: service_glue.SessionSaved) -> None:
        session_flow.saved(self, message.session)

    def leave(self, reason: str, closing_note: str | None = None) -> None:
        """The one way out (``leaving.WayOut.leave``): every quit, signal and lost terminal."""
        self.way_out.leave(reason, closing_note)

    def action_quit_app(self) -> None:
        self.way_out.quit_asked()

    def on_terminal_lost(self, message: Any) -> None:
        """End of input or a read error on the terminal: nobody is there to ask. After the
        next frame: at start-up (``run < /dev/null``) the first screen is still mounting."""
        self.call_after_refresh(self.leave, "terminal closed")

    def unhandled_error(self, error: Exception) -> bool:
        """Last net (``textual_compat``): logged, the session suspended, a plain message."""
        return self.way_out.unhandled_error(error)

    def action_toggle_theme(self) -> None:
        """Dark room or daylight; remembered in the state file, never in the config."""
        self.theme = theme.next_theme(self.theme)
        self.ui_state = replace(self.ui_state, theme=self.theme)
        self.save_state()

    def action_noop(self) -> None:
        """ctrl+c does nothing here: a reflex must not end a session."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notice is plain text unless a caller says it is our own markup: notices carry
        file names, errors and names that people chose (the one rule for text)."""
        if not markup:
            message, title = visible_controls(message), visible_controls(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def confirm(self, question: str, then: Callable[[bool | None], None]) -> None:
        from sessiontimer.ui.dialogs.confirm import ConfirmDialog

        self.push_screen(ConfirmDialog(question), then)


make_app = SessionTimerApp  # the one factory the CLI and the tests share
