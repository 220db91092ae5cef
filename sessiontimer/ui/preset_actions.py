"""What every screen that edits the config file does: apply, save, reload, or offer to.

Shared by the Presets list, the phase editor and the note keys screen (none imports another).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from sessiontimer.config_edit import (
    ConfigChangedOnDisk,
    ConfigEditor,
    ConfigRejected,
    NameTaken,
    PresetNotFound,
)
from sessiontimer.core.config import load_settings
from sessiontimer.ui.app_screen import timer_app

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp


def apply_and_save(
    screen: Screen[Any],
    editor: ConfigEditor,
    change: Callable[[Any], Any],
    redraw: Callable[[], None],
) -> bool:
    """Apply one edit, save, reload the app's settings; say what went wrong if anything did.

    ``redraw`` shows the screen again from the file, when the file changed elsewhere and the
    practitioner chose to load it."""
    app = timer_app(screen)
    new_file = not editor.exists
    try:
        editor.edit(change)
        editor.save()
    except ConfigChangedOnDisk:
        offer_reload(screen, editor, redraw)
        return False
    except ConfigRejected as error:
        editor.reload()
        app.notify(problems_text(error), severity="error", timeout=8)
        return False
    except (NameTaken, PresetNotFound, ValueError, KeyError) as error:
        app.notify(str(error).strip("'\""), severity="warning", timeout=6)
        return False
    except OSError as error:
        editor.reload()
        app.notify(f"Could not save {editor.path}: {error.strerror or error}", severity="error")
        return False
    reload_settings(app)
    if new_file:
        app.notify(
            f"Saved in a new config file, {editor.path}: it holds only what you made here.",
            timeout=10,
        )
    return True


def problems_text(error: ConfigRejected) -> str:
    lines = [str(e) for e in error.errors[:4]]
    return "Not saved; the config would have problems:\n" + "\n".join(lines)


def reload_settings(app: SessionTimerApp) -> None:
    """The app's settings from the file just written (the reader is the only source)."""
    settings, errors = load_settings(app.paths.config_file, must_exist=False)
    app.settings = settings
    app.config_errors = errors


def offer_reload(screen: Screen[Any], editor: ConfigEditor, redraw: Callable[[], None]) -> None:
    """The file changed in another window: never overwrite it; offer to load it instead."""
    app = timer_app(screen)

    def answered(yes: bool | None) -> None:
        if yes:
            editor.reload()
            reload_settings(app)
            redraw()  # the editor starts again from the file

    app.confirm(
        "Your config file changed on disk since it was loaded (edited in another window?).\n"
        "Reload it? Your change here is dropped; nothing is overwritten.",
        answered,
    )
