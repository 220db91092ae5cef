"""A sound streamed to ALSA in 10 ms pieces, so that it can fade out instead of stopping dead.

simpleaudio hands the whole buffer to its own C thread (a copy: it cannot be changed while it
plays) and its ``stop()`` cuts the sound mid-wave, which clicks. In the worker on Linux the
same libasound calls simpleaudio makes (open "default", ``snd_pcm_set_params``, ``writei``,
drain, close) are made here through ctypes, a piece at a time (``fade.FadingFrames``, the
write loop the system players' feeds share); :meth:`AlsaStream.fade` makes the pieces not
yet written ramp down to silence over ``fade.FADE`` seconds (a raised cosine), so a
cue cut short by quit or by a newer cue ends softly. The device holds at most ``LATENCY``
seconds ahead, so a fade begins within that time of being asked for. Used by
``sessiontimer.audio.worker`` only; elsewhere the worker plays through simpleaudio.

A cue handed over ahead of its moment (``at``, a ``time.monotonic()`` reading: one clock for
every process on Linux) opens the device at once and writes silence first, as many frames as
lie between the stream's start and ``at``: the sound's first sample is then heard at ``at`` on
the device's own clock, so a late wake-up of this thread (it only has to keep the device's
buffer from running dry) no longer moves the onset. The onset told back is that planned moment,
or the moment the sound's first piece reached the device if the device ran dry first (then the
plan slipped and the truth is the later time), or later still if the device's own count of
what it holds before that piece (``snd_pcm_delay``, read as it is handed over) says it will be
heard later (a device that started late). :meth:`AlsaStream.cancel` before the onset drops it
silently.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
import time
from collections.abc import Callable

from sessiontimer.audio.fade import PIECE, FadingFrames

LATENCY = 0.06  # seconds the device may hold ahead of what is heard
# A planned stream's device buffer, and how far ahead it is fed: how late this thread may
# wake (a loaded machine) without the device running dry, so without moving the onset. The
# price: a cancel within this of the onset is too late, and a fade is heard this much later.
BUFFER = 0.15
DROP_MARGIN = 0.03  # a cancel this close to the onset fades instead (the drop could be late)
_PLAYBACK, _S16_LE, _RW_INTERLEAVED = 0, 2, 3


def load() -> ctypes.CDLL | None:
    """libasound, or None where there is none (not Linux, or not installed)."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("asound") or "libasound.so.2"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.snd_strerror.restype = ctypes.c_char_p
    lib.snd_pcm_writei.restype = ctypes.c_long
    lib.snd_pcm_writei.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_ulong]
    lib.snd_pcm_recover.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    for fn in ("snd_pcm_drain", "snd_pcm_drop", "snd_pcm_close"):
        getattr(lib, fn).argtypes = [ctypes.c_void_p]
    lib.snd_pcm_delay.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_long)]
    return lib


class AlsaStream:
    """Plays ``frames`` (16-bit PCM) at once in a thread; ``is_playing``/``stop`` like
    simpleaudio's play object, plus :meth:`fade`."""

    def __init__(
        self,
        lib: ctypes.CDLL,
        frames: bytes,
        channels: int,
        rate: int,
        at: float | None = None,
        on_onset: Callable[[float], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self._lib = lib
        self._sound = FadingFrames(frames, channels, rate)
        self._channels, self._rate, self._at = channels, rate, at
        self._on_onset = on_onset  # called with the onset (monotonic) as the sound begins
        self._on_error = on_error  # called if the device fails before the onset
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._begun = False
        self._cancelled = False
        self.onset: float | None = None
        pcm = ctypes.c_void_p()
        rc = lib.snd_pcm_open(ctypes.byref(pcm), b"default", _PLAYBACK, 0)
        if rc < 0:
            raise OSError(f"Error opening PCM device. -- CODE: {rc} -- MSG: {self._why(rc)}")
        latency = int((LATENCY if at is None else BUFFER) * 1_000_000)
        rc = lib.snd_pcm_set_params(pcm, _S16_LE, _RW_INTERLEAVED, channels, rate, 1, latency)
        if rc < 0:
            lib.snd_pcm_close(pcm)
            raise OSError(f"Error setting parameters. -- CODE: {rc} -- MSG: {self._why(rc)}")
        self._pcm = pcm
        self._start: float | None = None  # a planned stream: when its device started
        self._fed = 0  # frames written since then
        threading.Thread(target=self._run, daemon=True, name="alsa-stream").start()

    def _why(self, rc: int) -> str:
        return str(self._lib.snd_strerror(rc).decode(errors="replace"))

    def is_playing(self) -> bool:
        return not self._done.is_set()

    def wait_done(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def fade(self) -> None:
        """Ramp down from the next piece written, then end: never a click."""
        self._sound.fade()

    def stop(self) -> None:
        """Fade out (the old ``stop`` cut dead; no caller wants a click); before its onset,
        the sound is dropped and never heard."""
        if not self.cancel():
            self.fade()

    @property
    def cancelled(self) -> bool:
        """Dropped before it was heard."""
        with self._lock:
            return self._cancelled

    def cancel(self) -> bool:
        """Drop the sound if it is not yet heard (True): before its first piece is written,
        or written but still ``DROP_MARGIN`` before its onset (what is queued is dropped,
        silence and all). Once heard, nothing (False): the caller fades it."""
        with self._lock:
            soon = self.onset is not None and time.monotonic() < self.onset - DROP_MARGIN
            if not self._begun or soon:
                self._cancelled = True
            return self._cancelled

    def _lead_in(self) -> bool:
        """The silence before a planned sound, up to ``at`` on the device's clock; False if
        it was cancelled meanwhile."""
        width, step = 2 * self._channels, max(1, int(self._rate * PIECE))
        at = self._at if self._at is not None else time.monotonic()
        while True:
            with self._lock:
                if self._cancelled:
                    return False
            start = self._start if self._start is not None else time.monotonic()
            remaining = round((at - start) * self._rate) - (self._fed if self._start else 0)
            if remaining <= 0:
                return True
            n = min(step, remaining)
            if self._paced(bytes(n * width), n) is None:
                raise OSError("the sound device stopped")

    def _begin(self) -> None:
        """The sound's first piece goes next: its onset, told back. That is where it lands
        by the frames fed since the device started (or now, if the device ran dry), or later
        if the device itself says so: what it still holds before this piece (``snd_pcm_delay``:
        a device that started late, or plays behind). A sink that says nothing there (0,
        e.g. the null plugin, which plays at once) leaves the count by frames."""
        now = time.monotonic()
        onset = now
        if self._start is not None:
            onset = max(now, self._start + self._fed / self._rate)
        heard = self._device_onset()
        if heard is not None:
            onset = max(onset, heard)
        with self._lock:
            self._begun = True
            self.onset = onset
        if self._on_onset is not None:
            self._on_onset(onset)

    def _device_onset(self) -> float | None:
        """When a frame written now is heard, by the device's own count, or None when it
        cannot say (no delay reported, or 0)."""
        delay = ctypes.c_long(0)
        try:
            rc = int(self._lib.snd_pcm_delay(self._pcm, ctypes.byref(delay)))
        except (AttributeError, OSError):
            return None
        if rc < 0 or delay.value <= 0:
            return None
        return time.monotonic() + delay.value / self._rate

    def _paced(self, piece: bytes, frames: int) -> int | None:
        with self._lock:
            if self._cancelled:
                return None  # dropped before it was heard: no more writing
        return self._paced_write(piece, frames)

    def _paced_write(self, piece: bytes, frames: int) -> int | None:
        """A planned stream's write, never more than ``BUFFER`` ahead of the device's clock
        (its start plus the frames fed since), also on a sink that would take everything at
        once. Behind that clock, the device ran dry: its clock starts again with this write."""
        now = time.monotonic()
        if self._start is not None:
            ahead = self._start + self._fed / self._rate - now
            if ahead < 0:
                self._start = None
            elif ahead > BUFFER:
                time.sleep(ahead - BUFFER)
        if self._start is None:
            self._start, self._fed = time.monotonic(), 0
        n = self._write(piece, frames)
        if n == 0:  # an underrun the device reported: recovered, it starts again
            self._start = None
        elif n is not None:
            self._fed += n
        return n

    def _write(self, piece: bytes, frames: int) -> int | None:
        n = int(self._lib.snd_pcm_writei(self._pcm, piece, frames))
        if n < 0:  # an underrun or a suspend: recover and write it again, else give up
            return 0 if self._lib.snd_pcm_recover(self._pcm, n, 1) >= 0 else None
        return n

    def _run(self) -> None:
        try:
            if self._at is not None and not self._lead_in():
                self._lib.snd_pcm_drop(self._pcm)  # cancelled: the silence is not waited for
                return
            self._begin()
            self._sound.write_all(self._write if self._at is None else self._paced)
            with self._lock:
                dropped = self._cancelled
            if dropped:  # cancelled before its onset: what is queued is never heard
                self._lib.snd_pcm_drop(self._pcm)
            else:
                self._lib.snd_pcm_drain(self._pcm)  # what is queued plays out: the fade's tail
        except OSError as exc:  # the device went away: before the onset, say so
            with self._lock:
                told = self._begun or self._cancelled
                self._cancelled = True
            if not told and self._on_error is not None:
                self._on_error(str(exc))
        finally:
            self._lib.snd_pcm_close(self._pcm)
            self._done.set()
