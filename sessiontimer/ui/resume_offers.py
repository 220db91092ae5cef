"""Offering interrupted sessions (a power cut, a kill) for resume, one at a time, on Start.

Finding them reads the journals, and so does continuing or closing the one chosen: both run
in thread workers, never on the UI loop.
"""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sessiontimer import __version__
from sessiontimer.core import running
from sessiontimer.core.notices import Notice
from sessiontimer.core.readable import count
from sessiontimer.core.running import SessionRefused
from sessiontimer.ui import service_glue, session_flow

if TYPE_CHECKING:
    from sessiontimer.ui.app import SessionTimerApp


class ResumeOffers:
    """The search, the dialog, and an offer kept while Start is hidden."""

    def __init__(self, app: SessionTimerApp) -> None:
        self.app = app
        self._waiting: list[tuple[Any, str]] = []  # found while away from Start
        self._told = False  # the notice that an offer waits was shown

    def search(self) -> None:
        """If a session was interrupted, offer to continue it (a worker finds it)."""
        app = self.app

        def find() -> None:
            problems: list[str] = []
            found = service_glue.interrupted_sessions(app, problems)
            for problem in problems:
                app.call_from_thread(app.notify, problem, severity="warning", timeout=10)
            if found:
                app.call_from_thread(self.offer, found)

        app.run_worker(find, thread=True, exit_on_error=False, group="resume")

    def offer(self, found: list[tuple[Any, str]]) -> None:
        """Offer the first interrupted session; once it is closed, the next one.

        Only on the Start screen, and not while a client's name is being typed: a search
        that ends late (a big folder) must not put its dialog over a timeline or a dialog
        being read, where it took the focus and the keys, nor under a name being typed,
        whose "c" would answer "continue". Otherwise the offer waits (a notice says so, once)
        until Start is shown again or its client field is left empty.
        """
        from sessiontimer.ui.dialogs.session import ResumeDialog
        from sessiontimer.ui.screens.session.start import StartScreen

        app = self.app
        if app.session is not None or not found:
            return  # a session was started meanwhile: offer next time
        screen = app.screen
        free = screen.free_for_offer() if isinstance(screen, StartScreen) else False
        if free is None:  # Start is being built: look again in a moment
            app.set_timer(0.05, partial(self.offer, found))
            return
        if not free:
            self._waiting = found
            if not self._told:
                self._told = True
                app.tell(
                    Notice(
                        f"{count(len(found), 'interrupted session')} found: you are asked "
                        f"about {'it' if len(found) == 1 else 'them'} on the Start screen "
                        "(with no client name typed).",
                        "information",
                        8,
                    )
                )
            return
        (path, description), rest = found[0], found[1:]
        if rest:
            description += f"\n({count(len(rest), 'more interrupted session')} after this one)"

        def chosen(how: str | None) -> None:
            if how in ("pause", "session", "close"):
                self._read(path, how, rest)

        app.push_screen(ResumeDialog(description), chosen)

    def start_shown(self) -> None:
        """Start is shown again or its field left: make the offer found while it was not."""
        found, self._waiting = self._waiting, []
        if found:
            self.app.call_after_refresh(self.offer, found)

    def _read(self, path: Path, how: str, rest: list[tuple[Any, str]]) -> None:
        """Read the chosen journal in a worker, a dialog saying how far (Escape stops it);
        then continue the session (on the UI thread) or close it (in the worker).

        A planted journal of a million lines takes half a minute to replay: on the UI loop
        the screen froze for all of it and no key, Escape included, was answered.
        """
        from textual.worker import get_current_worker

        from sessiontimer.core.journal_read import ResumeStopped, describe
        from sessiontimer.ui.dialogs.session import ReadingJournalDialog

        app, stop = self.app, threading.Event()
        closing = how == "close"
        dialog = ReadingJournalDialog(
            "Closing the interrupted session" if closing else "Continuing the interrupted session"
        )
        app.push_screen(dialog, lambda result: None if result else stop.set())

        def progress(done: int, size: int) -> None:
            dialog.done = (done, size)

        def read() -> None:
            worker = get_current_worker()
            said: str | None = None
            try:
                loaded = running.load(
                    path, lock=app.session_lock, progress=progress,
                    stop=lambda: stop.is_set() or worker.is_cancelled,
                )  # fmt: skip
                if closing and stop.is_set():  # Escape as the reading ended
                    loaded.give_up()
                    return
                if closing:
                    running.close_interrupted(
                        path, clock=app.clock, lock=app.session_lock, loaded=loaded
                    )
            except ResumeStopped:
                return  # the dialog is gone already; nothing was changed
            except SessionRefused as refused:
                said = str(refused)
            except Exception as error:  # a planted journal must not stop the app
                doing = "close" if closing else "resume"
                said = f"Cannot {doing} {path}: {describe(error)}"
            try:
                if said is not None:
                    app.call_from_thread(self._failed, dialog, said)
                elif closing:
                    app.call_from_thread(self._closed, dialog, path, rest)
                else:
                    app.call_from_thread(self._resume, dialog, stop, loaded, how)
            except RuntimeError:  # the app is gone (quit meanwhile)
                if said is None and not closing:
                    loaded.give_up()

        app.run_worker(read, thread=True, exit_on_error=False, group="resume-read")

    def _failed(self, dialog: Any, said: str) -> None:
        dialog.finished()
        self.app.notify(said, severity="warning", timeout=8)

    def _closed(self, dialog: Any, path: Path, rest: list[tuple[Any, str]]) -> None:
        app = self.app
        dialog.finished()
        service_glue.index_journal(app, path)
        app.notify("The interrupted session was closed.", timeout=4)
        app.call_after_refresh(self.offer, rest)

    def _resume(self, dialog: Any, stop: threading.Event, loaded: running.Loaded, how: str) -> None:
        from sessiontimer.core.journal_read import describe

        app, path = self.app, loaded.path
        if stop.is_set() or not dialog.is_active or app.session is not None:
            loaded.give_up()  # stopped as the reading ended: nothing is changed
            return
        dialog.finished()
        try:
            session, first = running.resume(
                path, how, clock=app.clock, settings=app.settings, lock=app.session_lock,
                app_version=__version__, hooks=service_glue.writer_hooks(app), loaded=loaded,
            )  # fmt: skip
        except Exception as error:  # a planted journal must not stop the app
            app.notify(f"Cannot resume {path}: {describe(error)}", severity="warning", timeout=8)
            return
        session_flow.adopt(app, session)
        app.push_screen(session_flow.session_screen(app, session, first))
