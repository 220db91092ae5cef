"""The quiet mark on the session screen for every state in which cues will not be heard.

A practitioner with closed eyes trusts the bells; when there will be none (muted, volume 0,
no sound device, sound off in the config) the screen says so for as long as it lasts.
"""

from __future__ import annotations

from typing import Any

NO_SOUND = "no sound: cues flash on screen"
MUTED = "muted: cues flash on screen"
VOLUME_ZERO = "volume off: cues flash on screen"


def silence_mark(*, muted: bool, volume: float, silent_reason: str | None) -> str:
    """What the mark says ("" while cues will be heard). No device outranks mute: unmuting
    would not help."""
    if silent_reason:
        return NO_SOUND
    if muted:
        return MUTED
    if volume <= 0:
        return VOLUME_ZERO
    return ""


def silent_reason(audio: Any) -> str | None:
    """Why the audio service will not make a sound, or None (also while it is starting).

    Reads the service's ``silent_reason``; a service without it counts as silent only when
    it plays through the visual backend.
    """
    if hasattr(audio, "silent_reason"):
        reason = audio.silent_reason
        return reason if isinstance(reason, str) and reason else None
    service = getattr(audio, "service", None)
    if getattr(service, "backend_name", None) == "visual":
        return "cues are visual only"
    return None


NO_SOUND_NOTICE = (
    "No sound: cues will flash on screen. `sessiontimer doctor` says why and what to do."
)
BACKEND_WORDS = {
    "visual": (NO_SOUND_NOTICE, "warning"),
    "bell": (
        "Cues now sound as the terminal's bell (the sound player stopped working).",
        "warning",
    ),
    "system": ("Cues now play through the computer's own sound player.", "information"),
    "simpleaudio": ("Sound is back: cues play again.", "information"),
}


def backend_words(backend: str) -> tuple[str, str]:
    """What a move to ``backend`` means for the bells, in plain words, and its severity."""
    return BACKEND_WORDS.get(backend, (f"Cues now play through {backend}.", "information"))


def start_notice(audio: Any) -> str | None:
    """The sound notice at start-up: only when no cue will be heard, and the config did not
    ask for silence (then the mark alone says it). A working fallback needs no word."""
    if getattr(getattr(audio, "settings", None), "backend", "") == "visual":
        return None
    return NO_SOUND_NOTICE if getattr(audio, "audible", True) is False else None
