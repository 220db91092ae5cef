"""The Start screen makes the Sessions screen ready at a quiet moment: its first ctrl+l no
longer imports its code and parses its widgets' default CSS (the largest part of that first
open's mount: 64 ms against 16 ms for a later open, at 20,000 journals)."""

from __future__ import annotations

import sys

import pytest
from textual.css.stylesheet import Stylesheet
from textual.widgets import DataTable

from sessiontimer.ui.screens.session import start
from tests.ui.conftest import build_app
from tests.ui.test_sessions_screen import _fixed_data, _settle


@pytest.mark.parametrize("after", [0.01, 3600.0])
async def test_the_first_open_parses_no_css_once_the_start_screen_prepared_it(
    monkeypatch: pytest.MonkeyPatch, after: float
) -> None:
    _fixed_data()
    monkeypatch.setattr(start, "PREPARE_AFTER", after, raising=False)
    parses: list[int] = []
    real_parse = Stylesheet.parse

    def counted(self: Stylesheet) -> None:
        parses.append(1)
        real_parse(self)

    monkeypatch.setattr(Stylesheet, "parse", counted)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)  # the Start screen's timer, when due now
        parses.clear()
        await pilot.press("ctrl+l")
        await _settle(pilot)
        assert app.screen.query_one("#sessions-table", DataTable).row_count == 5
        if after > 1:  # not prepared yet: the open parses (the check can see it)
            assert parses
        else:
            assert not parses
    assert "sessiontimer.ui.screens.review.sessions" in sys.modules
