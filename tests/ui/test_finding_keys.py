"""The treatment-note keys on the session screen: pain, rhythm taps, felt at, the client's words."""

from __future__ import annotations

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import build_app
from tests.ui.test_session_keys import journal_events, of_type


def status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#status").render())


async def test_pain_then_digits_then_enter_or_pause(clock: ManualClock) -> None:
    app = build_app(clock, preset="CST 10-step")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "pain score" in status(app)  # the quiet hint in the first phase
        await pilot.press("v", "6")
        await pilot.pause()
        assert "Pain 6/10" in status(app)
        await pilot.press("v", "1", "0")
        await pilot.pause()
        await pilot.press("v", "1")
        await pilot.pause()
        assert "pain 1…" in status(app)
        clock.advance(1.0)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.findings_due()  # the one-shot timer, by hand: the pause after "1"
        await pilot.press("v", "escape", "3")  # cancelled; 3 is a region again
        await pilot.pause()
        events = journal_events(app)
        assert [e["value"] for e in of_type(events, "pain")] == [6, 10, 1]
        assert of_type(events, "region_set")[-1]["name"] == "pelvic diaphragm"


async def test_rhythm_taps_show_the_rate_and_journal_when_tapping_stops(
    clock: ManualClock,
) -> None:
    app = build_app(clock, preset="CST 10-step")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("right")  # the feet step: hands at the feet
        for _ in range(4):
            await pilot.press("c")
            clock.advance(7.5)
        await pilot.pause()
        assert "rhythm 8/min (4 taps; within 6–12)" in status(app)
        clock.advance(10.0)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.findings_due()
        await pilot.pause()
        assert "Rhythm 8/min at feet saved" in status(app)
        (reading,) = of_type(journal_events(app), "rhythm")
        assert (reading["rate"], reading["taps"], reading["station"]) == (8.0, 4, "feet")


async def test_rhythm_qualities_one_key_each_while_the_series_is_open(
    clock: ManualClock,
) -> None:
    app = build_app(clock, preset="CST 10-step")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("right")  # the feet step: hands at the feet
        for _ in range(4):
            await pilot.press("c")
            clock.advance(7.5)
        await pilot.pause()
        assert "1-3 amp, 4-6 sym, 7-9 vig" in status(app)  # offered once the rate shows
        await pilot.press("3", "4", "8")
        await pilot.pause()
        assert "amplitude high, symmetry low, vigour normal" in status(app)
        clock.advance(10.0)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.findings_due()
        await pilot.pause()
        events = journal_events(app)
        (reading,) = of_type(events, "rhythm")
        assert reading["qualities"] == {"amplitude": "high", "symmetry": "low", "vigour": "normal"}
        assert reading["station"] == "feet"
        assert of_type(events, "region_set")[-1]["name"] == "feet"  # 3, 4, 8 moved nothing
        await pilot.press("3")  # the series is saved: digits are regions again
        await pilot.pause()
        assert of_type(journal_events(app), "region_set")[-1]["index"] == 3


async def test_felt_at_then_a_finding_and_the_clients_words(clock: ManualClock) -> None:
    app = build_app(clock, preset="CST 10-step")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("7", "comma", "1", "h")
        await pilot.pause()
        assert "heat, felt at feet" in status(app)
        await pilot.press("apostrophe")
        await pilot.pause()
        await pilot.press(*"a tight belt", "enter")
        await pilot.pause()
        events = journal_events(app)
        heat, words = of_type(events, "note")
        assert (heat["region"], heat["felt_at"]) == ("cranial base", "feet")
        assert words["text"] == "a tight belt" and words["words"] is True
        assert "felt_at" not in words  # used once


@pytest.mark.parametrize("key", ["i", "x"])
async def test_cst_toggles(clock: ManualClock, key: str) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        clock.advance(5)
        await pilot.press(key)
        await pilot.pause()
        (ended,) = of_type(journal_events(app), "toggle_ended")
        assert ended["tag"] in ("significance detector", "SomatoEmotional Release")


async def _to_end(app, pilot) -> None:  # type: ignore[no-untyped-def]
    from sessiontimer.ui.screens.session.end import EndScreen

    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, EndScreen)


async def test_end_screen_plan_then_sign(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import sessiontimer.review
    from sessiontimer.ui import service_glue

    # The rows written on save and the Start screen's refresh race the signature: with
    # neither, the signing itself must write the rows (as `logs sign` does).
    monkeypatch.setattr(service_glue, "index_journal", lambda app, path: None)
    monkeypatch.setattr(sessiontimer.review, "refresh", lambda *a, **k: None)
    from dataclasses import replace

    from sessiontimer.core.journal_read import read_journal
    from sessiontimer.core.model import Practitioner
    from sessiontimer.review.sign import check
    from tests.ui.conftest import quiet_settings

    settings = replace(quiet_settings(), practitioner=Practitioner("Jane Doe", "LMT 1"))
    app = build_app(clock, preset="Demo", settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_end(app, pilot)
        path = app.screen.recorder.writer.path  # type: ignore[attr-defined]
        await pilot.press(*"lighter", "tab", *"two weeks", "ctrl+s")
        for _ in range(100):
            events = read_journal(path).events
            if of_type(events, "signed"):
                break
            await asyncio.sleep(0.05)
        assert type(app.screen).__name__ == "StartScreen"
        for _ in range(100):  # the index is written before "Note signed." is said
            if any("Note signed" in str(n.message) for n in app._notifications):
                break
            await asyncio.sleep(0.05)
        assert _indexed_signature(app, path) == "signed"  # not listed as unsigned
    assert of_type(events, "plan")[0]["text"] == "two weeks"
    assert of_type(events, "closing_note")[0]["text"] == "lighter"
    result = check(events, path.stem)
    assert result is not None and result.matches and result.practitioner == "Jane Doe"


def _indexed_signature(app, path) -> str:  # type: ignore[no-untyped-def]
    from sessiontimer.review import lookup
    from sessiontimer.review.store import open_store

    store = open_store(app.paths.state_dir, create=False)
    assert store is not None
    with store:
        found = lookup.by_id(store, path.stem)
    assert found is not None
    return found.signature


async def test_end_screen_sign_without_practitioner_says_how(clock: ManualClock) -> None:
    from sessiontimer.ui.screens.session.end import EndScreen

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_end(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)  # nothing closed, nothing signed
        assert any("[practitioner]" in str(n.message) for n in app._notifications)


async def test_pain_and_felt_at_typed_in_a_burst(clock: ManualClock) -> None:
    """As a terminal delivers "v10" and ",1h" typed fast: every key queued before any runs."""
    from textual import events

    app = build_app(clock, preset="CST 10-step")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key, char in (("v", "v"), ("1", "1"), ("0", "0"), ("comma", ","), ("1", "1"),
                          ("h", "h")):  # fmt: skip
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        events_ = journal_events(app)
        assert [e["value"] for e in of_type(events_, "pain")] == [10]
        assert of_type(events_, "region_set") == []  # no digit went to the regions
        (heat,) = of_type(events_, "note")
        assert heat["felt_at"] == "feet" and heat["region"] is None


async def test_end_screen_pain_after_is_journaled_as_after(clock: ManualClock) -> None:
    from textual.widgets import Input

    from sessiontimer.core.journal_read import read_journal
    from sessiontimer.ui.screens.session.end import EndScreen

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_end(app, pilot)
        end = app.screen
        await pilot.press(*"lighter", "tab", "tab", "1", "1", "enter")  # 11 is no score
        await pilot.pause()
        assert app.screen is end and isinstance(end, EndScreen)
        assert any("0 to 10" in str(n.message) for n in app._notifications)
        pain = end.query_one("#pain-after", Input)
        assert pain.has_focus
        await pilot.press("backspace", "backspace", "x", "2")  # x is not typed
        await pilot.pause()
        assert pain.value == "2"
        await pilot.press("enter")
        for _ in range(100):  # Start comes back once the lines are handed to the writer
            if type(app.screen).__name__ == "StartScreen":
                break
            await pilot.pause(0.02)
        assert type(app.screen).__name__ == "StartScreen"
        assert end.session.wait(5)
        events = read_journal(end.session.path).events
    (after,) = of_type(events, "pain")
    assert after["value"] == 2 and after["after"] is True
    assert of_type(events, "closing_note")[0]["text"] == "lighter"


async def test_end_screen_fields_typed_in_a_burst_with_tab(clock: ManualClock) -> None:
    """As a terminal delivers "ok<Tab>later" typed fast: each text in its own field (the
    text after Tab reached the closing note before the focus moved)."""
    from textual import events
    from textual.widgets import Input

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_end(app, pilot)
        end = app.screen
        for char in "ok\tlater":
            app.post_message(events.Key("tab" if char == "\t" else char, char))
        for _ in range(5):
            await pilot.pause()
        values = [end.query_one(f"#{i}", Input).value for i in ("closing-note", "plan")]
        assert values == ["ok", "later"]


async def test_a_key_typed_after_tab_on_the_end_screen_still_acts(clock: ManualClock) -> None:
    """ "ok<Tab>later" then ctrl+s (save and sign) in one read: the keys held for the Tab went
    back with the End screen as their sender, so ctrl+s stopped at the screen on its way up
    and the app never looked it up: nothing happened, not even "no practitioner"."""
    from textual import events
    from textual.widgets import Input

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_end(app, pilot)
        end = app.screen
        for char in "ok\tlater":
            app.post_message(events.Key("tab" if char == "\t" else char, char))
        app.post_message(events.Key("ctrl+s", "\x13"))
        for _ in range(10):
            await pilot.pause()
        values = [end.query_one(f"#{i}", Input).value for i in ("closing-note", "plan")]
        assert values == ["ok", "later"]
        said = [str(n.message) for n in app._notifications]
        assert any("no practitioner is set up" in text for text in said), said


async def test_end_screen_ctrl_q_with_a_pain_that_is_no_score_says_so(clock: ManualClock) -> None:
    from sessiontimer.ui.screens.session.end import EndScreen

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_end(app, pilot)
        await pilot.press("tab", "tab", "1", "2", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)  # not quit with the score dropped unsaid
        assert any("12 is not a score" in str(n.message) for n in app._notifications)


@pytest.mark.parametrize("keys", [("ctrl+q", "enter"), ("e", "enter")])
async def test_a_series_being_tapped_is_saved_when_the_app_quits_or_the_session_ends(
    clock: ManualClock, keys: tuple[str, ...]
) -> None:
    app = build_app(clock, preset="CST 10-step")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        path = screen.recorder.writer.path
        for _ in range(3):
            await pilot.press("c")
            clock.advance(7.5)
        await pilot.pause()
        assert "rhythm 8/min (3 taps" in status(app)
        await pilot.press(*keys)  # well within the 10 s quiet window
        await pilot.pause()
        assert screen.recorder.writer.flush(5)
    kinds = [e["type"] for e in read_journal(path).events]
    last = "suspended" if keys[0] == "ctrl+q" else "session_ended"
    assert kinds.count("rhythm") == 1 and kinds.index("rhythm") < kinds.index(last)


async def test_the_end_screen_lists_pain_scores_and_rhythm_readings(clock: ManualClock) -> None:
    """The End screen's notes left out the findings: a pain score and a rhythm reading taken
    in the session were in the journal and the treatment note, not in the list read before
    the closing note. They are listed in session-time order with the notes."""
    app = build_app(clock, preset="CST 10-step")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("v", "7", "enter")
        clock.advance(5.0)
        await pilot.press("right")  # the feet step: hands at the feet
        for _ in range(4):
            await pilot.press("c")
            clock.advance(7.5)
        clock.advance(10.0)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.findings_due()  # the pause after the taps: the reading is taken
        await pilot.press("h")  # a note after them
        await pilot.pause()
        await _to_end(app, pilot)
        shown = "\n".join(str(w.render()) for w in app.screen.query("Static"))
    lines = [line.strip() for line in shown.splitlines()]
    notes = lines[lines.index("Notes") + 1 :]
    assert notes[:3] == ["0:00  pain 7/10", "0:27  rhythm 8/min @ feet", "0:45  heat @ feet"], notes
