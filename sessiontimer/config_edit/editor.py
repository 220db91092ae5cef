"""The user's config file, open for editing: every edit validated by the real reader.

An edit that the reader would reject is undone at once and raised as :class:`ConfigRejected`
with the reader's own messages, so the document held here always loads; :meth:`save` writes
it atomically after checking that nobody else changed the file in the meantime.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit import TOMLDocument

from sessiontimer.config_edit.files import (
    ConfigChangedOnDisk,
    Fingerprint,
    save_with_backup,
    unchanged_since,
)
from sessiontimer.core.config import ConfigError, settings_from_document
from sessiontimer.core.config_check import Checker
from sessiontimer.core.model import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigRejected(Exception):
    """An edit (or the file as loaded) does not pass the config reader."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__("; ".join(str(e) for e in errors) or "the config is not valid")
        self.errors = errors


def validate_text(text: str, path: Path | None) -> tuple[Settings | None, list[ConfigError]]:
    """Run the real reader on ``text`` as if it were the file at ``path``."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [ConfigError(f"not valid TOML: {exc}", path=str(path) if path else None)]
    checker = Checker(path, text)
    settings = settings_from_document(document, checker, source=str(path) if path else None)
    return settings, sorted(checker.errors, key=lambda e: e.line or 0)


NEW_FILE = """\
# sessiontimer's config, started by the app when you first saved a change in it.
# It holds only what you made or changed; the built-in presets and defaults need no lines.
# Every setting, with what it does: `sessiontimer config init FILE` writes a
# commented example file (config.example.toml).
"""


class ConfigEditor:
    """One loaded config document, its fingerprint on disk, and the edits made since."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fingerprint: Fingerprint | None = None
        self._on_disk: bytes | None = None
        self.doc: TOMLDocument = tomlkit.document()
        self.reload()

    @property
    def exists(self) -> bool:
        """Whether the file existed when loaded (if not, the template is the starting point)."""
        return self._on_disk is not None

    @property
    def text(self) -> str:
        return self.doc.as_string()

    @property
    def dirty(self) -> bool:
        """Whether there are edits not yet saved (a missing file always needs writing)."""
        return self._on_disk is None or self._on_disk.decode("utf-8-sig") != self.text

    def reload(self) -> None:
        """Read the file again (or start a new one holding only the user's own), dropping edits.

        A new file is not the example: its presets and ``default_preset`` would appear as
        the user's own without a word.
        """
        self.fingerprint, self._on_disk = Fingerprint.read(self.path)
        text = NEW_FILE if self._on_disk is None else self._on_disk.decode("utf-8-sig")
        self.doc = tomlkit.parse(text)

    def settings(self) -> Settings:
        """The settings this document gives; ConfigRejected if the reader refuses it."""
        settings, errors = validate_text(self.text, self.path)
        if settings is None:
            raise ConfigRejected(errors)
        return settings

    def changed_on_disk(self) -> bool:
        return not unchanged_since(self.path, self.fingerprint)

    def edit(self, change: Callable[[TOMLDocument], Any]) -> Any:
        """Apply ``change`` to the document; undo it and raise ConfigRejected if it is invalid."""
        before = self.text
        try:
            result = change(self.doc)
        except BaseException:
            self.doc = tomlkit.parse(before)
            raise
        _, errors = validate_text(self.text, self.path)
        if errors:
            self.doc = tomlkit.parse(before)
            raise ConfigRejected(errors)
        return result

    def trial(self, change: Callable[[TOMLDocument], Any]) -> list[ConfigError]:
        """The problems ``change`` would cause, without keeping it (for inline messages)."""
        return self.dry_run(change)[1]

    def dry_run(
        self, change: Callable[[TOMLDocument], Any]
    ) -> tuple[Settings | None, list[ConfigError]]:
        """The settings (or the problems) ``change`` would give, without keeping it."""
        copy = tomlkit.parse(self.text)
        change(copy)
        return validate_text(copy.as_string(), self.path)

    def save(self) -> Settings:
        """Validate, refuse if the file changed on disk, keep a backup, write atomically."""
        settings = self.settings()
        if self.changed_on_disk():
            raise ConfigChangedOnDisk(self.path)
        data = self.text.encode("utf-8")
        save_with_backup(self.path, data, self._on_disk)
        self.fingerprint, self._on_disk = Fingerprint.of_bytes(self.path, data), data
        return settings
