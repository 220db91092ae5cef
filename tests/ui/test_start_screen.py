"""The Start screen: pick, start, resume an interrupted session, test chime, theme."""

from __future__ import annotations

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.journal import session_path
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.recorder import SessionRecorder
from sessiontimer.core.state import load_state
from sessiontimer.paths import resolve
from sessiontimer.review.edit import rename_client
from sessiontimer.ui.screens.session.running import SessionScreen
from tests.ui.conftest import WALL, build_app, quiet_settings


def crashed_session(clock: ManualClock) -> str:
    """A Craniosacral 60 session that died 9 min in (settling), with one note."""
    settings = quiet_settings()
    preset = settings.preset("Craniosacral 60")
    path = session_path(resolve().sessions_dir, clock.wall())
    recorder = SessionRecorder(
        SessionEngine(preset, clock), JournalWriter(path), clock,
        settings=settings, client="C.D.", app_version="test",
    )  # fmt: skip
    recorder.start()
    clock.advance(9 * 60)
    recorder.tick()
    recorder.note(tag="release", key="r")
    assert recorder.writer.flush(5)
    recorder.writer.close()  # no session_ended: as after a power cut
    return str(path)


async def test_enter_starts_the_highlighted_preset_with_client(clock: ManualClock) -> None:
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        names = [p.name for p in app.settings.presets]
        for _ in range(names.index("Demo")):
            await pilot.press("down")
        await pilot.press("tab", *"A.B.", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.recorder.engine.preset.name == "Demo"
        assert app.screen.recorder.client == "A.B."
    assert load_state(resolve().state_file).last_preset == "Demo"


async def test_interrupted_session_is_offered_and_continues_where_it_stood(
    clock: ManualClock,
) -> None:
    path = crashed_session(clock)
    clock.advance(120)  # two minutes pass before the app starts again
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ResumeDialog"
        await pilot.press("c")  # continue, the gap as a pause
        await app.workers.wait_for_complete()  # the journal is read in a worker
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        snap = app.screen.recorder.engine.snapshot()
        assert snap.phase.name == "settling"
        assert snap.session_elapsed == 9 * 60
        assert "release" in str(app.screen.query_one("#notes").render())
        app.screen.recorder.writer.flush(5)
    events = read_journal(path).events
    kinds = [e["type"] for e in events]
    resumed = kinds.index("resumed_after_crash")
    assert kinds[resumed - 1] == "suspended"
    # the crashed run never journaled settling's start cue, so it (and only it) plays now
    after = [e for e in events[resumed:] if e["type"] == "cue"]
    assert [(c["kind"], c["phase"]) for c in after] == [("phase_start", 1)]


async def test_a_client_renamed_after_the_crash_is_offered_and_resumed_under_the_new_name(
    clock: ManualClock,
) -> None:
    """`logs rename` appends an `amended` line: the offer and the resumed session use it."""
    crashed_session(clock)
    paths = resolve()
    rename_client(paths.sessions_dir, paths.state_dir, "C.D.", "Carla D.", clock.wall())
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ResumeDialog"
        shown = str(app.screen.query_one(".dialog-question").render())
        assert "for Carla D.," in shown and "C.D." not in shown
        await pilot.press("c")
        await app.workers.wait_for_complete()  # the journal is read in a worker
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.recorder.client == "Carla D."
        assert "Carla D." in str(app.screen.query_one("#totals").render())
        app.screen.recorder.writer.flush(5)


async def test_a_session_running_in_another_instance_is_not_offered_for_resume(
    clock: ManualClock,
) -> None:
    """Its journal is unfinished because it is being written: no resume offer."""
    from sessiontimer.core.lock import SessionLock

    crashed_session(clock)
    other = SessionLock(resolve().lock_file)
    assert other.acquire()  # the other instance, running that session
    try:
        app = build_app(clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert type(app.screen).__name__ == "StartScreen"
    finally:
        other.release()


async def test_interrupted_session_can_be_closed(clock: ManualClock) -> None:
    path = crashed_session(clock)
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("x")
        await app.workers.wait_for_complete()  # the journal is read in a worker
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
    ended = [e for e in read_journal(path).events if e["type"] == "session_ended"]
    assert ended and ended[0]["reason"] == "interrupted"


async def test_test_chime_reports_where_it_played(clock: ManualClock) -> None:
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        for _ in range(50):
            await pilot.pause(0.02)
            if app._notifications:
                break
        texts = [n.message for n in app._notifications]
        assert any("Test chime" in t and "visual" in t for t in texts), texts


async def test_theme_toggle_is_remembered(clock: ManualClock) -> None:
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "ember"
        await pilot.press("f2")
        assert app.theme == "daylight"
        await app.workers.wait_for_complete()
    assert load_state(resolve().state_file).theme == "daylight"
    again = build_app(ManualClock(wall_start=WALL))
    assert again.theme == "daylight"


async def test_config_errors_are_shown_on_start(clock: ManualClock, tmp_path) -> None:
    from sessiontimer.core.config import load_settings

    bad = tmp_path / "config.toml"
    bad.write_text("[general]\ndefault_preset = 5\n", encoding="utf-8")
    _, errors = load_settings(bad, must_exist=True)
    assert errors
    app = build_app(clock, config_errors=errors)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#start-messages").render())
        assert "config.toml, line 2" in shown


async def test_last_visit_shows_only_for_a_known_client_and_hides(clock: ManualClock) -> None:
    settings = quiet_settings()
    path = session_path(resolve().sessions_dir, clock.wall())
    recorder = SessionRecorder(
        SessionEngine(settings.preset("Demo"), clock), JournalWriter(path), clock,
        settings=settings, client="Anna", app_version="test",
    )  # fmt: skip
    recorder.start()
    recorder.note(tag="heat", key="h")
    recorder.end()
    recorder.closing_note("slept deeply")
    recorder.plan("recheck the [b]sacrum[/b]")
    assert recorder.close()
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one("#last-visit")
        await pilot.press("tab", *"ann")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not panel.display  # not a client yet: nothing about anyone is shown
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert panel.display
        text = str(panel.render())
        assert "heat" in text and "slept deeply" in text and "2026-11-24" in text
        assert "Plan for this visit" in text and "recheck the [b]sacrum[/b]" in text
        await pilot.press("ctrl+o")
        assert not panel.display


async def test_presets_edited_in_the_app_appear_on_start(clock: ManualClock) -> None:
    from dataclasses import replace

    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert type(app.screen).__name__ == "PresetsScreen"
        demo = app.settings.preset("Demo")
        app.settings = replace(
            app.settings, presets=(replace(demo, name="Short demo"), *app.settings.presets)
        )
        await pilot.press("escape")
        await pilot.pause()
        options = app.screen.query_one("#presets")
        assert options.get_option_at_index(0).id == "Short demo"


async def test_back_on_start_after_a_session_nothing_of_the_client_remains(
    clock: ManualClock,
) -> None:
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab", *"A.B.", "enter")
        await pilot.pause()
        await pilot.press("e", "enter")
        await pilot.pause()
        await pilot.press(*"fine", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        assert app.screen.query_one("#client").value == ""
        assert app.focused is app.screen.query_one("#presets")


async def test_help_and_back_keeps_the_typed_client(clock: ManualClock) -> None:
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab", *"A.B.", "f1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#client").value == "A.B."


async def test_help_from_start_lists_the_start_keys(clock: ManualClock) -> None:
    from sessiontimer.ui.screens.session.start import StartScreen

    app = build_app(clock)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        for binding in StartScreen.BINDINGS:
            assert binding.description in text  # type: ignore[union-attr]
        assert "Theme" in text


async def test_unwritable_log_folder_warns_and_the_session_goes_on(
    clock: ManualClock, tmp_path, monkeypatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("SESSIONTIMER_DATA_DIR", str(blocker / "data"))
    app = build_app(clock, preset="Demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("r")
        await pilot.pause()
        texts = [n.message for n in app._notifications]
        assert any("not writable" in t for t in texts), texts
        assert app.screen.recorder.recent_notes[-1].tag == "release"


async def test_a_name_typed_fast_then_enter_is_kept_whole(clock: ManualClock) -> None:
    """Keys arrive in one read (a fast typist, a pasted name): Enter must not overtake them."""
    from textual import events

    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        for char in "Benedikt":  # posted at once, as a terminal read delivers them
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionScreen"
        assert app.screen.recorder.client == "Benedikt"  # type: ignore[attr-defined]


async def test_the_highlighted_preset_stays_in_view_when_the_last_visit_opens() -> None:
    from dataclasses import replace as dc_replace
    from types import SimpleNamespace

    from textual.widgets import Input, OptionList

    from tests.ui.conftest import FakeAudio, quiet_settings

    base = quiet_settings()
    extra = tuple(
        dc_replace(base.presets[0], name=f"Extra preset {c}") for c in "ABC"
    )  # seven presets in all
    settings = dc_replace(base, presets=base.presets + extra)
    app = build_app(settings=settings, audio=FakeAudio())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#presets", OptionList)
        options.highlighted = len(settings.presets) - 1  # the last preset
        await pilot.pause()
        last = settings.presets[-1].name
        assert options.highlighted == len(settings.presets) - 1
        client = app.screen.query_one("#client", Input)
        client.value = "AB"
        visit = SimpleNamespace(
            date="2026-11-20", preset="Demo", duration=600.0, notes=["0:10 release"] * 8,
            closing="felt lighter", plan=None,
        )  # fmt: skip
        app.screen._show_visit("AB", visit)  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.pause()
        text = "\n".join(
            "".join(seg.text for seg in strip)
            for strip in app.screen._compositor.render_update(full=True).strips
        )
        assert "Last visit" in text
        assert last in text, text


async def test_ctrl_e_opens_the_presets_while_the_client_field_has_the_cursor(
    clock: ManualClock,
) -> None:
    """The key bar says '^e Presets', and a name typed in the client field left ctrl+e to
    the field (end of line): nothing opened. The other keys of the bar worked from there."""
    app = build_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab", *"Anna", "ctrl+e")
        await pilot.pause()
        assert type(app.screen).__name__ == "PresetsScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#client").value == "Anna"
