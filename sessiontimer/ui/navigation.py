"""Where a key that opens another screen leads: screens never import one another.

Each function pushes one screen onto the app. The screens are imported when first opened,
so the app starts without loading the review screens (and the review code behind them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from sessiontimer.config_edit import ConfigEditor
    from sessiontimer.review.note_view import ShownNote
    from sessiontimer.review.summary import Summary


def sessions(app: App[Any]) -> None:
    from sessiontimer.ui.screens.review import sessions as sessions_screen

    app.push_screen(sessions_screen.to_open(app))


def prepare_sessions(app: App[Any]) -> None:
    """The Sessions screen's module imported, its styles parsed and a screen made ready
    ahead of its next open."""
    from sessiontimer.ui.screens.review import sessions as sessions_screen

    sessions_screen.prepare(app)


def timeline(app: App[Any], summary: Summary) -> None:
    from sessiontimer.ui.screens.review.timeline import SessionDetailScreen

    app.push_screen(SessionDetailScreen(summary))


def client_history(app: App[Any], client: str) -> None:
    from sessiontimer.ui.screens.review.client_history import ClientHistoryScreen

    app.push_screen(ClientHistoryScreen(client))


def stats(app: App[Any], line: str, label: str) -> None:
    from sessiontimer.ui.screens.review.stats import StatsScreen

    app.push_screen(StatsScreen(line, label))


def treatment_note(app: App[Any], title: str, session: str, load: Callable[[], ShownNote]) -> None:
    from sessiontimer.ui.screens.review.treatment_note import TreatmentNoteScreen

    app.push_screen(TreatmentNoteScreen(title, session, load))


def presets(app: App[Any]) -> None:
    from sessiontimer.ui.screens.presets.presets import PresetsScreen

    app.push_screen(PresetsScreen())


def preset_editor(
    app: App[Any], editor: ConfigEditor, name: str, closed: Callable[[Any], None]
) -> None:
    from sessiontimer.ui.screens.presets.editor import PresetEditorScreen

    app.push_screen(PresetEditorScreen(editor, name), closed)


def note_keys(app: App[Any]) -> None:
    from sessiontimer.ui.screens.presets.note_keys import NoteKeysScreen

    app.push_screen(NoteKeysScreen())


def back_to_sessions(app: App[Any]) -> None:
    """Back to the Sessions list if it is open below (a client's records are gone), else one
    screen back."""
    from sessiontimer.ui.screens.review.sessions import SessionsScreen

    if any(isinstance(s, SessionsScreen) for s in app.screen_stack):
        while not isinstance(app.screen, SessionsScreen):
            app.pop_screen()
    else:
        app.pop_screen()


def back_to_start(app: App[Any]) -> None:
    """Leave the current screen for the Start screen, building it if it is not below."""
    from sessiontimer.ui.screens.session.start import StartScreen

    if any(isinstance(s, StartScreen) for s in app.screen_stack):
        app.pop_screen()
    else:
        app.switch_screen(StartScreen())


def help_screen(app: App[Any]) -> None:
    from sessiontimer.ui.dialogs.help import HelpScreen

    app.push_screen(HelpScreen())
