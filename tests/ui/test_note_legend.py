"""The note-key legend never splits a key from its tag."""

from __future__ import annotations

from sessiontimer.core.config import builtin_settings
from sessiontimer.ui.widgets.note_legend import GAP, NoteLegend


def test_items_stay_whole_and_lines_fit() -> None:
    keys = builtin_settings().note_keys
    legend = NoteLegend(keys)
    for width in range(20, 121):
        lines = legend._lines(width)
        assert [item for line in lines for item in line] == legend.items  # all, in order
        for line in lines:
            text = GAP.join(f"{k} {t}" for k, t in line)
            assert len(text) <= width or len(line) == 1, (width, text)


async def test_legend_height_follows_the_width() -> None:
    from textual.app import App

    keys = builtin_settings().note_keys

    class One(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield NoteLegend(keys, id="legend")

    for width, rows in ((300, 1), (60, len(NoteLegend(keys)._lines(60)))):
        app = One()
        async with app.run_test(size=(width, 20)) as pilot:
            await pilot.pause()
            assert app.query_one("#legend").size.height == rows
            shown = app.query_one("#legend").render().plain.splitlines()
            assert all(not line.endswith(" b") for line in shown)
