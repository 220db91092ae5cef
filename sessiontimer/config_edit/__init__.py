"""Comment-preserving edits of the user's config file (tomlkit), validated by the real reader.

Kept out of ``core`` because it needs tomlkit; ``core.config`` stays the only reader.
"""

from sessiontimer.config_edit.editor import ConfigEditor, ConfigRejected, validate_text
from sessiontimer.config_edit.files import (
    ConfigChangedOnDisk,
    Fingerprint,
    backup_path,
    save_with_backup,
)
from sessiontimer.config_edit.notes import KeyReserved
from sessiontimer.config_edit.phases import OFF, ON_END_CHOICES, SOUND_CHOICES, PhaseDraft
from sessiontimer.config_edit.presets import NameTaken, PresetNotFound
from sessiontimer.core.atomic import atomic_write

__all__ = [
    "OFF",
    "ON_END_CHOICES",
    "SOUND_CHOICES",
    "ConfigChangedOnDisk",
    "ConfigEditor",
    "ConfigRejected",
    "Fingerprint",
    "KeyReserved",
    "NameTaken",
    "PhaseDraft",
    "PresetNotFound",
    "atomic_write",
    "backup_path",
    "save_with_backup",
    "validate_text",
]
