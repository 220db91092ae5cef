"""The audio service: the app's one door to sound.

It picks a backend chain from the settings, prepares every cue's sound before the session,
and plays cues without blocking the caller. A backend that fails to play a cue is dropped for
the rest of the service's life and the same cue goes to the next backend at once; the chain
always ends with the visual backend, so every ``play`` ends in exactly one ``on_result``.

Callbacks (``on_result``, ``on_backend_changed``) run on audio threads, never the caller's:
a Textual app should hop back with ``App.call_from_thread``.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sessiontimer.audio.base import (
    Backend,
    BackendChange,
    CueOutcome,
    Outcome,
    PlayJob,
    PlayResult,
)
from sessiontimer.audio.simple import SimpleaudioWorkerBackend
from sessiontimer.audio.sound import SoundError, SoundLibrary
from sessiontimer.audio.system import BellBackend, SystemPlayerBackend, VisualBackend
from sessiontimer.core.model import AudioSettings, Cue

OnResult = Callable[[CueOutcome], None]
BACKEND_NAMES = ("auto", "simpleaudio", "system", "bell", "visual")


def build_chain(settings: AudioSettings, ring: Callable[[], None] | None = None) -> list[Backend]:
    """The backends to try, best first, for ``audio.backend`` (always ending with visual)."""
    choice = settings.backend if settings.backend in BACKEND_NAMES else "auto"
    chain: list[Backend] = []
    if choice in ("auto", "simpleaudio"):
        chain.append(SimpleaudioWorkerBackend())
    if choice in ("auto", "simpleaudio", "system"):
        chain.append(SystemPlayerBackend())
    if settings.terminal_bell or choice == "bell":
        chain.append(BellBackend(ring))
    chain.append(VisualBackend())
    return chain


@dataclass
class _Request:
    cue: Cue
    master_volume: float
    muted: bool
    on_result: OnResult
    job: PlayJob | None = None
    message: str | None = None


class AudioService:
    """Prepare sounds, play cues, fall back calmly; see the module docstring."""

    def __init__(
        self,
        settings: AudioSettings,
        sound_dirs: list[Path],
        *,
        ring: Callable[[], None] | None = None,
        backends: Sequence[Backend] | None = None,
    ) -> None:
        self.settings = settings
        self.on_backend_changed: Callable[[BackendChange], None] | None = None
        self._chain = list(backends) if backends is not None else build_chain(settings, ring)
        self._library = SoundLibrary(sound_dirs)
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._index = 0
        self._reasons: list[str] = []
        self._inflight = 0
        self._idle = threading.Condition(self._lock)
        self._queue: queue.Queue[_Request | float | None] = queue.Queue()
        self._prepared: list[Cue] = []
        self._latest_volume: float | None = None
        self._skip_unavailable()
        for backend in self._chain:
            if isinstance(backend, SimpleaudioWorkerBackend):
                backend.on_restart = self._on_restart
                backend.on_broken = partial(self._demote, backend)
        self._thread = threading.Thread(target=self._run, daemon=True, name="sessiontimer-audio")
        self._thread.start()

    @property
    def backend(self) -> Backend:
        """The backend now in use."""
        with self._lock:
            return self._chain[self._index]

    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def chain(self) -> list[Backend]:
        """Every backend the service may use, best first (for ``doctor``)."""
        return list(self._chain)

    @property
    def fallback_message(self) -> str | None:
        """One calm sentence when the backend in use is not the first choice, else None."""
        with self._lock:
            if self._index == 0:
                return None
            why = "; ".join(self._reasons)
            return f"Cues play through {self.backend_name} ({why})."

    def _skip_unavailable(self) -> None:
        """Move past backends that cannot work here (cheap checks only)."""
        with self._lock:
            while self._index < len(self._chain) - 1:
                backend = self._chain[self._index]
                reason = backend.unavailable()
                if reason is None:
                    return
                self._reasons.append(f"{backend.name}: {reason}")
                self._index += 1

    def _start_backend(self) -> None:
        """Get the current backend ready, falling back until one starts."""
        while True:
            backend = self.backend
            error = backend.start()
            if error is None or backend is self._chain[-1]:
                return
            self._demote(backend, error)

    def prepare(self, cues: Iterable[Cue | None], master_volume: float | None = None) -> list[str]:
        """Before the session: start the backend, load, check, scale and cache every cue.

        This can take a moment (it starts the worker), so call it off the UI loop. Returns
        the problems found, one clear sentence each (the default sound stands in for them).
        """
        volume = self.settings.volume if master_volume is None else master_volume
        self._start_backend()
        problems: list[str] = []
        for cue in cues:
            if cue is None:
                continue
            self._prepared.append(cue)
            try:
                sound, message = self._library.scaled(cue, volume)
            except SoundError as exc:
                message = str(exc)
            else:
                self.backend.preload(sound)
            if message and message not in problems:
                problems.append(message)
        return problems

    def play(self, cue: Cue, master_volume: float, muted: bool, on_result: OnResult) -> None:
        """Play ``cue`` without blocking; ``on_result`` is called once, from an audio thread."""
        with self._lock:
            self._inflight += 1
        self._queue.put(_Request(cue, master_volume, muted, on_result))

    def set_master_volume(self, master_volume: float) -> None:
        """Scale the prepared cues for a new master level in the background, so the next
        cue at that level is not late (scaling a long sound takes tens of milliseconds)."""
        self._latest_volume = master_volume
        self._queue.put(float(master_volume))

    def _warm(self, master_volume: float) -> None:
        if master_volume != self._latest_volume:
            return  # a newer level was asked for since: skip this one
        for cue in list(self._prepared):
            try:
                sound, _ = self._library.scaled(cue, master_volume)
            except SoundError:
                continue
            self.backend.preload(sound)

    def _run(self) -> None:
        self._housekeeping()
        while (request := self._queue.get()) is not None:
            if isinstance(request, float):
                self._warm(request)
                continue
            try:
                self._dispatch(request)
            except Exception as exc:  # never let a cue take the audio thread down
                self._finish(
                    request, CueOutcome("failed", self.backend_name, time.monotonic(), str(exc))
                )

    def _housekeeping(self) -> None:
        """Off the caller's thread: clear what earlier versions left, keep the cache bounded."""
        from sessiontimer.audio.cache import remove_legacy_folders

        try:
            remove_legacy_folders()
            self._library.cache.prune()
        except Exception:  # housekeeping must never cost a cue
            pass

    def _dispatch(self, request: _Request) -> None:
        self._start_backend()  # cheap when already started; starts a fallback's resources
        backend = self.backend
        factor = request.cue.volume * request.master_volume
        if request.muted or factor <= 0:
            self._finish(request, CueOutcome("muted", backend.name, time.monotonic()))
            return
        if request.job is None:
            try:
                sound, request.message = self._library.scaled(request.cue, request.master_volume)
            except SoundError as exc:
                self._finish(
                    request, CueOutcome("failed", backend.name, time.monotonic(), str(exc))
                )
                return
            request.job = PlayJob(next(self._ids), sound)
        backend.play(request.job, lambda result: self._on_played(request, backend, result))

    def _on_played(self, request: _Request, backend: Backend, result: PlayResult) -> None:
        if result.error is None and result.started_at is not None:
            outcome: Outcome = "visual" if isinstance(backend, VisualBackend) else "played"
            self._finish(
                request, CueOutcome(outcome, backend.name, result.started_at, request.message)
            )
            return
        self._demote(backend, result.error or "failed")
        self._queue.put(request)  # the same cue, at once, on the next backend

    def _demote(self, backend: Backend, reason: str) -> None:
        """Drop ``backend`` (if still current) for the next one that can work; say so."""
        with self._lock:
            if self._chain[self._index] is not backend or self._index == len(self._chain) - 1:
                return
            previous = backend.name
            self._reasons.append(f"{previous}: {reason}")
            self._index += 1
            self._skip_unavailable()
            change = BackendChange(previous, self.backend_name, reason)
        if self.on_backend_changed is not None:
            self.on_backend_changed(change)

    def _on_restart(self, why: str, seconds: float) -> None:
        name = SimpleaudioWorkerBackend.name
        reason = f"the audio worker stopped ({why}) and was restarted in {seconds * 1000:.0f} ms"
        if self.on_backend_changed is not None:
            self.on_backend_changed(BackendChange(name, name, reason, seconds))

    def _finish(self, request: _Request, outcome: CueOutcome) -> None:
        try:
            request.on_result(outcome)
        finally:
            with self._lock:
                self._inflight -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until every cue has a result and no sound is still playing."""
        deadline = time.monotonic() + timeout
        with self._lock:
            if not self._idle.wait_for(lambda: self._inflight == 0, timeout):
                return False
        return all(b.wait_idle(max(0.0, deadline - time.monotonic())) for b in self._chain)

    def close(self) -> None:
        """Stop the audio thread and the worker; prepared sounds stay cached. Safe to repeat."""
        self._queue.put(None)
        self._thread.join(timeout=2.0)
        for backend in self._chain:
            backend.close()
        self._library.close()
