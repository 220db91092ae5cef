"""The Textual app: wiring only. Screens render; the core decides; services do the slow work."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from textual.app import App
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen

from sessiontimer.core.clock import Clock, SystemClock
from sessiontimer.core.config import ConfigError
from sessiontimer.core.events import CueDue
from sessiontimer.core.model import Preset, Settings
from sessiontimer.core.state import UiState, load_state, save_state
from sessiontimer.paths import AppPaths
from sessiontimer.ui import session_service
from sessiontimer.ui.errors import log_exception
from sessiontimer.ui.theme import THEMES


class SessionTimerApp(App[None]):
    """The app. Tests build it through :func:`make_app` with a manual clock."""

    CSS_PATH = "app.tcss"
    TITLE = "sessiontimer"
    ENABLE_COMMAND_PALETTE = False  # it offers quit and screenshots of client notes
    backend_notice_delay = 1.0  # a cascade of fallbacks is told once, as where it ended
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
        self.audio = audio
        self._direct = (preset, client)
        self._backend_note: Any = None
        self._backend_told = ""  # the backend the last notice named (told once)
        self.sessions_closed = 0  # the Start screen clears the client after each session
        self.session_lock: Any = None
        self.inhibitor: Any = None
        self.set_keymap(dict(settings.keys))
        for theme in THEMES:
            self.register_theme(theme)
        # Set without the watcher now: it would parse the whole stylesheet a second time before
        # the first frame. The stylesheet is first parsed with this theme's colours anyway; the
        # watcher (theme classes, ANSI colour map) runs after the first frame (on_mount).
        self.set_reactive(
            SessionTimerApp.theme,
            self.ui_state.theme
            if self.ui_state.theme in {t.name for t in THEMES}
            else THEMES[0].name,
        )
        self.stylesheet.set_variables(self.get_css_variables())

    def get_driver_class(self) -> type[Driver]:
        """Textual's terminal driver, with an input thread that sleeps until a key arrives."""
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from sessiontimer.ui.quiet_driver import QuietLinuxDriver

            return QuietLinuxDriver
        return driver

    def get_default_screen(self) -> Screen[Any]:
        """The first screen itself, not an empty one with it pushed on top: one layout, one frame.

        A direct run (``run --preset``) opens on its session; the Start screen is built only
        when it is needed. A refused session (another instance holds the lock) opens on Start.
        """
        preset, client = self._direct
        if preset is not None:
            screen = self._new_session(self.settings.preset(preset), client)
            if screen is not None:
                return _switchable(screen)
        from sessiontimer.ui.screens.start import StartScreen

        return _switchable(StartScreen())

    def on_mount(self) -> None:
        self.call_after_refresh(self.mutate_reactive, SessionTimerApp.theme)
        self.call_after_refresh(_collect_again)
        if self.audio is None:
            self.audio = session_service.open_audio(self, first=self._direct[0])
        if self.active_recorder() is None:
            self.offer_resume()
        elif self.config_errors:
            self.notify(
                f"The config has {len(self.config_errors)} problem(s); they are listed on "
                "the Start screen and by `sessiontimer config check`.",
                severity="warning",
                timeout=8,
            )

    def back_to_start(self) -> None:
        """Leave the current screen for the Start screen, building it if it is not below."""
        from sessiontimer.ui.screens.start import StartScreen

        if any(isinstance(s, StartScreen) for s in self.screen_stack):
            self.pop_screen()
        else:
            self.switch_screen(StartScreen())

    def offer_resume(self) -> None:
        """If a session was interrupted (power cut, kill), offer to continue it.

        Finding it reads the journals, so it runs in a thread worker, never on the UI loop.
        """

        def find() -> None:
            found = session_service.interrupted_sessions(self)
            if found:
                self.call_from_thread(self._offer, *found[0])

        self.run_worker(find, thread=True, exit_on_error=False, group="resume")

    def _offer(self, path: Any, description: str) -> None:
        from sessiontimer.ui.dialogs import ResumeDialog

        if self.active_recorder() is not None:
            return  # a session was started meanwhile: offer next time

        def chosen(how: str | None) -> None:
            if how in ("pause", "session"):
                recorder = session_service.resume(self, path, how)
                if recorder is not None:
                    self._open_session(recorder, recorder.client, recorder.tick())
            elif how == "close":
                session_service.close_interrupted(self, path)
                self.notify("The interrupted session was closed.", timeout=4)

        self.push_screen(ResumeDialog(description), chosen)

    def on_service_notice(self, message: session_service.ServiceNotice) -> None:
        if message.backend:
            self._backend_told = message.backend
        self.notify(message.text, severity=message.severity, timeout=6)  # type: ignore[arg-type]

    def on_cue_finished(self, message: session_service.CueFinished) -> None:
        outcome = message.outcome
        if message.event is not None and message.recorder is not None:
            message.recorder.cue_result(message.event, outcome.backend, outcome.outcome)
        elif message.event is None:  # the test chime
            level = "muted" if self.ui_state.muted else f"{round(self.ui_state.volume * 100)}%"
            self.notify(f"Test chime ({level}) through {outcome.backend}.", timeout=3)
        if outcome.outcome == "failed" and outcome.message:
            self.notify(f"A cue could not play: {outcome.message}", severity="warning")

    def on_backend_changed(self, message: session_service.BackendChanged) -> None:
        """Journal every change; tell the practitioner once, calmly, where cues now go."""
        change = message.change
        recorder = self.active_recorder()
        if recorder is not None:
            reason = change.reason or (
                "worker restarted" if change.previous == change.current else ""
            )
            recorder.audio_backend_changed(change.current, change.previous, reason)
        if change.previous == change.current:
            return
        if self._backend_note is not None:
            self._backend_note.stop()
        self._backend_note = self.set_timer(
            self.backend_notice_delay, lambda: self._tell_backend(change.current)
        )

    def _tell_backend(self, current: str) -> None:
        """Say where cues now play, unless the start-up notice has just said so, with why."""
        if current != self._backend_told:
            self._backend_told = current
            self.notify(f"Cues now play through {current}.", timeout=5)

    def active_recorder(self) -> Any:
        """The recorder of the session on the screen stack, if one is running."""
        from sessiontimer.ui.screens.session import SessionScreen

        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen):
                return screen.recorder
        return None

    def action_quit_app(self) -> None:
        """Quit; during a session, ask first (the session is journaled as suspended)."""
        from sessiontimer.ui.screens.end import EndScreen
        from sessiontimer.ui.screens.session import SessionScreen

        session = next((s for s in self.screen_stack if isinstance(s, SessionScreen)), None)
        if session is None:
            for screen in self.screen_stack:
                if isinstance(screen, EndScreen):  # ended, not yet closed: let the disk catch up
                    self.close_session(screen.recorder)
            self.exit()
        elif self.screen is session:
            session.action_quit_session()

    def action_toggle_theme(self) -> None:
        """Dark room or daylight; remembered in the state file, never in the config."""
        names = [t.name for t in THEMES]
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.ui_state = replace(self.ui_state, theme=self.theme)
        self._save_state()

    def action_noop(self) -> None:
        """ctrl+c does nothing here: a reflex must not end a session."""

    # --- sessions -----------------------------------------------------------------------

    def start_session(self, preset: Preset, client: str | None) -> None:
        screen = self._new_session(preset, client)
        if screen is not None:
            self.push_screen(screen)

    def _new_session(self, preset: Preset, client: str | None) -> Any:
        """Lock, journal and a started recorder on a new session screen; None when refused."""
        recorder = session_service.begin(self, preset, client)
        if recorder is None:
            return None
        self.ui_state = replace(self.ui_state, last_preset=preset.name)
        self._save_state()
        return self._session_screen(recorder, client, recorder.start())

    def _open_session(self, recorder: Any, client: str | None, first: list[Any]) -> None:
        self.push_screen(self._session_screen(recorder, client, first))

    def _session_screen(self, recorder: Any, client: str | None, first: list[Any]) -> Any:
        from sessiontimer.ui.screens.session import SessionScreen

        screen = SessionScreen(recorder, client=client)
        screen.call_after_refresh(screen._moved, first)
        return screen

    def show_end(self, session: Any) -> None:
        from sessiontimer.ui.screens.end import EndScreen
        from sessiontimer.ui.screens.session import SessionScreen

        if self.screen is session:
            self.switch_screen(EndScreen(cast("SessionScreen", session)))

    def close_session(self, recorder: Any) -> None:
        session_service.close(self, recorder)
        self.sessions_closed += 1

    def play_cue(self, event: CueDue, recorder: Any) -> None:
        """Send a cue to the audio service; its result is journaled when it comes back."""
        session_service.play_cue(self, event, recorder)

    def test_chime(self) -> None:
        session_service.test_chime(self)

    # --- small dialogs and state ----------------------------------------------------------

    def confirm(self, question: str, then: Callable[[bool | None], None]) -> None:
        from sessiontimer.ui.dialogs import ConfirmDialog

        self.push_screen(ConfirmDialog(question), then)

    def show_help(self) -> None:
        from sessiontimer.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def change_volume(self, delta: float) -> float:
        level = min(1.0, max(0.0, round(self.ui_state.volume + delta, 2)))
        self.ui_state = replace(self.ui_state, volume=level)
        self._save_state()
        if self.audio is not None:
            self.audio.set_master_volume(level)
        return level

    def toggle_mute(self) -> bool:
        self.ui_state = replace(self.ui_state, muted=not self.ui_state.muted)
        self._save_state()
        return self.ui_state.muted

    def _save_state(self) -> None:
        state, path = self.ui_state, self.paths.state_file
        self.run_worker(lambda: save_state(path, state), thread=True, exit_on_error=False)

    def _handle_exception(self, error: Exception) -> None:
        """Last net: the traceback goes to the error log, never to the screen."""
        log_exception(self.paths.error_log, error, "unhandled")
        if self.is_headless or self.reraise_errors:
            super()._handle_exception(error)
            return
        self._return_code = 1
        self.exit(
            return_code=1,
            message=(
                "sessiontimer stopped after an unexpected error. Your notes are saved and the "
                f"session will be offered for resume. Details: {self.paths.error_log}"
            ),
        )


def _switchable(screen: Screen[Any]) -> Screen[Any]:
    """Let ``switch_screen`` replace the first screen (a session ends on its End screen).

    Textual's switch pops the result callback that a push adds; the first screen was not
    pushed, so it is given the same empty callback a switch gives its new screen.
    """
    screen._push_result_callback(screen, None)
    return screen


def _collect_again() -> None:
    """After the first frame: what start-up built stays (frozen), later garbage is collected.

    Only the launcher holds the collector off (``cli``); an app built in tests leaves it alone.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def make_app(
    settings: Settings,
    paths: AppPaths,
    *,
    config_errors: list[ConfigError] | None = None,
    preset: str | None = None,
    client: str | None = None,
    clock: Clock | None = None,
    auto_tick: bool = True,
    audio: Any = None,
    keep_awake: bool = True,
) -> SessionTimerApp:
    """The one factory the CLI and the tests share."""
    return SessionTimerApp(
        settings,
        paths,
        clock=clock,
        config_errors=config_errors,
        preset=preset,
        client=client,
        auto_tick=auto_tick,
        audio=audio,
        keep_awake=keep_awake,
    )
