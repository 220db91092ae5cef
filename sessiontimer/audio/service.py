"""The audio service: the app's one door to sound.

It picks a backend chain from the settings, prepares every cue's sound before the session,
and plays cues without blocking the caller. A backend that fails to play a cue hands the same
cue to the next backend at once; the chain always ends with the visual backend, so every
``play`` ends in exactly one ``on_result``. Nothing is given up for good: every cue tries the
best backend first, and while a lesser one is in use the better ones are probed with a moment
of silence every ``retry_every`` seconds, so sound comes back as soon as the device does.
Reasons are kept in words (``reasons.in_words``); ``silent_reason`` says when cues won't be
heard.

Callbacks (``on_result``, ``on_backend_changed``) run on audio threads, never the caller's:
a Textual app should hop back with ``App.call_from_thread``.
"""

from __future__ import annotations

import itertools
import queue
import sys
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
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
from sessiontimer.audio.reasons import in_words
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


# How long before its moment a planned cue is handed over: more than a loaded machine's late
# wake-ups (tens of ms), far less than a cue's spacing, so the device is not held between cues.
AHEAD = 0.25
RETRY_EVERY = 20.0  # seconds: while degraded, how often the better backends are probed
# A cue crosses threads (the UI's to the audio thread, the worker's reply to its reader): at
# Python's default 5 ms switch interval each hop could wait 5 ms behind the UI's rendering.
SWITCH_INTERVAL = 0.001
# A cancel this close to a cue's moment may reach its device too late to drop it (the stream
# and the fed player fade what is within 30 ms of its onset; the hop to the worker comes on
# top): if the backend then says the sound began, that outcome is passed on all the same.
LATE_CANCEL = 0.06
FADED = "cut short: taken back as it began, it faded out"


def quick_handover() -> None:
    """Let a waiting thread take the interpreter within a millisecond (process-wide)."""
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)


@dataclass
class _Request:
    cue: Cue
    master_volume: float
    muted: bool
    on_result: OnResult
    job: PlayJob | None = None
    message: str | None = None
    position: int | None = None  # the chain index being tried (each cue starts at the best)
    at: float | None = None  # handed over ahead: the moment it is due (time.monotonic())
    cancelled: bool = False
    over: bool = False  # on_result called (or cancelled): never twice
    cancelled_late: bool = False  # within LATE_CANCEL of its moment: it may yet begin (fading)
    backend: str | None = None  # the name of the backend that played it (its later words)


@dataclass(frozen=True)
class Ticket:
    """A cue given to :meth:`AudioService.play`: what :meth:`AudioService.cancel` takes."""

    request: _Request = field(repr=False)

    @property
    def may_sound(self) -> bool:
        """Cancelled so close to its moment that it may yet begin (then fade): its outcome,
        ``faded``, may still come (``LATE_CANCEL``); False for one dropped for sure."""
        return self.request.cancelled_late

    @property
    def imminent(self) -> bool:
        """Its moment is under ``LATE_CANCEL`` away: its device may hold its sound already,
        and taken back now it would sound a moment and fade all the same."""
        at = self.request.at
        return at is not None and not self.request.over and time.monotonic() >= at - LATE_CANCEL


class AudioService:
    """Prepare sounds, play cues, fall back calmly, come back; see the module docstring."""

    def __init__(
        self,
        settings: AudioSettings,
        sound_dirs: list[Path],
        *,
        ring: Callable[[], None] | None = None,
        backends: Sequence[Backend] | None = None,
        retry_every: float = RETRY_EVERY,
    ) -> None:
        self.settings = settings
        self.on_backend_changed: Callable[[BackendChange], None] | None = None
        self.retry_every = retry_every
        quick_handover()
        self._chain = list(backends) if backends is not None else build_chain(settings, ring)
        self._library = SoundLibrary(sound_dirs)
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._index = 0
        self._reasons: dict[str, str] = {}
        self._silent: str | None = None
        self._inflight = 0
        self._idle = threading.Condition(self._lock)
        self._queue: queue.Queue[_Request | float | None] = queue.Queue()
        self._prepared: list[Cue] = []
        self._latest_volume: float | None = None
        self._next_probe = 0.0
        self._closed = False
        self._told: str | None = None  # the backend name the outcomes and changes last carried
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
            why = "; ".join(
                f"{b.name}: {self._reasons[b.name]}"
                for b in self._chain[: self._index]
                if b.name in self._reasons
            )
            return f"Cues play through {self.backend_name} ({why})."

    @property
    def silent_reason(self) -> str | None:
        """Why cues will not be heard now (in words), or None while they will be."""
        return self._silent

    @property
    def audible(self) -> bool:
        """Whether cues will be heard now (the session screen marks it when not)."""
        return self._silent is None

    def _update_silence(self) -> None:
        current = self._chain[self._index]
        if not isinstance(current, VisualBackend):
            self._silent = None
        elif self.settings.backend == "visual":
            self._silent = 'cues are visual only (audio.backend = "visual")'
        else:
            reasons = [self._reasons[b.name] for b in self._chain if b.name in self._reasons]
            device = [r for r in reasons if r.startswith("no sound")]
            self._silent = (device or reasons or ["no backend could play a sound"])[0]

    def _record(self, backend: Backend, raw: str) -> str:
        words = in_words(raw)
        with self._lock:
            self._reasons[backend.name] = words
        return words

    def _skip_unavailable(self) -> None:
        """Move past backends that cannot work here (cheap checks only)."""
        with self._lock:
            while self._index < len(self._chain) - 1:
                backend = self._chain[self._index]
                reason = backend.unavailable()
                if reason is None:
                    break
                self._record(backend, reason)
                self._index += 1
            self._update_silence()

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

    def play(
        self,
        cue: Cue,
        master_volume: float,
        muted: bool,
        on_result: OnResult,
        at: float | None = None,
    ) -> Ticket:
        """Play ``cue`` without blocking; ``on_result`` is called once, from an audio thread.

        ``at`` (``time.monotonic()``, a little ahead: ``AHEAD``) hands a cue over before its
        moment: the worker starts the sound exactly then on the device's clock, so a late
        wake-up of the app or the worker does not move it; a backend that cannot schedule is
        given the cue at ``at``. The ticket cancels it (:meth:`cancel`) until it is heard.
        """
        with self._lock:
            self._inflight += 1
        request = _Request(cue, master_volume, muted, on_result, at=at)
        if self._closed:  # after close: answered at once, as the visual cue it will be
            self._finish(request, CueOutcome("visual", "visual", time.monotonic()))
            return Ticket(request)
        if not self._play_now(request):
            self._queue.put(request)
        return Ticket(request)

    def cancel(self, ticket: Ticket) -> bool:
        """Withdraw a cue handed over ahead (paused, skipped, muted, the volume changed, the
        session ended before its moment). True if it had no outcome yet: it then gets none,
        and a sound not yet begun is never heard. A cue whose device held its sound when the
        cancel came (within ``LATE_CANCEL`` of its moment: ``Ticket.may_sound``) sounds a
        moment and fades out; its outcome then comes all the same, as ``faded``."""
        request = ticket.request
        with self._lock:
            if request.over:
                return False
            request.cancelled = request.over = True
            request.cancelled_late = (
                request.at is not None and time.monotonic() >= request.at - LATE_CANCEL
            )
            self._inflight -= 1
            self._idle.notify_all()
            job = request.job
        if job is not None and request.position is not None:
            cancel = getattr(self._chain[request.position], "cancel", None)
            if cancel is not None:
                cancel(job.id)
        return True

    def _play_now(self, request: _Request) -> bool:
        """The common case without the hop to the audio thread (under load, waiting for that
        thread to be scheduled cost a cue 1-73 ms): the best backend in use, the sound already
        prepared, nothing queued before it, and a backend that can take it without blocking
        (the worker's pipe). Anything else goes through the queue, as before."""
        if request.muted or not self._queue.empty():
            return False
        with self._lock:
            if self._index != 0:
                return False
            backend = self._chain[0]
        play_now = getattr(backend, "play_now", None)
        ready = self._library.ready(request.cue, request.master_volume)
        if play_now is None or ready is None or request.cue.volume * request.master_volume <= 0:
            return False
        sound, request.message = ready
        at = request.at if getattr(backend, "schedules", False) else None
        if request.at is not None and at is None:
            return False  # held until its moment by the audio thread (see _attempt)
        request.job = PlayJob(next(self._ids), sound, partial(self._lost, request), at)
        request.position = 0
        sent: bool = play_now(
            request.job, lambda result: self._on_played(request, 0, backend, result)
        )
        return sent

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
        while True:
            try:
                request = self._queue.get(timeout=self._probe_wait())
            except queue.Empty:
                self._probe()
                continue
            if request is None:
                return
            if isinstance(request, float):
                self._warm(request)
                continue
            try:
                self._dispatch(request)
            except Exception as exc:  # never let a cue take the audio thread down
                self._finish(
                    request, CueOutcome("failed", self.backend_name, time.monotonic(), str(exc))
                )

    def _probe_wait(self) -> float | None:
        """None (sleep until a request) while the best backend is in use; else until a probe."""
        with self._lock:
            if self._index == 0:
                return None
        return max(0.0, self._next_probe - time.monotonic())

    def _housekeeping(self) -> None:
        """Off the caller's thread: clear what earlier versions left, keep the cache bounded."""
        from sessiontimer.audio.cache import remove_legacy_folders

        try:
            remove_legacy_folders()
            self._library.cache.prune()
        except Exception:  # housekeeping must never cost a cue
            pass

    def _dispatch(self, request: _Request) -> None:
        if request.cancelled:
            return
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
            request.job = PlayJob(next(self._ids), sound, partial(self._lost, request), request.at)
        if request.position is None:
            request.position = 0  # every cue tries the best backend first: sound comes back
        self._attempt(request)

    def _attempt(self, request: _Request) -> None:
        """Play on the backend at ``request.position``, moving down past those that can't."""
        assert request.job is not None and request.position is not None
        last = len(self._chain) - 1
        while True:
            pos = request.position
            backend = self._chain[pos]
            why = None if pos == last else (backend.unavailable() or backend.start())
            if why is None:
                break
            self._record(backend, why)
            request.position = pos + 1
        if request.cancelled:
            return
        if request.job.at is not None and not getattr(backend, "schedules", False):
            request.job = replace(request.job, at=None)  # this one is handed the cue at its moment
            wait = (request.at or 0.0) - time.monotonic()
            if wait > 0:
                timer = threading.Timer(wait, self._queue.put, (request,))
                timer.daemon = True
                timer.start()
                return
        backend.play(request.job, lambda result: self._on_played(request, pos, backend, result))

    def _on_played(self, request: _Request, pos: int, backend: Backend, result: PlayResult) -> None:
        if request.cancelled:
            if request.cancelled_late and result.error is None and result.started_at is not None:
                request.cancelled_late = False  # once
                self._settle(pos)  # it did sound there: a fallback is told before its line
                heard = CueOutcome("faded", self._named(backend), result.started_at, FADED)
                request.on_result(heard)  # it sounded a moment and faded: its line says so
            return
        if result.error is None and result.started_at is not None:
            self._settle(pos)
            name = self._named(backend)
            request.backend = name
            outcome: Outcome = "visual" if isinstance(backend, VisualBackend) else "played"
            self._finish(request, CueOutcome(outcome, name, result.started_at, request.message))
            return
        self._record(backend, result.error or "failed")
        request.position = pos + 1
        self._queue.put(request)  # the same cue, at once, on the next backend

    def _lost(self, request: _Request, reason: str) -> None:
        """A cue that had started was cut short: a later word, so its journal line is updated."""
        if request.cancelled:
            return
        words = in_words(reason)
        name = request.backend or self.backend_name  # the one that played it, not the one now
        request.on_result(CueOutcome("failed", name, time.monotonic(), words, True))

    def _named(self, backend: Backend) -> str:
        """The name an outcome of ``backend`` carries. One backend's name can change without
        a fallback (the system player moving from pw-play to aplay): that is told as a change
        first, so no line names a backend the journal was not told of."""
        name = backend.name
        with self._lock:
            previous, self._told = self._told, name
        if previous is not None and previous != name and self.on_backend_changed is not None:
            self.on_backend_changed(BackendChange(previous, name, f"{previous} could not play"))
        return name

    def _tell(self, change: BackendChange) -> None:
        """Tell a fallback or a return; the name outcomes carry from now on is its current."""
        with self._lock:
            self._told = change.current
        if self.on_backend_changed is not None:
            self.on_backend_changed(change)

    def _settle(self, pos: int) -> None:
        """Backend ``pos`` just worked: it is the one in use now; say so if that changed."""
        with self._lock:
            if pos == self._index:
                return
            previous, current = self._chain[self._index].name, self._chain[pos].name
            if pos < self._index:
                reason = "sound is back"
                for backend in self._chain[: pos + 1]:
                    self._reasons.pop(backend.name, None)
            else:
                reason = self._reasons.get(previous, "failed")
            self._index = pos
            self._next_probe = time.monotonic() + self.retry_every
            self._update_silence()
            change = BackendChange(self._told or previous, current, reason)
        self._tell(change)

    def _probe(self) -> None:
        """While degraded: try each better backend with a moment of silence; settle on one."""
        with self._lock:
            self._next_probe = time.monotonic() + self.retry_every
            better = list(enumerate(self._chain[: self._index]))
        for pos, backend in better:
            revive = getattr(backend, "revive", None)
            if revive is not None:
                revive()
            why = backend.unavailable() or backend.start()
            if why is None:
                why = self._play_silence(backend)
            if why is None:
                self._settle(pos)
                return
            self._record(backend, why)

    def _play_silence(self, backend: Backend) -> str | None:
        from sessiontimer.audio.sound import ScaledSound

        samples = array("h", bytes(2 * 1600))  # 50 ms at 32 kHz
        wav = self._library.cache.store("probe-silence-50ms", samples, 32000, 1)
        done, results = threading.Event(), []

        def finished(result: PlayResult) -> None:
            results.append(result)
            done.set()

        backend.play(PlayJob(next(self._ids), ScaledSound(wav, samples, 32000, 1, wav)), finished)
        if not done.wait(5.0):
            return "no answer within 5 s"
        return results[0].error

    def _demote(self, backend: Backend, reason: str) -> None:
        """Drop ``backend`` (if still current) for the next one that can work; say so."""
        with self._lock:
            if self._chain[self._index] is not backend or self._index == len(self._chain) - 1:
                return
            previous = backend.name
            self._record(backend, reason)
            self._index += 1
            self._next_probe = time.monotonic() + self.retry_every
            self._skip_unavailable()
            change = BackendChange(
                self._told or previous, self.backend_name, self._reasons[previous]
            )
        self._tell(change)

    def _on_restart(self, why: str, seconds: float) -> None:
        name = SimpleaudioWorkerBackend.name
        reason = f"the audio worker stopped ({why}) and was restarted in {seconds * 1000:.0f} ms"
        if self.on_backend_changed is not None:
            self.on_backend_changed(BackendChange(name, name, reason, seconds))

    def _finish(self, request: _Request, outcome: CueOutcome) -> None:
        with self._lock:
            if request.over:
                return
            request.over = True
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
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout=2.0)
        for backend in self._chain:
            backend.close()
        self._library.close()
