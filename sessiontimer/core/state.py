"""UI state the app remembers between runs: volume, theme, last preset.

Mute is not among them: it lasts for the session it was pressed in (DESIGN).

Kept in a small JSON file in the platform state folder, never by rewriting the user's config
(DESIGN). Reading is forgiving (a missing or damaged file gives the defaults: losing the
volume setting must never stop a session); writing is atomic, so a crash leaves the old file
or the new one, never half of one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sessiontimer.core.atomic import atomic_write
from sessiontimer.core.private_files import make_private_dirs


@dataclass(frozen=True)
class UiState:
    """What the UI restores on the next start."""

    volume: float = 10 ** (-6 / 20)  # -6 dB, a step of core.volume
    theme: str = "textual-dark"
    last_preset: str | None = None


def load_state(path: Path) -> UiState:
    """The saved state, or the defaults (field by field) when missing, unreadable or damaged."""
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    default = UiState()
    volume = data.get("volume")
    if isinstance(volume, bool) or not isinstance(volume, (int, float)) or volume != volume:
        volume = default.volume  # volume != volume: NaN, which json accepts
    theme, last = data.get("theme"), data.get("last_preset")
    return UiState(
        volume=min(1.0, max(0.0, float(volume))),
        theme=theme if isinstance(theme, str) and theme else default.theme,
        last_preset=last if isinstance(last, str) else None,
    )


def save_state(path: Path, state: UiState) -> None:
    """Write atomically (temp file, fsync, rename), 0600 in a 0700 folder; OSError on failure."""
    path = Path(path)
    make_private_dirs(path.parent)
    atomic_write(path, (json.dumps(asdict(state), indent=2) + "\n").encode())
