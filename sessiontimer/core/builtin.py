"""The defaults that work with no config file: presets from real practice, note keys, regions, keys.

The built-in presets are written in the same shape as ``[[presets]]`` in the config file and go
through the same validator, so they can never drift from what the file format allows, and a
user's global ``[cues]`` settings apply to them too.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sessiontimer.core.model import NoteKey

BUNDLED_SOUNDS = ("singing-bowl", "soft-bell", "wooden-tap", "tingsha", "gentle-swell")

_CRANIO_TREATMENT = {"on_end": "hold", "warn_before": "1m", "overtime_every": "5m"}
_CST_STEP = {"duration": "4m", "on_end": "hold", "warn_before": "30s"}
_MASSAGE_BODY = {"warn_before": "1m"}
_MASSAGE_REGIONS = {"warn_before": "1m", "interval_every": "10m"}  # a bell: move to a new region

BUILTIN_PRESETS: tuple[dict[str, Any], ...] = (
    {
        "name": "Craniosacral 60",
        "description": "A one-hour craniosacral session; treatment holds until you move on.",
        "phases": [
            {"name": "intake", "duration": "8m"},
            {"name": "settling", "duration": "5m"},
            {"name": "listening", "duration": "7m"},
            {"name": "treatment", "duration": "30m", **_CRANIO_TREATMENT},
            {"name": "integration", "duration": "5m"},
            {"name": "closing", "duration": "5m"},
        ],
    },
    {
        "name": "Craniosacral 90 / first visit",
        "description": "A first visit: a longer intake and treatment.",
        "phases": [
            {"name": "intake", "duration": "15m"},
            {"name": "settling", "duration": "5m"},
            {"name": "listening", "duration": "10m"},
            {"name": "treatment", "duration": "45m", **_CRANIO_TREATMENT},
            {"name": "integration", "duration": "10m"},
            {"name": "closing", "duration": "5m"},
        ],
    },
    {
        "name": "CST 10-step",
        "description": (
            "The classic ten-step craniosacral protocol; the hands' region follows each step."
        ),
        "phases": [
            {"name": "intake", "duration": "5m"},
            {"name": "still point at the feet", "region": "feet", **_CST_STEP},
            {"name": "lumbosacral decompression", "region": "sacrum", **_CST_STEP},
            {"name": "pelvic diaphragm release", "region": "pelvic diaphragm", **_CST_STEP},
            {
                "name": "respiratory diaphragm release",
                "region": "respiratory diaphragm",
                **_CST_STEP,
            },
            {"name": "thoracic inlet release", "region": "thoracic inlet", **_CST_STEP},
            {"name": "hyoid release", "region": "hyoid", **_CST_STEP},
            {"name": "cranial base release", "region": "cranial base", **_CST_STEP},
            {"name": "frontal lift", "region": "frontal", **_CST_STEP},
            {"name": "parietal lift", "region": "parietal", **_CST_STEP},
            {"name": "temporal / jaw", "region": "temporal / jaw", **_CST_STEP},
            {"name": "closing", "duration": "5m"},
        ],
    },
    {
        "name": "Massage 60",
        "description": "A one-hour massage; a bell every 10 minutes on back and legs.",
        "phases": [
            {"name": "intake", "duration": "5m"},
            {"name": "back", "duration": "20m", **_MASSAGE_REGIONS},
            {"name": "legs", "duration": "20m", **_MASSAGE_REGIONS},
            {"name": "arms/neck", "duration": "10m", **_MASSAGE_BODY},
            {"name": "closing", "duration": "5m"},
        ],
    },
    {
        "name": "Demo",
        "description": "Every kind of phase in under two minutes: see the whole app at once.",
        "phases": [
            {"name": "arrive", "duration": "20s", "warn_before": "10s", "interval_every": "5s"},
            {"name": "treatment", "duration": "30s", "on_end": "hold", "overtime_every": "10s"},
            {"name": "integration", "duration": "20s", "on_end": "open", "interval_every": "10s"},
            {"name": "closing", "duration": "20s"},
        ],
    },
)

DEFAULT_NOTE_KEYS = (
    NoteKey("s", "still point", toggle=True),
    NoteKey("r", "release"),
    NoteKey("f", "softening"),
    NoteKey("l", "lengthening"),
    NoteKey("h", "heat"),
    NoteKey("t", "tingling"),
    NoteKey("p", "pulsation"),
    NoteKey("b", "breath change"),
    NoteKey("g", "fluid sounds"),
    NoteKey("w", "unwinding"),
    NoteKey("x", "SomatoEmotional Release", toggle=True),
    NoteKey("z", "client asleep"),
    NoteKey("y", "rhythm change"),
    NoteKey("i", "significance detector", toggle=True),
    NoteKey("o", "energy cyst"),
    NoteKey("a", "arcing"),
    NoteKey("k", "therapeutic pulse"),
)

DEFAULT_REGIONS = (
    "feet",
    "sacrum",
    "pelvic diaphragm",
    "respiratory diaphragm",
    "thoracic inlet",
    "hyoid",
    "cranial base",
    "frontal",
    "parietal",
    "temporal / jaw",
)

DEFAULT_FREE_TEXT_KEY = "n"

# The session screen's bindings (DESIGN key table), by binding id, as the user writes keys.
DEFAULT_BINDINGS: dict[str, tuple[str, ...]] = {
    "pause": ("space",),
    "next": ("right",),
    "previous": ("left",),
    "extend": ("+", "="),
    "shorten": ("-",),
    "volume_down": ("[",),
    "volume_up": ("]",),
    "mute": ("m",),
    "note": ("n",),
    "undo": ("u",),
    "redo": ("U",),
    "dim": ("d",),
    "end": ("e",),
    "help": ("?",),
    "quit": ("ctrl+q",),
    "pain": ("v",),
    "rhythm": ("c",),
    "felt_at": (",",),
    "words": ("'",),
}
# Taken by something other than a remappable binding: regions, dialogs, the app itself.
FIXED_KEYS: dict[str, str] = {
    **{d: "the region keys (1-9, 0)" for d in "1234567890"},
    "escape": "closing dialogs",
    "enter": "confirming dialogs",
    "tab": "moving focus",
    "ctrl+p": "the command palette",
    "ctrl+c": "copying text",
}
RESERVED_KEYS: frozenset[str] = frozenset(
    {k for keys in DEFAULT_BINDINGS.values() for k in keys} | set(FIXED_KEYS)
)

_SPECIAL_KEYS = [
    "space",
    "enter",
    "escape",
    "tab",
    "backspace",
    "delete",
    "insert",
    "home",
    "end",
    "pageup",
    "pagedown",
    "up",
    "down",
    "left",
    "right",
] + [f"f{n}" for n in range(1, 25)]
_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def key_name(key: str) -> str:
    """The name Textual gives a key: "+" -> "plus", "[" -> "left_square_bracket", "S" -> "S".

    Bindings and keymaps are matched by these names, so remapped keys are stored this way and
    collisions are compared this way ("+" and "plus" are the same key).
    """
    if len(key) != 1:
        return key.strip().lower()
    if key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _REPLACEMENTS.get(name, name)


KNOWN_KEY_NAMES: frozenset[str] = frozenset(
    _SPECIAL_KEYS + [key_name(chr(c)) for c in range(33, 127)]
)
