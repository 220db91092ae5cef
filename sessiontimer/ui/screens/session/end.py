"""End: what happened, and a closing note on how the client responded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from sessiontimer.core.readable import span
from sessiontimer.ui import key_bindings, navigation, session_flow
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.plain_text import styled, visible_controls
from sessiontimer.ui.widgets.key_bar import KeyBar
from sessiontimer.ui.widgets.session_view import noted
from sessiontimer.ui.widgets.waiting import WaitingLine

if TYPE_CHECKING:
    from pathlib import Path

    from sessiontimer.core.recorder import SessionRecorder
    from sessiontimer.core.running import RunningSession
    from sessiontimer.ui.app import SessionTimerApp


class EndScreen(AppScreen[None]):
    """Shown when a session ends; Enter saves the closing note and returns to Start.

    ctrl+q saves what was typed as the closing note, then quits.
    """

    BINDINGS = key_bindings.END
    # Keys after Enter / Escape go to Start; after Tab (and shift+tab) they wait until the
    # next field has the focus (ui/key_hold.py): typed in a burst, they reached the field
    # being left.
    HOLD_AFTER = frozenset({"enter", "escape"})

    def __init__(self, session: RunningSession) -> None:
        super().__init__()
        self.session = session
        self.phase_log = session.phase_log

    @property
    def recorder(self) -> SessionRecorder:
        return self.session.recorder

    def key_label(self, action: str) -> str | None:
        """The key line says what ctrl+q does here: the typed note is kept."""
        return "save and quit" if action == "quit_app" else None

    def compose(self) -> Any:
        engine = self.recorder.engine
        phases = engine.preset.phases
        rows = [f"  {phases[e.phase].name:<24} {span(e.length):>10}" for e in self.phase_log]
        notes = [f"  {visible_controls(line, newlines=False)}" for line in noted(self.recorder)]
        with Vertical(id="end"):
            yield Static(
                styled(
                    f"[b]{end_title(engine.end_reason)}[/] · $preset · $length",
                    preset=engine.preset.name,
                    length=span(engine.session_time()),
                    newlines=False,
                ),
                id="end-title",
            )
            with VerticalScroll(id="end-summary"):
                yield Static(styled("[b]Phases[/]\n$rows", rows="\n".join(rows)))
                yield Static(styled("[b]Notes[/]\n$notes", notes="\n".join(notes) or "  none"))
            yield Input(
                placeholder="closing note: how the client responded (enter saves)",
                id="closing-note",
            )
            yield Input(placeholder="plan for next time (tab to here; enter saves)", id="plan")
            yield Input(
                placeholder="pain after, 0-10 (tab to here; optional)",
                id="pain-after",
                restrict=r"[0-9]{0,2}",
                max_length=2,
            )
            yield WaitingLine(lambda: session_flow.waiting_text(self.st_app))
        yield KeyBar()

    def on_mount(self) -> None:
        for field in self.query("#closing-note").results(Input):
            field.focus()  # none when the app left while this screen was being built

    def on_descendant_focus(self) -> None:
        """A field took the focus (after Tab): the keys held since go to it now."""
        app = self.st_app
        app.key_hold.release(self)

    @on(Input.Submitted, "#closing-note")
    def save(self, event: Input.Submitted) -> None:
        self._done(event.value)  # the text as it was when Enter was pressed

    @on(Input.Submitted, "#plan, #pain-after")
    def save_plan(self, event: Input.Submitted) -> None:
        self._done(self.typed_closing_note())

    def action_done(self) -> None:
        self._done(None)

    def _done(self, closing_note: str | None) -> None:
        """Close the session ("Session saved." is said once its lines are on disk)."""
        if self.session.final or not self._pain_ok():
            return
        app = self.st_app
        self._write_plan()
        session_flow.close(app, self.session, closing_note)
        navigation.back_to_start(app)

    def _typed(self, field: str) -> str:
        """What the field ``#field`` holds now.

        Nothing yet while the screen is being built: a way out (a signal, a lost terminal)
        can come between the switch to this screen and its fields' mount, and it must still
        close the session instead of failing (the loop dropped the error and the signal).
        """
        found = next(iter(self.query(f"#{field}").results(Input)), None)
        return "" if found is None else found.value

    def _pain_after(self) -> int | None:
        """The pain score typed (None: none typed, or not a score from 0 to 10)."""
        typed = self._typed("pain-after").strip()
        return int(typed) if typed.isdigit() and 0 <= int(typed) <= 10 else None

    def _pain_ok(self) -> bool:
        """No pain typed, or a score 0-10; otherwise say so and go to the field."""
        if not self._typed("pain-after").strip() or self._pain_after() is not None:
            return True
        field = self.query_one("#pain-after", Input)
        field.focus()
        app = self.st_app
        app.key_hold.release(self)  # the screen stays: the keys typed after Enter are its own
        self.notify(
            f"Pain after: {field.value.strip()} is not a score; type a number from 0 to 10 "
            "(or clear the field), then Enter.",
            severity="warning",
            markup=False,
        )
        return False

    def _write_plan(self) -> None:
        """The plan for next time and the pain after, if typed (``plan``, ``pain``)."""
        plan = self._typed("plan").strip()
        if plan and not self.session.final:
            self.recorder.plan(plan)
        pain = self._pain_after()
        if pain is not None and not self.session.final:
            self.recorder.pain(pain, after=True)  # the note's "pain after"

    def action_sign(self) -> None:
        """Save like Enter, then sign the note once every line is on disk."""
        app = self.st_app
        if self.session.final:
            return
        if app.settings.practitioner is None:
            from sessiontimer.review.sign import NO_PRACTITIONER

            app.notify(NO_PRACTITIONER, title="Not signed", severity="warning", timeout=12)
            return
        session = self.session
        self._done(self.typed_closing_note())
        sign_when_saved(app, session)

    def action_treatment_note(self) -> None:
        """The note as it would be saved now (the typed closing note and plan included)."""
        from sessiontimer.review.note_view import ShownNote, journal_note

        app = self.st_app
        path, writer = self.session.path, self.recorder.writer
        typed = {
            "closing_note": self.typed_closing_note(),
            "plan": self._typed("plan"),
        }
        pain = self._pain_after()

        def load() -> ShownNote:
            on_disk = writer.flush(2.0)
            shown = journal_note(
                path, path.stem, app.settings.practitioner, typed=typed, pain_after=pain
            )
            if not on_disk:
                late = "Some lines still wait for the disk: the last findings may be missing."
                shown = ShownNote(shown.text, f"{shown.status} {late}")
            return shown

        navigation.treatment_note(self.app, "Treatment note", path.stem, load)

    def quit_requested(self) -> None:
        """ctrl+q: what was typed is the closing note; then the app quits (not while the
        pain-after field holds something that is no score: it says so instead)."""
        app = self.st_app
        if not self.session.final and not self._pain_ok():
            return
        self._write_plan()
        app.leave("quit", closing_note=self.typed_closing_note())

    def keep_typed(self) -> str:
        """Any way out that cannot ask (a signal, a lost terminal): the plan and the pain
        after are journaled, and the typed closing note is returned for the close."""
        self._write_plan()
        return self.typed_closing_note()

    def typed_closing_note(self) -> str:
        """What is in the closing-note field now (any way out keeps it)."""
        return self._typed("closing-note")


def sign_when_saved(app: SessionTimerApp, session: RunningSession) -> None:
    """Sign the closed session's note from a thread once its lines are on disk; say how it went."""
    import contextlib
    import threading
    from datetime import datetime

    from sessiontimer import __version__

    def run() -> None:
        from sessiontimer.review.edit import EditError
        from sessiontimer.review.sign import covered, sign

        if not session.wait(30):
            message, severity = "Not signed: the journal is still waiting for the disk.", "error"
        else:
            try:
                done = sign(session.path, session.path.stem, app.settings.practitioner,
                            datetime.now().astimezone(), __version__)  # fmt: skip
                _index_signed(app, session.path)  # the Sessions list no longer says unsigned
                message, severity = "Note signed.", "information"
                if done.left_out:
                    message += " " + covered(done.left_out)
            except (EditError, OSError) as exc:
                message, severity = f"Not signed: {exc}", "error"
        with contextlib.suppress(RuntimeError):  # the app has gone: the journal says it all
            app.call_from_thread(app.notify, message, severity=severity, timeout=6)

    threading.Thread(target=run, name="sign-note", daemon=True).start()


def _index_signed(app: SessionTimerApp, path: Path) -> None:
    """The journal's rows in the review index, now it holds the signature."""
    from sessiontimer.review.index import update

    sessions_dir = app.paths.sessions_dir
    try:
        rel = path.relative_to(sessions_dir).as_posix()
    except ValueError:
        return
    update(sessions_dir, app.paths.state_dir, [rel])


def end_title(reason: str | None) -> str:
    """What the End screen calls the session: the words the Sessions list uses for it."""
    return "Session complete" if reason == "completed" else "Session ended early"
