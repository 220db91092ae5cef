"""What a served app tells its browser page: a cue to play there, and whether a session runs.

Only under ``sessiontimer serve`` (the quiet web driver carries these to the page's own
script); in a terminal every call here returns at once. The page plays only bundled sounds,
by name, and only once a tap has unlocked its audio; it holds a screen wake lock while a
session runs. The laptop plays every cue as it always does: the page is a second place.
"""

from __future__ import annotations

import re
from typing import Any

from textual.app import App

from sessiontimer.core.model import Cue

BUNDLED_NAME = re.compile(r"^[a-z0-9-]{1,40}$")  # a path to a user's own WAV stays on the laptop


def tell(app: App[Any], kind: str, **fields: object) -> None:
    """Send ``sessiontimer.<kind>`` to the page, when there is one."""
    if not app.is_web:
        return
    from sessiontimer.ui.textual_compat import app_driver  # served only: the terminal skips it

    send = getattr(app_driver(app), "send_to_page", None)  # KeyWaitWebDriver only
    if callable(send):
        send(kind, **fields)


def cue(app: App[Any], cue: Cue, master_volume: float, muted: bool) -> None:
    """The page plays the cue too (muted means muted there as well)."""
    if muted or not BUNDLED_NAME.match(cue.sound):
        return
    level = max(0.0, min(1.0, cue.volume * master_volume))
    tell(app, "cue", sound=cue.sound, volume=round(level, 3), repeat=cue.repeat)


def session_running(app: App[Any], running: bool) -> None:
    """The page holds the screen awake while a session runs (a tablet must not sleep)."""
    tell(app, "session", running=running)
