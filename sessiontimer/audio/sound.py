"""Cue sounds as sample buffers: find, load, validate, scale and cache them.

All the work that could make a cue late (reading, checking, scaling by volume, writing the
pre-scaled temporary WAV a player needs) happens here, before the session, so that playing
a cue only hands a ready buffer to a backend.
"""

from __future__ import annotations

import os
import sys
import threading
import wave
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sessiontimer.core.model import Cue
from sessiontimer.paths import bundled_sounds_dir

if TYPE_CHECKING:
    from sessiontimer.audio.cache import SoundCache

DEFAULT_SOUND = "soft-bell"
MAX_SECONDS = 60.0
_MAX_BYTES = 50 * 1024 * 1024


class SoundError(Exception):
    """A sound that cannot be played; the message names the file and says how to fix it."""


@dataclass(frozen=True)
class Sound:
    """Decoded 16-bit PCM samples (interleaved when stereo)."""

    path: Path
    samples: array[int]
    rate: int
    channels: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.channels / self.rate


@dataclass(frozen=True)
class ScaledSound:
    """A sound scaled by its volume and repeated, ready to play, with a WAV copy on disk."""

    source: Path
    samples: array[int]
    rate: int
    channels: int
    wav: Path

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.channels / self.rate


def load_wav(path: Path) -> Sound:
    """Read a 16-bit PCM WAV file; raise :class:`SoundError` with a clear message otherwise."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise SoundError(f"{path}: file is too large for a cue (over 50 MB)")
        with wave.open(str(path), "rb") as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise SoundError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise SoundError(f"{path}: is a folder, not a WAV file") from None
    except PermissionError:
        raise SoundError(f"{path}: permission denied") from None
    except (wave.Error, EOFError) as exc:
        raise SoundError(f"{path}: not a WAV file we can play ({exc})") from None
    except OSError as exc:
        raise SoundError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return _check(path, frames, width, channels, rate)


def _check(path: Path, frames: bytes, width: int, channels: int, rate: int) -> Sound:
    if width != 2:
        raise SoundError(f"{path}: {8 * width}-bit samples; save it as 16-bit PCM WAV")
    if channels not in (1, 2):
        raise SoundError(f"{path}: {channels} channels; save it as mono or stereo")
    if not 8000 <= rate <= 192000:
        raise SoundError(f"{path}: sample rate {rate} Hz is not supported (8000 to 192000)")
    samples = array("h")
    samples.frombytes(frames[: len(frames) - len(frames) % (2 * channels)])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        raise SoundError(f"{path}: the file holds no sound")
    sound = Sound(path, samples, rate, channels)
    if sound.seconds > MAX_SECONDS:
        raise SoundError(f"{path}: {sound.seconds:.0f} s is too long for a cue (at most 60 s)")
    return sound


def validate_sound(path: Path | str) -> str | None:
    """For the config check: ``None`` if ``path`` is a WAV we can play, else why not."""
    try:
        load_wav(Path(path))
    except SoundError as exc:
        return str(exc)
    return None


def scale(samples: array[int], factor: float) -> array[int]:
    """``round(sample * factor)`` clipped to int16, so a captured stream equals it exactly."""

    def one(v: int) -> int:
        return max(-32768, min(32767, round(v * factor)))

    if 0.0 <= factor <= 1.0:  # nothing can clip: two C-level maps, no Python call per sample
        mul = float(factor).__mul__
        return _in_pieces(samples, lambda piece: map(round, map(mul, piece)))
    if len(samples) < 65536:
        return array("h", map(one, samples))
    # A lookup table is ~4x faster than arithmetic per sample for long sounds; negative
    # indices wrap, so table[s] is right for every int16 s.
    table = [one(v) for v in range(32768)] + [one(v) for v in range(-32768, 0)]
    return _in_pieces(samples, lambda piece: map(table.__getitem__, piece))


PIECE = 8192  # samples scaled per step (~3 ms of interpreter time)


def _in_pieces(samples: array[int], each: Callable[[array[int]], Iterable[int]]) -> array[int]:
    """``each`` over ``samples`` a piece at a time. A C-level map over a whole 20 s sound
    holds the interpreter for some 250 ms (no other thread runs: not the audio thread starting
    a cue, not the screen); between pieces the other threads get their turn."""
    out = array("h")
    for start in range(0, len(samples), PIECE):
        out.extend(each(samples[start : start + PIECE]))
    return out


def write_wav(path: Path, samples: array[int], rate: int, channels: int) -> None:
    """Write a 16-bit PCM WAV readable only by the user (0600), whatever the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    data = samples
    if sys.byteorder == "big":
        data = array("h", samples)
        data.byteswap()
    with os.fdopen(fd, "wb") as f, wave.open(f, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())


def bundled_names() -> list[str]:
    """The names of the bundled sounds, sorted."""
    return sorted(p.stem for p in bundled_sounds_dir().glob("*.wav"))


class SoundLibrary:
    """Resolves cue sounds to files and caches decoded and scaled buffers; thread-safe."""

    def __init__(self, sound_dirs: Iterable[Path], cache: SoundCache | None = None) -> None:
        from sessiontimer.audio.cache import SoundCache

        self._dirs = [*sound_dirs, bundled_sounds_dir()]
        self._sounds: dict[Path, Sound] = {}
        self._ready: dict[tuple[Cue, float], tuple[ScaledSound, str | None]] = {}
        self._scaled: dict[tuple[Path, float, int], ScaledSound] = {}
        self._lock = threading.Lock()
        self.cache = cache if cache is not None else SoundCache()

    def resolve(self, name: str) -> Path:
        """An absolute path as it is; a name is looked up as NAME or NAME.wav in each folder."""
        path = Path(name).expanduser()
        if path.is_absolute():
            return path
        for folder in self._dirs:
            for candidate in (folder / name, folder / f"{name}.wav"):
                if candidate.is_file():
                    return candidate
        choices = ", ".join(bundled_names()) or "none found"
        raise SoundError(f"{name}: no such sound (bundled sounds: {choices})")

    def load(self, name: str) -> tuple[Sound, str | None]:
        """The sound for ``name``, or the default sound plus a message saying why."""
        try:
            return self._load_path(self.resolve(name)), None
        except SoundError as exc:
            if name == DEFAULT_SOUND:
                raise
            fallback = self._load_path(self.resolve(DEFAULT_SOUND))
            return fallback, f"{exc}; playing the default sound ({DEFAULT_SOUND}) instead"

    def _load_path(self, path: Path) -> Sound:
        with self._lock:
            cached = self._sounds.get(path)
        if cached is None:
            cached = load_wav(path)
            with self._lock:
                self._sounds[path] = cached
        return cached

    def scaled(self, cue: Cue, master_volume: float) -> tuple[ScaledSound, str | None]:
        """The cue's samples times ``cue.volume * master_volume``, repeated; cached."""
        sound, message = self.load(cue.sound)
        factor, repeat = cue.volume * master_volume, max(1, cue.repeat)
        key = (sound.path, factor, repeat)
        with self._lock:
            cached = self._scaled.get(key)
        if cached is None:
            from sessiontimer.audio.cache import cache_key

            name = cache_key(sound.path, factor, repeat)
            samples = self._read_back(name, len(sound.samples) * repeat)
            if samples is None:
                samples = scale(sound.samples, factor) * repeat
            try:
                wav = self.cache.store(name, samples, sound.rate, sound.channels)
            except OSError as exc:
                raise SoundError(f"{sound.path}: cannot be prepared ({exc})") from None
            cached = ScaledSound(sound.path, samples, sound.rate, sound.channels, wav)
            with self._lock:
                self._scaled[key] = cached
        with self._lock:
            self._ready[(cue, master_volume)] = (cached, message)
        return cached, message

    def ready(self, cue: Cue, master_volume: float) -> tuple[ScaledSound, str | None] | None:
        """What :meth:`scaled` gave for this cue and level before, without touching a file;
        None if it has not been prepared yet (a cue can then start on the caller's thread)."""
        with self._lock:
            return self._ready.get((cue, master_volume))

    def _read_back(self, name: str, count: int) -> array[int] | None:
        """The samples of a whole prepared file from an earlier run, read (a few ms) rather
        than scaled again (~200 ms of the interpreter for a 20 s sound); None if there is none."""
        try:
            path = self.cache.existing(name, 44 + 2 * count)
            if path is None:
                return None
            with wave.open(str(path), "rb") as w:
                frames = w.readframes(w.getnframes())
        except (OSError, wave.Error, EOFError):
            return None
        samples = array("h")
        samples.frombytes(frames[: len(frames) - len(frames) % 2])
        if sys.byteorder == "big":
            samples.byteswap()
        return samples if len(samples) == count else None

    def close(self) -> None:
        """Forget the buffers; the prepared files stay in the cache for the next run."""
        with self._lock:
            self._scaled.clear()
        self.cache.close()
