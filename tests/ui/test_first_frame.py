"""The first frame, read from a real terminal: it is drawn in the remembered theme.

The app sets its theme without Textual's watcher (which would parse the whole stylesheet a
second time before the first frame); this proves the first frame still has the right colours.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.theme import Theme

from sessiontimer.core.state import UiState, save_state
from sessiontimer.ui.theme import DAYLIGHT, EMBER
from tests.reliability.ptyapp import PtyApp, app_env


def _background(hex_colour: str) -> bytes:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"48;2;{r};{g};{b}".encode()


@pytest.mark.parametrize("theme", [DAYLIGHT, EMBER], ids=lambda t: t.name)
def test_the_first_frame_is_drawn_in_the_remembered_theme(tmp_path: Path, theme: Theme) -> None:
    other = EMBER if theme is DAYLIGHT else DAYLIGHT
    assert theme.background and other.background
    (tmp_path / "config.toml").touch()
    save_state(tmp_path / "state" / "state.json", UiState(theme=theme.name))
    env = app_env(tmp_path, {"COLORTERM": "truecolor"})
    app = PtyApp(tmp_path, ["run", "--preset", "Demo"], env)
    try:
        assert app.wait_for("left in this phase", 30), app.text()[-2000:]
        first = bytes(app.raw)[: bytes(app.raw).index(b"left in this phase")]
        assert _background(theme.background) in first
        assert _background(other.background) not in first
        assert _background("#121212") not in first  # Textual's own dark theme
    finally:
        app.close()
