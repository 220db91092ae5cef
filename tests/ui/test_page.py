"""A served app tells its page about cues and the session; a terminal app tells nothing."""

from __future__ import annotations

from typing import Any

import pytest

from sessiontimer.core.model import Cue
from sessiontimer.ui import page


class _Driver:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send_to_page(self, kind: str, **fields: Any) -> None:
        self.sent.append((kind, fields))


class _App:
    def __init__(self, is_web: bool) -> None:
        self.is_web = is_web
        self._driver = _Driver()


def test_a_cue_goes_to_the_page_with_its_level() -> None:
    app = _App(is_web=True)
    page.cue(app, Cue("singing-bowl", volume=0.5), master_volume=0.8, muted=False)  # type: ignore[arg-type]
    assert app._driver.sent == [("cue", {"sound": "singing-bowl", "volume": 0.4, "repeat": 1})]


@pytest.mark.parametrize(
    ("cue", "muted"),
    [(Cue("soft-bell"), True), (Cue("/home/me/my bell.wav"), False), (Cue("../../x"), False)],
)
def test_muted_cues_and_users_own_files_stay_off_the_page(cue: Cue, muted: bool) -> None:
    app = _App(is_web=True)
    page.cue(app, cue, master_volume=1.0, muted=muted)  # type: ignore[arg-type]
    assert app._driver.sent == []


def test_a_terminal_app_sends_nothing() -> None:
    app = _App(is_web=False)
    page.cue(app, Cue("soft-bell"), master_volume=1.0, muted=False)  # type: ignore[arg-type]
    page.session_running(app, True)  # type: ignore[arg-type]
    assert app._driver.sent == []


def test_the_session_state_goes_to_the_page() -> None:
    app = _App(is_web=True)
    page.session_running(app, True)  # type: ignore[arg-type]
    page.session_running(app, False)  # type: ignore[arg-type]
    assert app._driver.sent == [("session", {"running": True}), ("session", {"running": False})]
