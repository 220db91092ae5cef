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
