"""Keys typed on one screen are never commands on the next.

A name typed into the preset list by mistake (the focus not in the client field), then Enter,
in one read of the terminal: Textual routes each letter to the list, which handles it later;
the Enter (a priority binding) had already started the session, so an unhandled letter went
up to the app, which looked it up in the *session* screen's bindings: 'n' opened a note,
'm' muted the session's bells, 'e' asked to end it.
"""

from __future__ import annotations

from textual import events

from sessiontimer.core.clock import ManualClock
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app


def burst(app: object, keys: str) -> None:
    """Keys in one read of the terminal: all queued before the app handles the first."""
    for key in keys:
        name = "enter" if key == "\r" else key
        app.post_message(events.Key(name, None if key == "\r" else key))  # type: ignore[attr-defined]


async def test_letters_typed_on_start_do_not_act_in_the_session(clock: ManualClock) -> None:
    app = build_app(clock, preset=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "presets"
        burst(app, "Tom n\r")
        for _ in range(10):
            await pilot.pause()
        assert isinstance(app.screen, SessionScreen), type(app.screen).__name__
        assert not app.muted  # the 'm' of Tom did not mute the bells
        assert app.screen.recorder.client is None
        kinds = [type(s).__name__ for s in app.screen_stack]
        assert kinds[-1] == "SessionScreen", kinds  # no note dialog from the 'n'
