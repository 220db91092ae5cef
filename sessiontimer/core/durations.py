"""Durations the way practitioners write them: "5m", "90s", "1h 15m", "1:30", 8 (minutes), "open".

One parser for the config file, the preset editor and the CLI, so a duration that is accepted
in one place is accepted everywhere, and ``format_duration`` writes what ``parse_duration`` reads.
"""

from __future__ import annotations

import math
import re

MAX_SECONDS = 12 * 3600.0  # longer than any real phase: surely a typo ("300h" for "300s")
EXPECTED = 'expected a duration like "5m", "90s", "1h 15m", "1:30" or "open"'

_UNITS = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)\s*h)?\s*(?:(?P<m>\d+(?:\.\d+)?)\s*m)?\s*(?:(?P<s>\d+(?:\.\d+)?)\s*s)?$"
)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_MIN_SEC = re.compile(r"^(?P<m>\d+):(?P<s>[0-5]\d(?:\.\d+)?)$")
_H_MIN_SEC = re.compile(r"^(?P<h>\d+):(?P<m>[0-5]\d):(?P<s>[0-5]\d(?:\.\d+)?)$")


def show_value(value: object) -> str:
    """A value as the user wrote it in TOML: strings in double quotes, true/false, lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"' if len(text) <= 60 else f'"{text[:57]}..."'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def parse_duration(value: object) -> float | None:
    """Seconds for a duration value; ``None`` for "open".

    Raises ValueError with a message fit to show the user (it names the value). Zero is
    accepted here: whether zero makes sense depends on the key, so callers decide.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{EXPECTED}, got {show_value(value)}")
    if isinstance(value, str):
        seconds = _parse_text(value)
        if seconds is None:
            return None
    else:
        if not math.isfinite(value):
            raise ValueError(f"{EXPECTED}, got {show_value(value)}")
        seconds = float(value) * 60.0
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {show_value(value)}")
    if seconds > MAX_SECONDS:
        raise ValueError(
            f"{show_value(value)} is longer than 12 hours; "
            'write it like "5m", "90s" or "1h 15m" (a plain number means minutes)'
        )
    return seconds


def _parse_text(value: str) -> float | None:
    text = value.strip().lower()
    if text == "open":
        return None
    sign = 1.0
    if text.startswith("-"):
        sign, text = -1.0, text[1:].strip()
    seconds = _parse_unsigned(text)
    if seconds is None:
        raise ValueError(f"{EXPECTED}, got {show_value(value)}")
    return sign * seconds


def _parse_unsigned(text: str) -> float | None:
    """Seconds for "1h 15m" / "1:30" / "1:02:03" / "8" (minutes); None if none of these."""
    if not text:
        return None
    if _NUMBER.match(text):
        return float(text) * 60.0
    if match := _H_MIN_SEC.match(text):
        return int(match["h"]) * 3600.0 + int(match["m"]) * 60.0 + float(match["s"])
    if match := _MIN_SEC.match(text):
        return int(match["m"]) * 60.0 + float(match["s"])
    match = _UNITS.match(text)
    if match is None or not any(match.groupdict().values()):
        return None
    h, m, s = (float(match[unit] or 0) for unit in ("h", "m", "s"))
    return h * 3600.0 + m * 60.0 + s


def format_duration(seconds: float) -> str:
    """Write seconds the way the config reads them: "5m", "1h 15m", "90s", "1m 30.5s".

    Whole minutes read as minutes, not "300s", so a preset shown in the app matches the file.
    Precision is one millisecond; ``parse_duration(format_duration(x))`` gives ``x`` back to it.
    """
    if seconds < 0:
        return "-" + format_duration(-seconds)
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if rest or not parts:
        secs = f"{rest / 1000:.3f}".rstrip("0").rstrip(".")
        parts.append(f"{secs}s")
    return " ".join(parts)
