"""The reference for bench/ui_perf.py: a minimal Textual app with a Digits clock, ticking 1/s."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.widgets import Digits, Label


class MinimalClock(App[None]):
    """As little as a Textual clock can be: one Digits widget updated once a second."""

    def compose(self) -> ComposeResult:
        yield Label("minimal clock")
        yield Digits(time.strftime("%H:%M:%S"))

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.query_one(Digits).update(time.strftime("%H:%M:%S"))


if __name__ == "__main__":
    MinimalClock().run()
