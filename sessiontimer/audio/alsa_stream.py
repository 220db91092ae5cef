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
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading

from sessiontimer.audio.fade import FadingFrames

LATENCY = 0.06  # seconds the device may hold ahead of what is heard
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
    return lib


class AlsaStream:
    """Plays ``frames`` (16-bit PCM) at once in a thread; ``is_playing``/``stop`` like
    simpleaudio's play object, plus :meth:`fade`."""

    def __init__(self, lib: ctypes.CDLL, frames: bytes, channels: int, rate: int) -> None:
        self._lib = lib
        self._sound = FadingFrames(frames, channels, rate)
        self._done = threading.Event()
        pcm = ctypes.c_void_p()
        rc = lib.snd_pcm_open(ctypes.byref(pcm), b"default", _PLAYBACK, 0)
        if rc < 0:
            raise OSError(f"Error opening PCM device. -- CODE: {rc} -- MSG: {self._why(rc)}")
        latency = int(LATENCY * 1_000_000)
        rc = lib.snd_pcm_set_params(pcm, _S16_LE, _RW_INTERLEAVED, channels, rate, 1, latency)
        if rc < 0:
            lib.snd_pcm_close(pcm)
            raise OSError(f"Error setting parameters. -- CODE: {rc} -- MSG: {self._why(rc)}")
        self._pcm = pcm
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
        """Fade out (the old ``stop`` cut dead; no caller wants a click)."""
        self.fade()

    def _write(self, piece: bytes, frames: int) -> int | None:
        n = int(self._lib.snd_pcm_writei(self._pcm, piece, frames))
        if n < 0:  # an underrun or a suspend: recover and write it again, else give up
            return 0 if self._lib.snd_pcm_recover(self._pcm, n, 1) >= 0 else None
        return n

    def _run(self) -> None:
        try:
            self._sound.write_all(self._write)
            self._lib.snd_pcm_drain(self._pcm)  # what is queued plays out: the fade's tail
        finally:
            self._lib.snd_pcm_close(self._pcm)
            self._done.set()
