"""Themes: a warm, low-glare dark theme for a dim treatment room, and a light one for daylight."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import Theme

from sessiontimer.ui import textual_compat

EMBER = Theme(
    name="ember",
    primary="#b08a5a",  # warm brass, never bright
    secondary="#7d8a6a",
    accent="#c9965e",
    warning="#b9924f",
    error="#a8605a",
    success="#7f9a6e",
    foreground="#bfb3a3",  # no pure white anywhere
    background="#15120f",
    surface="#1d1915",
    panel="#26211c",
    dark=True,
    variables={
        "footer-key-foreground": "#c9965e",
        "block-cursor-background": "#3a3129",
        "clock-dim": "#75695c",  # dim mode: 3.5:1 on the background, dark but legible
    },
)

DAYLIGHT = Theme(
    name="daylight",
    primary="#8a5a2b",
    secondary="#5f6f4a",
    accent="#9a6a35",
    warning="#8a6a2a",
    error="#8a3d35",
    success="#4f6f3e",
    foreground="#2d2620",
    background="#f3ede4",
    surface="#ebe3d8",
    panel="#e0d6c8",
    dark=False,
    variables={"clock-dim": "#8a7d6f"},  # dim mode: 3.4:1 on the background
)

THEMES = (EMBER, DAYLIGHT)


def start_with_saved(app: App[Any], saved: str) -> None:
    """Open in the theme the practitioner last chose (the first one if it is unknown).

    Set without the watcher: it would parse the whole stylesheet a second time before the
    first frame. The stylesheet is first parsed with this theme's colours anyway; the watcher
    (theme classes, ANSI colour map) runs after the first frame (``app.mutate_reactive``).
    """
    for theme in THEMES:
        app.register_theme(theme)
    names = [t.name for t in THEMES]
    app.set_reactive(type(app).theme, saved if saved in names else names[0])
    textual_compat.set_css_variables(app)


def next_theme(current: str) -> str:
    """Dark room, then daylight, then dark again."""
    names = [t.name for t in THEMES]
    return names[(names.index(current) + 1) % len(names) if current in names else 0]
