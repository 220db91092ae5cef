"""Every binding of the session screen, driven by a manual clock and ticked by hand."""

from __future__ import annotations

import pytest

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.journal_read import read_journal
from sessiontimer.paths import resolve
from sessiontimer.ui.app import SessionTimerApp, make_app
from sessiontimer.ui.screens.session.end import EndScreen
from sessiontimer.ui.screens.session.running import SessionScreen
from sessiontimer.ui.sound_mark import NO_SOUND_NOTICE
from tests.ui.conftest import build_app, quiet_settings


def journal_events(app: SessionTimerApp) -> list[dict]:
    screen = app.screen
    recorder = screen.recorder  # type: ignore[attr-defined]
    assert recorder.writer.flush(5)
    return read_journal(recorder.writer.path).events


def of_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]


async def advance(app: SessionTimerApp, pilot, clock: ManualClock, seconds: float) -> None:
    clock.advance(seconds)
    session = app.screen
    assert isinstance(session, SessionScreen)
    session.tick()
    await pilot.pause()


def clock_text(app: SessionTimerApp) -> str:
    return app.screen.query_one("#clock").value  # type: ignore[attr-defined]


async def test_quick_note_lands_in_journal_with_phase_time_and_region(clock: ManualClock) -> None:
    app = build_app(clock, preset="Craniosacral 60")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await advance(app, pilot, clock, 8 * 60 + 30)  # into settling
        await pilot.press("2")  # hands at sacrum
        await pilot.press("r")
        await pilot.pause()
        events = journal_events(app)
        await pilot.pause()
        note = of_type(events, "note")[-1]
        assert note["tag"] == "release" and note["key"] == "r"
        assert note["phase"] == 1
        assert note["t"] == pytest.approx(510.0)
        assert note["region"] == "sacrum"
        assert of_type(events, "region_set")[-1]["name"] == "sacrum"
        assert "Saved: release" in str(app.screen.query_one("#status").render())


async def test_toggle_records_duration(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await advance(app, pilot, clock, 4)
        assert "still point" in str(app.screen.query_one("#notes").render())
        await pilot.press("s")
        events = journal_events(app)
        ended = of_type(events, "toggle_ended")[-1]
        assert ended["tag"] == "still point" and ended["duration"] == pytest.approx(4.0)
        await pilot.pause()
        notes = str(app.screen.query_one("#notes").render())
        assert "0:00  still point 0:04" in notes and "so far" not in notes  # finished: listed
        await pilot.press("e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        summary = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "0:00  still point 0:04" in summary


async def test_free_text_note_names_another_region(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1", "n")
        await pilot.pause()
        await pilot.press(*"lighter in the jaw", "tab", *"temporal / jaw", "enter")
        await pilot.pause()
        note = of_type(journal_events(app), "note")[-1]
        assert note["text"] == "lighter in the jaw"
        assert note["region"] == "temporal / jaw"


async def test_note_dialog_escape_saves_nothing(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"abc", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert of_type(journal_events(app), "note") == []


async def test_a_note_submitted_twice_in_a_flood_closes_only_its_dialog(
    clock: ManualClock,
) -> None:
    """Two Enters queued before the dialog is gone: one note, and the session stays."""
    from textual import events

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.screen
        await pilot.press("n", *"warm")
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert app.screen is session and app.screen_stack == [session]
        assert [n["text"] for n in of_type(journal_events(app), "note")] == ["warm"]


async def test_undo_retracts_last_note(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("h", "t", "u")
        await pilot.pause()
        events = journal_events(app)
        notes = of_type(events, "note")
        assert [e["note"] for e in of_type(events, "note_retracted")] == [notes[-1]["id"]]
        await pilot.press("u", "u")
        await pilot.pause()
        assert "No note to undo" in str(app.screen.query_one("#status").render())


async def test_pause_and_resume(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await advance(app, pilot, clock, 3)
        assert clock_text(app) == "0:17"
        assert "space Pause" in app.screen.query_one("KeyBar").render().plain
        await pilot.press("space")
        assert app.screen.has_class("-paused")
        await pilot.pause()
        assert "space Resume" in app.screen.query_one("KeyBar").render().plain
        await advance(app, pilot, clock, 100)
        assert clock_text(app) == "0:17"  # the clock stood still
        await pilot.press("space")
        await advance(app, pilot, clock, 2)
        assert clock_text(app) == "0:15"
        assert not app.screen.has_class("-paused")
        assert "space Pause" in app.screen.query_one("KeyBar").render().plain
        kinds = [e["type"] for e in journal_events(app)]
        assert "paused" in kinds and "resumed" in kinds


async def test_next_previous_at_first_and_last_phase(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("left")  # at the first phase: nothing happens
        assert app.screen.recorder.engine.snapshot().phase_index == 0  # type: ignore[attr-defined]
        await pilot.press("right", "right", "right")
        assert app.screen.recorder.engine.snapshot().phase_index == 3  # type: ignore[attr-defined]
        await pilot.press("left")
        assert app.screen.recorder.engine.snapshot().phase_index == 2  # type: ignore[attr-defined]
        await pilot.press("right", "right")  # after the last: asks first
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n", "y")  # note keys never answer a question
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("right", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)


async def test_extend_and_shorten(clock: ManualClock) -> None:
    app = build_app(clock, preset="Craniosacral 60")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert clock_text(app) == "8:00"
        await pilot.press("plus")
        assert clock_text(app) == "9:00"
        await pilot.press("equals_sign")
        assert clock_text(app) == "10:00"
        await pilot.press("minus", "minus", "minus")
        assert clock_text(app) == "7:00"
        changes = of_type(journal_events(app), "target_changed")
        assert [c["new"] for c in changes] == [540.0, 600.0, 540.0, 480.0, 420.0]


async def test_overtime_and_open_phase_display(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await advance(app, pilot, clock, 20)  # treatment (hold, 30 s)
        await advance(app, pilot, clock, 35)
        assert clock_text(app) == "+0:05"
        assert app.screen.has_class("-overtime")
        await pilot.press("right")  # integration: open
        await advance(app, pilot, clock, 7)
        assert clock_text(app) == "0:07"
        assert app.screen.has_class("-open")


async def test_volume_is_remembered_and_mute_is_not(clock: ManualClock) -> None:
    """Each press moves the volume one 3 dB step and says where it is now (issue 15)."""
    from sessiontimer.core import volume

    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.ui_state.volume == pytest.approx(volume.factor(-6.0))  # the default
        await pilot.press("right_square_bracket")
        assert app.ui_state.volume == pytest.approx(volume.factor(-3.0))
        assert "Volume \u22123 dB (10 of 11)" in str(app.screen.query_one("#status").render())
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert app.ui_state.volume == pytest.approx(volume.factor(-9.0))
        assert "Volume \u22129 dB (8 of 11)" in str(app.screen.query_one("#status").render())
        await pilot.press("m")
        assert app.muted
        await app.workers.wait_for_complete()
    from sessiontimer.core.state import load_state

    saved = load_state(resolve().state_file)
    assert saved.volume == pytest.approx(volume.factor(-9.0))
    assert "muted" not in resolve().state_file.read_text()


async def test_volume_goes_off_after_the_quietest_step(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*["left_square_bracket"] * 12)
        assert app.ui_state.volume == 0.0
        assert "Volume off" in str(app.screen.query_one("#status").render())
        await pilot.press("right_square_bracket")
        assert "Volume \u221230 dB (1 of 11)" in str(app.screen.query_one("#status").render())


async def test_dim_mode_keeps_note_keys_and_wakes_on_other_keys(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert app.screen.has_class("-dim")
        await pilot.press("3", "r")
        assert app.screen.has_class("-dim")
        await pilot.press("space")  # only wakes: no pause
        assert not app.screen.has_class("-dim")
        assert not app.screen.recorder.engine.paused  # type: ignore[attr-defined]
        events = journal_events(app)
        assert of_type(events, "note")[-1]["region"] == "pelvic diaphragm"


async def test_end_with_closing_note(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        path = app.screen.recorder.writer.path
        await pilot.press(*"deeply relaxed", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
    events = read_journal(path).events
    assert of_type(events, "session_ended")[0]["reason"] == "key"
    assert of_type(events, "closing_note")[0]["text"] == "deeply relaxed"


async def test_end_without_closing_note(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await advance(app, pilot, clock, 20)
        await pilot.press("right", "right")
        await advance(app, pilot, clock, 21)  # closing runs out: the session completes
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        path = app.screen.recorder.writer.path
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
    events = read_journal(path).events
    assert of_type(events, "session_ended")[0]["reason"] == "completed"
    assert of_type(events, "closing_note") == []


async def test_help_lists_every_key(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        for binding in SessionScreen.BINDINGS:
            assert binding.description in text  # type: ignore[union-attr]
        assert "still point" in text and "temporal / jaw" in text and "ctrl+q" in text
        assert str(resolve().sessions_dir) in text
        await pilot.press("escape")
        assert isinstance(app.screen, SessionScreen)


async def test_quit_asks_and_journals_suspended(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        path = app.screen.recorder.writer.path  # type: ignore[attr-defined]
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("enter")
        await pilot.pause()
    events = read_journal(path).events
    assert events[-1]["type"] == "suspended"


async def test_ctrl_c_does_not_end_a_session(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c", "ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.is_running


async def test_session_ending_under_a_dialog_still_reaches_the_end_screen(
    clock: ManualClock,
) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.screen
        await pilot.press("right", "right", "right", "n")  # closing, then a note dialog opens
        await pilot.pause()
        clock.advance(25)
        session.tick()  # type: ignore[attr-defined]
        await pilot.pause()
        assert type(app.screen).__name__ == "TextNoteDialog"
        await pilot.press(*"calm", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)


async def test_markup_in_user_text_is_shown_as_typed(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"[b]tight[/] jaw", "enter")
        await pilot.pause()
        assert "[b]tight[/] jaw" in str(app.screen.query_one("#notes").render())


async def test_audio_backend_change_is_journaled_and_told_once(clock: ManualClock) -> None:
    from sessiontimer.audio.base import BackendChange
    from sessiontimer.ui.service_glue import BackendChanged

    app = build_app(clock, preset="Demo")
    app.backend_notice_delay = 0.05
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.post_message(BackendChanged(BackendChange("simpleaudio", "simpleaudio", "crash", 0.02)))
        app.post_message(BackendChanged(BackendChange("simpleaudio", "system", "3 crashes")))
        app.post_message(BackendChanged(BackendChange("system", "visual", "no device")))
        await pilot.pause(0.2)  # the notice waits (1 s in use) so a cascade is told once
        changes = of_type(journal_events(app), "audio_backend_changed")
        assert [(c["previous"], c["backend"]) for c in changes] == [
            ("simpleaudio", "simpleaudio"),
            ("simpleaudio", "system"),
            ("system", "visual"),
        ]
        told = [n.message for n in app._notifications if "cues" in n.message.lower()]
        assert told == [NO_SOUND_NOTICE]


async def test_quit_from_the_end_screen_leaves_a_complete_journal(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("h", "e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        writer = app.screen.recorder.writer
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert writer.pending == 0
    assert not app.session_lock.held  # closed properly: the next start may run a session
    kinds = [e["type"] for e in read_journal(writer.path).events]
    assert "note" in kinds and "session_ended" in kinds


async def test_direct_start_builds_no_start_screen_until_the_session_ends(
    clock: ManualClock,
) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        names = [type(s).__name__ for s in app.screen_stack]
        assert names[-1] == "SessionScreen" and "StartScreen" not in names
        await pilot.press("e", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        assert len(app.screen_stack) == 1  # Start replaced the session: nothing left over


async def test_a_direct_start_refused_by_the_lock_opens_on_start(clock: ManualClock) -> None:
    """Another instance runs a session: this one opens on Start, says why, and can quit."""
    from sessiontimer.core.lock import SessionLock

    other = SessionLock(resolve().lock_file)
    assert other.acquire()
    try:
        app = build_app(clock, preset="Demo")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert [type(s).__name__ for s in app.screen_stack] == ["StartScreen"]
            assert app.session is None
            texts = [str(n.message) for n in app._notifications]
            assert any("Another sessiontimer is running" in t for t in texts), texts
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.return_code == 0
        assert list(resolve().sessions_dir.rglob("*.jsonl")) == []  # no journal was begun
    finally:
        other.release()


@pytest.mark.parametrize("held_off", [True, False])
async def test_the_collector_held_off_at_launch_is_back_after_the_first_frame(
    clock: ManualClock, held_off: bool
) -> None:
    """The launcher holds Python's collector off while Textual loads (``cli``); the app
    freezes what start-up built and collects again after the first frame. An app the
    launcher did not start (as here in tests) leaves the collector alone."""
    import gc

    gc.unfreeze()
    if held_off:
        gc.disable()
    try:
        app = build_app(clock, preset="Demo")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert (gc.get_freeze_count() > 0) is held_off
    finally:
        gc.enable()
        gc.unfreeze()


async def test_sleep_is_held_off_while_a_session_runs(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inhibitor starts after the session's first frame and is let go when it closes."""
    from sessiontimer.ui import service_glue

    held: list[str] = []

    class FakeInhibitor:
        message = None

        def acquire(self) -> bool:
            held.append("acquire")
            return True

        def release(self) -> None:
            held.append("release")

    monkeypatch.setattr(service_glue, "SleepInhibitor", FakeInhibitor)
    app = make_app(quiet_settings(), resolve(), clock=clock, auto_tick=False, preset="Demo")
    app.reraise_errors = True
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20):
            await pilot.pause()
            if held:
                break
        assert held == ["acquire"]
        await pilot.press("e", "enter")
        await pilot.pause()
        await pilot.press("enter")  # save on the End screen: the session is closed
        await pilot.pause()
        assert held == ["acquire", "release"]


async def test_a_cue_flashes_the_phase_name(clock: ManualClock) -> None:
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        name = app.screen.query_one("#phase-name")
        name.remove_class("-flash")
        app.screen.flash_seconds = 60  # a loaded machine may take 1.5 s to get to the check
        await pilot.press("right")  # the next phase starts with its cue
        await pilot.pause()
        assert name.has_class("-flash")


async def test_a_direct_start_tells_of_config_problems(clock: ManualClock) -> None:
    from sessiontimer.core.config import ConfigError

    problem = ConfigError("bad value", path="config.toml", line=3, key="presets.x")
    app = build_app(clock, preset="Demo", config_errors=[problem])
    app.notice_hold = 0.0  # no sound notice to wait for
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        texts = [str(n.message) for n in app._notifications]
        assert any("config has 1 problem" in t for t in texts), texts


async def test_a_fallback_told_at_start_is_not_told_again(clock: ManualClock) -> None:
    from sessiontimer.audio.base import BackendChange
    from sessiontimer.core.notices import SOUND
    from sessiontimer.ui.service_glue import BackendChanged, ServiceNotice

    now = [0.0]
    app = build_app(clock, preset="Demo")
    app.backend_notice_delay = 0.05
    app.notice_clock = lambda: now[0]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.post_message(BackendChanged(BackendChange("simpleaudio", "visual", "no device")))
        app.post_message(ServiceNotice(NO_SOUND_NOTICE, "warning", "visual", SOUND))
        await pilot.pause(0.2)
        told = [n.message for n in app._notifications if "cues" in n.message.lower()]
        assert told == [NO_SOUND_NOTICE]
        app.post_message(BackendChanged(BackendChange("visual", "bell", "later change")))
        await pilot.pause(0.2)
        now[0] = 100.0  # the first notice has had its time
        app.notices.show_due()
        await pilot.pause()
        told = [n.message for n in app._notifications if "cues" in n.message.lower()]
        assert told[-1].startswith("Cues now sound as the terminal's bell")


async def test_totals_notes_and_phase_lines_follow_the_session(clock: ManualClock) -> None:
    """Parts are redrawn only when what they show changed: check each one does change."""
    app = build_app(clock, preset="Craniosacral 60")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        def text(selector: str) -> str:
            return str(app.screen.query_one(selector).render())

        assert "<1 min in · 1 h left · ends 10:00" in text("#totals")
        await advance(app, pilot, clock, 61)
        assert "1 min in · 59 min left" in text("#totals")
        await pilot.press("h", "t")
        await pilot.pause()
        assert "heat" in text("#notes") and "tingling" in text("#notes")
        await pilot.press("u")
        await pilot.pause()
        assert "heat" in text("#notes") and "tingling" not in text("#notes")
        await pilot.press("3")
        await pilot.pause()
        assert "Hands: " in text("#region") and "—" not in text("#region")
        await pilot.press("right")
        await pilot.pause()
        assert text("#phase-name").startswith("settling") and "listening" in text("#next-phase")
        await pilot.press("space")
        await pilot.pause()
        assert "PAUSED" in text("#state-badge")


async def test_start_up_notices_come_one_at_a_time_in_plain_words_sound_first(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's start: stay-awake refused, then the first cue finds no device. Shown as
    three stacked toasts in jargon ("Cues play through aplay (simpleaudio: ...)")."""
    from sessiontimer.audio.base import BackendChange
    from sessiontimer.inhibit import SleepInhibitor
    from sessiontimer.ui.service_glue import BackendChanged

    monkeypatch.setattr(SleepInhibitor, "_command", lambda self: None)  # refused here
    now = [0.0]
    app = build_app(clock, preset="Demo")
    app.keep_awake = True
    app.backend_notice_delay = 0.05
    app.notice_clock = lambda: now[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)  # the stay-awake helper has answered: its notice waits
        app.post_message(BackendChanged(BackendChange("system", "visual", "no sound device")))
        await pilot.pause(0.3)

        def shown() -> list[str]:
            return [str(n.message) for n in app._notifications]

        assert len(shown()) == 1, shown()
        assert shown()[0].startswith("No sound: cues will flash on screen")
        now[0] = 100.0
        app.notices.show_due()
        await pilot.pause()
        told = [t for t in shown() if "sleep" in t]
        assert told and "may go to sleep during the session" in told[0]
        assert "power settings" in told[0]
        for text in shown():
            for jargon in ("simpleaudio", "aplay", "through visual", "refused to stay awake"):
                assert jargon not in text, text
