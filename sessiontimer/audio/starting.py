"""Stands in for the audio service while it starts in a thread.

Importing the audio code and starting the service costs the screen its first frame by some
10 ms, so the app builds the service off the UI loop. Cues asked for meanwhile wait here, in
order, and go to the service the moment it is ready; if it cannot start, they are answered
as visual cues, as they would have been with no service at all.

``prepared`` says the backend is up and the first cue's sound is ready: a new session's clock
waits for it (``when_prepared``), so its start cue sounds at its moment. The start thread
waits for the first cue's answer (``wait_first_answer``) before it scales the other sounds,
which would otherwise hold the interpreter while that cue starts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

Call = tuple[str, tuple[Any, ...]]


class StartingAudio:
    """The ``play``/``set_master_volume`` face of an AudioService that is not there yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._service: Any = None
        self._failed = False
        self._closed = False
        self._why: str | None = None
        self._pending: list[Call] = []
        self._prepared = False
        self._on_prepared: list[Callable[[], None]] = []
        self._asked = False
        self._answered = threading.Event()

    @property
    def service(self) -> Any:
        """The real service once it is ready, else None."""
        return self._service

    @property
    def silent_reason(self) -> str | None:
        """Why cues will not be heard (words), or None while they will be (or may yet be)."""
        service = self._service
        return service.silent_reason if service is not None else self._why

    @property
    def backend_name(self) -> str:
        """The backend cues go to now ("visual" until a service is there)."""
        service = self._service
        return str(service.backend_name) if service is not None else "visual"

    @property
    def audible(self) -> bool:
        return self.silent_reason is None

    def ready(self, service: Any) -> None:
        """Hand over to ``service``: waiting calls first, in the order they came.

        A service that arrives after :meth:`close` is closed at once.
        """
        with self._lock:
            if self._closed:
                service.close()
                return
            for name, args in self._pending:
                getattr(service, name)(*args)
            self._pending.clear()
            self._service = service

    def prepared(self) -> None:
        """The backend is up and the first cue's sound is ready (or never will be)."""
        with self._lock:
            if self._prepared:
                return
            self._prepared = True
            callbacks, self._on_prepared = self._on_prepared, []
        for callback in callbacks:
            callback()

    def when_prepared(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once prepared (at once if it is), from the preparing thread."""
        with self._lock:
            if not self._prepared:
                self._on_prepared.append(callback)
                return
        callback()

    def wait_first_answer(self, timeout: float) -> bool:
        """Block until the first cue asked for has its answer (its onset), or ``timeout``."""
        return self._answered.wait(timeout)

    def failed(self, why: str = "sound could not start") -> None:
        """No service will come: waiting cues (and later ones) are answered as visual."""
        with self._lock:
            self._failed = True
            self._why = why
            pending, self._pending = self._pending, []
        for name, args in pending:
            if name == "play":
                _visual(args[3])
        self.prepared()

    def play(
        self,
        cue: Any,
        master_volume: float,
        muted: bool,
        on_result: Callable[[Any], None],
        at: float | None = None,
    ) -> Any:
        """As the service's ``play``; a cue ahead of its moment (``at``) is taken only once
        the service is there (its ticket is returned), else None and nothing is done."""
        if at is not None:
            service = self._service
            if service is None or self._closed or getattr(service, "cancel", None) is None:
                return None
            return service.play(cue, master_volume, muted, on_result, at)
        if not self._asked:
            self._asked = True
            on_result = self._noting_answer(on_result)
        with self._lock:
            if self._service is None and not self._failed:
                self._pending.append(("play", (cue, master_volume, muted, on_result)))
                return
        if self._service is not None and not self._closed:
            self._service.play(cue, master_volume, muted, on_result)
        else:
            _visual(on_result)

    def cancel(self, ticket: Any) -> bool:
        """Withdraw a cue handed over ahead (the service's ``cancel``)."""
        service = self._service
        return bool(service.cancel(ticket)) if service is not None else False

    def _noting_answer(self, on_result: Callable[[Any], None]) -> Callable[[Any], None]:
        def answered(outcome: Any) -> None:
            self._answered.set()
            on_result(outcome)

        return answered

    def set_master_volume(self, master_volume: float) -> None:
        with self._lock:
            if self._service is None and not self._failed:
                self._pending.append(("set_master_volume", (master_volume,)))
                return
        if self._service is not None:
            self._service.set_master_volume(master_volume)

    def close(self) -> None:
        """Close the service (its worker, players, temporary folder); safe to call twice.

        Cues asked for afterwards are answered as visual.
        """
        with self._lock:
            self._closed = self._failed = True
            service, pending = self._service, self._pending
            self._pending = []
        for name, args in pending:
            if name == "play":
                _visual(args[3])
        self.prepared()
        if service is not None:
            service.close()


def _visual(on_result: Callable[[Any], None]) -> None:
    from sessiontimer.audio.base import CueOutcome

    on_result(CueOutcome("visual", "visual", time.monotonic()))
