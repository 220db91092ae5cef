"""One session, read everywhere: End screen, timeline, exports, `logs list` and `logs show`.

The same still point, note and length must read the same on every one of them (issue 14).
"""

from __future__ import annotations

import csv as csv_module
import io
from contextlib import redirect_stdout
from typing import Any

from sessiontimer.core.clock import ManualClock
from sessiontimer.review import export
from sessiontimer.review.summary import summarize
from sessiontimer.review.timeline import describe, load_timeline, stamp
from sessiontimer.review_cli import row_text
from tests.ui.conftest import FakeAudio, build_app


async def _advance(app: Any, pilot: Any, clock: ManualClock, seconds: float) -> None:
    clock.advance(seconds)
    app.screen.tick()
    await pilot.pause()


async def test_one_session_reads_the_same_everywhere(clock: ManualClock) -> None:
    app = build_app(clock, preset="Craniosacral 60", client="AB", audio=FakeAudio())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _advance(app, pilot, clock, 65.7)
        await pilot.press("r")  # a release at 65.7 s: 1:05
        await _advance(app, pilot, clock, 0.6)
        await pilot.press("s")  # a still point from 66.3 s ...
        await _advance(app, pilot, clock, 28.6)
        await pilot.press("s")  # ... for 28.6 s: 0:28
        await _advance(app, pilot, clock, 405.5)  # 500.1 s in all: 8 min 20 s
        await pilot.press("e")
        await pilot.press("enter")
        await pilot.pause()
        end_text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        session = app.screen.session  # type: ignore[attr-defined]
        path = session.path
        await pilot.press("escape")
        await pilot.pause()
        assert session.wait(5)
    sessions_dir = app.paths.sessions_dir
    tl = load_timeline(path, sessions_dir)
    lines = [f"{stamp(e)[0]} {describe(e)}" for p in tl.phases for e in p.items]
    summary = summarize(path, sessions_dir)
    md = export.render([tl], "md")
    csv = export.render([tl], "csv")
    out = io.StringIO()
    with redirect_stdout(out):
        listed = row_text(summary)

    # The length of the session: 500.1 s is 8 min 20 s on the End screen and in the list.
    assert "8 min 20 s" in end_text, end_text
    assert "8 min 20 s" in listed, listed
    assert "8 min 20 s" in md  # the treatment note an export writes
    # The release at 65.7 s is 1:05 everywhere.
    assert "1:05  release" in end_text
    assert any(line.startswith("1:05 note: release") for line in lines), lines
    assert "- 1:05 release" in md
    # The still point: 0:28 long, begun at 1:06, on every page.
    assert "still point 0:28" in end_text, end_text
    assert any(line.startswith("1:06 still point began") for line in lines), lines
    assert any("still point ended after 0:28" in line for line in lines), lines
    assert "- 1:06 still point, 28 s" in md
    assert "0:29" not in md + end_text + "\n".join(lines)
    rows = list(csv_module.DictReader(io.StringIO(csv)))
    lengths = [row["length_s"] for row in rows if row["text"] == "still point"]
    assert lengths == ["28"], rows  # length_s, truncated
