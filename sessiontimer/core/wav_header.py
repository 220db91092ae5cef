"""Is a user's WAV file one the players can play? Read its header only (the config check).

The audio service checks the same again when it loads the samples; this lets
``sessiontimer config check`` name the file and the key before a session ever starts.
"""

from __future__ import annotations

from pathlib import Path


def wav_problem(path: Path) -> str | None:
    """``None`` for a 16-bit PCM WAV, mono or stereo, 8 to 192 kHz; else what is wrong."""
    import wave  # only when a config names a sound file of its own

    try:
        with wave.open(str(path), "rb") as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
    except (wave.Error, EOFError) as exc:
        why = f" ({exc})" if str(exc) else ""
        return f"{path} is not a WAV file we can play{why}; save it as 16-bit PCM WAV"
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror or exc})"
    if width != 2:
        return f"{path} has {8 * width}-bit samples; save it as 16-bit PCM WAV"
    if channels not in (1, 2):
        return f"{path} has {channels} channels; save it as mono or stereo"
    if not 8000 <= rate <= 192000:
        return f"{path} has a sample rate of {rate} Hz; use 8000 to 192000 Hz"
    return None
