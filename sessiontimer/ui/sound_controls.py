"""The practitioner's hold on the sound: volume, mute, the test chime, and each cue sent.

Volume is remembered (the state file); mute lasts for the session it was pressed in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sessiontimer.core import volume
from sessiontimer.core.events import CueDue
from sessiontimer.core.running import RunningSession
from sessiontimer.ui import page, service_glue

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp


def change_volume(app: SessionTimerApp, delta: float) -> float:
    """One step of loudness up (``delta`` > 0) or down: 3 dB a step, then off."""
    level = volume.step(app.ui_state.volume, 1 if delta > 0 else -1)
    app.ui_state = replace(app.ui_state, volume=level)
    app.save_state()
    if app.audio is not None:
        app.audio.set_master_volume(level)
    return level


def toggle_mute(app: SessionTimerApp) -> bool:
    """Mute or unmute this session; the next one starts with sound (DESIGN: mute)."""
    app.muted = not app.muted
    return app.muted


def silence_mark(app: SessionTimerApp) -> str:
    """The session screen's mark for cues that will not be heard ("" while they will)."""
    from sessiontimer.ui.sound_mark import silence_mark, silent_reason

    return silence_mark(
        muted=app.muted, volume=app.ui_state.volume, silent_reason=silent_reason(app.audio)
    )


def play_cue(app: SessionTimerApp, event: CueDue, session: RunningSession) -> None:
    """Send a cue to the audio service; its result is journaled when it comes back."""
    service_glue.play_cue(app, event, session)
    served_cue(app, event)


def served_cue(app: SessionTimerApp, event: CueDue) -> None:
    """A cue due now, told to a served page (its sound: the page's); the terminal's own was
    sent ahead or just now."""
    page.cue(app, event.cue, app.ui_state.volume, app.muted)
