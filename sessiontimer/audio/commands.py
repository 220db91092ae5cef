"""The audio subcommands: ``sounds``, ``sounds play NAME`` and ``doctor``.

Each returns an exit status (0 fine, 1 a problem) and prints plain sentences, never a
traceback; the CLI only wires them to argparse.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from array import array
from importlib.util import find_spec
from pathlib import Path

from sessiontimer.audio.base import Backend, CueOutcome, PlayJob, PlayResult
from sessiontimer.audio.reasons import in_words
from sessiontimer.audio.service import AudioService
from sessiontimer.audio.simple import SimpleaudioWorkerBackend
from sessiontimer.audio.sound import (
    ScaledSound,
    SoundError,
    SoundLibrary,
    bundled_names,
    load_wav,
    write_wav,
)
from sessiontimer.audio.system import SystemPlayerBackend, find_players
from sessiontimer.core.model import AudioSettings, Cue
from sessiontimer.paths import bundled_sounds_dir

DESCRIPTIONS = {
    "singing-bowl": "a warm singing bowl with a long decay",
    "soft-bell": "a small, soft bell",
    "wooden-tap": "a short wooden knock",
    "tingsha": "two small cymbals, two tones shimmering",
    "gentle-swell": "a soft chord that swells in and out",
}
INSTALL_HINT = (
    "For the best backend (simpleaudio in its own process): "
    + (
        "apt-get install libasound2-dev (the build needs the ALSA headers), then "
        if sys.platform.startswith("linux")
        else ""
    )
    + "pip install 'sessiontimer[audio]' (or pip install '.[audio]' in a source checkout)."
)


def list_sounds() -> int:
    """Print the bundled sounds with their length and a few words about each."""
    names = bundled_names()
    if not names:
        print(f"No bundled sounds found in {bundled_sounds_dir()}.")
        return 1
    for name in names:
        seconds = load_wav(bundled_sounds_dir() / f"{name}.wav").seconds
        print(f"{name:<14} {seconds:4.1f} s  {DESCRIPTIONS.get(name, '')}".rstrip())
    print(
        "\nPlay one: sessiontimer sounds play NAME [--volume 0.6]. A cue may also name a WAV file."
    )
    return 0


def play_sound(name: str, volume: float, settings: AudioSettings | None = None) -> int:
    """Play one sound (a bundled name or a WAV path) and wait until it has finished."""
    if not 0.0 <= volume <= 1.0:
        print(f"--volume {volume}: give a number from 0 to 1, e.g. 0.6.")
        return 1
    try:
        load_wav(SoundLibrary([Path.cwd()]).resolve(name))
    except SoundError as exc:
        print(f"Cannot play {exc}.")
        return 1
    service = AudioService(settings or AudioSettings(), [Path.cwd()])
    try:
        cue = Cue(name)
        service.prepare([cue], volume)
        done = threading.Event()
        outcomes: list[CueOutcome] = []

        def on_result(outcome: CueOutcome) -> None:
            outcomes.append(outcome)
            done.set()

        service.play(cue, volume, False, on_result)
        done.wait(10.0)
        service.wait_idle(70.0)
    finally:
        service.close()
    if outcomes and outcomes[0].outcome == "played":
        note = f" {service.fallback_message}" if service.fallback_message else ""
        print(f"Played {name} through {outcomes[0].backend}.{note}")
        return 0
    reason = service.silent_reason
    why = service.fallback_message or (f"{reason[:1].upper()}{reason[1:]}." if reason else "")
    print(" ".join(filter(None, ["No sound could be played.", why, "Run `sessiontimer doctor`."])))
    return 1


def _try(backend: Backend, sound: ScaledSound) -> str | None:
    """Play a short silence through ``backend``: None if it works, else why not."""
    reason = backend.unavailable() or backend.start()
    if reason:
        return reason
    done, results = threading.Event(), []

    def finished(result: PlayResult) -> None:
        results.append(result)
        done.set()

    backend.play(PlayJob(0, sound), finished)
    if not done.wait(5.0):
        return "no answer within 5 s"
    backend.wait_idle(2.0)
    return results[0].error


def _ending(backend: Backend) -> str:
    """How a cue cut short (by quit or a newer cue) ends on ``backend``, said honestly."""
    if isinstance(backend, SystemPlayerBackend):
        fades = backend.fades
    else:  # the worker streams to ALSA on Linux; elsewhere simpleaudio can only stop
        from sessiontimer.audio import alsa_stream

        fades = alsa_stream.load() is not None
    if fades:
        return "a cue cut short fades out"
    return "a cue cut short stops at once (this player cannot fade)"


def doctor(settings: AudioSettings | None = None) -> int:
    """Print the backend chain, test each audible backend with silence, and suggest a fix."""
    settings = settings or AudioSettings()
    print(f'Audio backends, best first (audio.backend = "{settings.backend}"):')
    with tempfile.TemporaryDirectory(prefix="sessiontimer-doctor-") as tmp:
        wav = Path(tmp) / "silence.wav"
        silence = array("h", bytes(2 * 2205))  # 50 ms
        write_wav(wav, silence, 44100, 1)
        sound = ScaledSound(wav, silence, 44100, 1, wav)
        audible = _report_audible(settings, sound)
    bell = "on" if settings.terminal_bell else "off (set audio.terminal_bell = true to use it)"
    print(f"  bell          {bell}")
    print("  visual        always works (a calm flash of the phase area, no sound)")
    if find_spec("simpleaudio") is None and settings.backend in ("auto", "simpleaudio"):
        print("\n" + INSTALL_HINT)
    elif not audible:
        print("\nNo sound device or sound server answered: check that a sound card is present")
        print("(aplay -l lists them) or that PipeWire / PulseAudio is running.")
    if not audible:
        print("No backend could play a sound: cues will be visual only.")
        return 1
    print(f"\nCues will play through {audible[0]}.")
    return 0


def _report_audible(settings: AudioSettings, sound: ScaledSound) -> list[str]:
    """Test simpleaudio and each system player; return the names that work, best first."""
    candidates: list[Backend] = []
    if settings.backend in ("auto", "simpleaudio"):
        candidates.append(SimpleaudioWorkerBackend())
    if settings.backend in ("auto", "simpleaudio", "system"):
        candidates += [SystemPlayerBackend([p]) for p in find_players()]
    works: list[str] = []
    for backend in candidates:
        name = backend.name
        try:
            reason = _try(backend, sound)
        finally:
            backend.close()
        said = (
            f"works; {_ending(backend)}" if reason is None else "does not work: " + in_words(reason)
        )
        print(f"  {name:<13} {said}")
        if reason is None:
            works.append(name)
    if settings.backend != "auto" and settings.backend != "system":
        return works
    if not any(isinstance(b, SystemPlayerBackend) for b in candidates):
        print("  system player none found (install pipewire-bin, pulseaudio-utils or alsa-utils)")
    return works
