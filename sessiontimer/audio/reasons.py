"""Why a sound could not play, in words a practitioner can act on (not a player's internals).

Players and libraries report failures in their own terms ("Error opening PCM device. -- CODE:
-2 -- MSG: No such file or directory", "aplay: pcm_write:2127: write error: Input/output
error"). The journal and the notices say what it means instead.
"""

from __future__ import annotations

import re

_MSG = re.compile(r"MSG:\s*(.+)$")
_LOCATION = re.compile(r"\b[\w.]+:\d+:\s*(\([^)]*\)\s*)?")  # "pcm_write:2127:", "pcm.c:2666:(f)"
_PLAYER = re.compile(r"^(aplay|paplay|pw-play|afplay|ALSA lib|error)\s*:?\s*")  # pw-play: "error:"


def detail(raw: str) -> str:
    """The readable core of an error line: no file:line locations, no player prefix."""
    text = raw.strip().splitlines()[-1] if raw.strip() else ""
    found = _MSG.search(text)
    if found:
        text = found.group(1)
    text = _PLAYER.sub("", _LOCATION.sub("", text)).strip(" .:")
    return text[:100]


def in_words(raw: str) -> str:
    """One calm phrase for a playback failure."""
    low = raw.lower()
    why = detail(raw)
    if "busy" in low:
        return f"the sound device is busy: another program is using it ({why})"
    if "crashed" in low or "worker" in low or "not installed" in low:
        return raw.strip()
    if any(k in low for k in ("open", "unknown pcm", "no such device", "no such file")):
        return f"no sound device: none could be opened ({why})"
    if any(k in low for k in ("write error", "input/output", "tick_time", "underrun")):
        return f"the sound device stopped working ({why})"
    if "connection terminated" in low:  # it was there, and went away mid-sound
        why = why.removeprefix("cut short: ")
        return f"the sound server stopped: the sound was cut short ({why})"
    if "connection" in low or "host is down" in low:
        return f"no sound server is running ({why})"
    return f"the sound could not be played ({why})" if why else "the sound could not be played"
