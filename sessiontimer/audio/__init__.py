"""Audio cues: sounds, backends and the service the app talks to.

Imports are lazy so that ``python -m sessiontimer.audio.worker`` starts fast and loads
nothing it does not need (the worker's restart time is part of a crash's cost).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "AudioService": "sessiontimer.audio.service",
    "build_chain": "sessiontimer.audio.service",
    "BackendChange": "sessiontimer.audio.base",
    "CueOutcome": "sessiontimer.audio.base",
    "Backend": "sessiontimer.audio.base",
    "SimpleaudioWorkerBackend": "sessiontimer.audio.simple",
    "SystemPlayerBackend": "sessiontimer.audio.system",
    "BellBackend": "sessiontimer.audio.system",
    "VisualBackend": "sessiontimer.audio.system",
    "validate_sound": "sessiontimer.audio.sound",
    "DEFAULT_SOUND": "sessiontimer.audio.sound",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sessiontimer.audio' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
