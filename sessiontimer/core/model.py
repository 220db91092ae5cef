"""The domain model: frozen dataclasses shared by config, engine, journal, audio and UI.

Everything here is already validated and resolved (global cue defaults merged into each
preset and phase), so consumers never re-check or re-merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class OnEnd(str, Enum):
    """What happens when a phase reaches its target (DESIGN: phase kinds)."""

    ADVANCE = "advance"  # the next phase starts by itself
    HOLD = "hold"  # time left, then a calm overtime count until the practitioner moves on
    OPEN = "open"  # time elapsed; the target, if any, is only a hint


class CueKind(str, Enum):
    """The cues a session can play (DESIGN: cues by phase kind)."""

    PHASE_START = "phase_start"
    WARNING = "warning"
    INTERVAL = "interval"
    OVERTIME = "overtime"
    SESSION_END = "session_end"


@dataclass(frozen=True)
class Cue:
    """One sound to play: a bundled sound name or an absolute path to a WAV file."""

    sound: str
    volume: float = 1.0  # 0..1, multiplied by the master volume
    repeat: int = 1


@dataclass(frozen=True)
class PhaseCues:
    """The resolved cue settings of one phase. ``None`` means the cue is off."""

    start: Cue | None = Cue("singing-bowl")
    warning: Cue | None = Cue("soft-bell", volume=0.7)
    warn_before: float | None = None  # seconds before the target
    interval: Cue | None = Cue("wooden-tap", volume=0.6)
    interval_every: float | None = None  # seconds
    overtime: Cue | None = Cue("soft-bell", volume=0.5)
    overtime_every: float | None = None  # seconds


@dataclass(frozen=True)
class Phase:
    """One phase of a preset."""

    name: str
    target: float | None  # seconds; required for advance/hold, a hint for open
    on_end: OnEnd = OnEnd.ADVANCE
    cues: PhaseCues = field(default_factory=PhaseCues)
    region: str | None = None  # where the hands go when the phase starts (a protocol step)

    def __post_init__(self) -> None:
        if self.on_end is not OnEnd.OPEN and (self.target is None or self.target <= 0):
            raise ValueError(f"phase {self.name!r}: an {self.on_end.value} phase needs a target")


@dataclass(frozen=True)
class Preset:
    """A named sequence of phases."""

    name: str
    phases: tuple[Phase, ...]
    description: str = ""
    end_cue: Cue | None = Cue("tingsha")

    def __post_init__(self) -> None:
        if not self.phases:
            raise ValueError(f"preset {self.name!r} has no phases")

    @property
    def planned_seconds(self) -> float:
        """Sum of the fixed targets (open phases count their hint, if any)."""
        return sum(p.target or 0.0 for p in self.phases)

    @property
    def has_open_phase(self) -> bool:
        return any(p.on_end is OnEnd.OPEN for p in self.phases)


@dataclass(frozen=True)
class NoteKey:
    """A single keystroke that records a quick note (e.g. ``s`` -> still point)."""

    key: str
    tag: str
    toggle: bool = False  # a toggle records a start and an end, and so a duration


@dataclass(frozen=True)
class AudioSettings:
    """How cues are played."""

    backend: str = "auto"  # auto | simpleaudio | system | bell | visual
    terminal_bell: bool = False  # opt in: the terminal bell is not soft
    volume: float = 0.6  # starting master volume when the state file has none


@dataclass(frozen=True)
class Practitioner:
    """Who signs the treatment notes: ``[practitioner]`` in the config file."""

    name: str
    licence: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything the config file can set, resolved, plus where it came from."""

    presets: tuple[Preset, ...]
    note_keys: tuple[NoteKey, ...]
    regions: tuple[str, ...]
    free_text_key: str = "n"
    default_preset: str | None = None
    audio: AudioSettings = field(default_factory=AudioSettings)
    keys: tuple[tuple[str, str], ...] = ()  # binding id -> key(s), as the user remapped them
    practitioner: Practitioner | None = None  # None: notes cannot be signed yet
    source: str | None = None  # the config file these came from, if any

    def preset(self, name: str) -> Preset:
        """Find a preset by name, case-insensitively; KeyError names the choices."""
        for p in self.presets:
            if p.name.casefold() == name.casefold():
                return p
        raise KeyError(name)
