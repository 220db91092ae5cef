"""Themes: a warm, low-glare dark theme for a dim treatment room, and a light one for daylight."""

from __future__ import annotations

from textual.theme import Theme

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
