"""The config error type and the checker that collects every problem in one pass.

A practitioner fixing a config file before a client arrives wants all the problems at once,
each with the file, line and key, never a traceback and never only the first one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from sessiontimer.core.durations import show_value
from sessiontimer.core.toml_locate import KeyLocator, KeyPath, format_key


class ConfigError(Exception):
    """One problem in a config file, worded for the person who wrote the file."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        context: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path  # the whole path; ``str()`` shows only the file name
        self.line = line
        self.key = key  # dotted: presets[1].phases[0].duration
        self.context = context  # e.g. 'preset "Massage 60", phase "back"'

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(Path(self.path).name)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.key:
            where.append(f"key {self.key}" + (f" ({self.context})" if self.context else ""))
        elif self.context:
            where.append(self.context)
        return ", ".join(where) + ": " + self.message if where else self.message

    def __repr__(self) -> str:
        return f"ConfigError({str(self)!r})"


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """' did you mean "duration"?' for a near miss, else the list of what is allowed."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    return "expected one of: " + ", ".join(sorted(choices))


def is_number(value: object) -> bool:
    """A TOML integer or float that is a real number (true/false are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


NAME_LONGEST = 60  # characters in a preset, phase, region or tag name: one line on screen


class Checker:
    """Collects errors for one document, placing each at its line via the key locator."""

    def __init__(self, file: Path | None = None, text: str | None = None) -> None:
        self.file = str(file) if file is not None else None
        self.base_dir = (file.expanduser().absolute().parent) if file is not None else Path.cwd()
        self._locator = KeyLocator(text) if text else None
        self.errors: list[ConfigError] = []

    def error(self, path: KeyPath, message: str, context: str | None = None) -> None:
        """Record one problem at ``path`` (the line comes from the nearest located key)."""
        line = self._locator.line_of(path) if self._locator is not None else None
        key = format_key(path) or None
        self.errors.append(
            ConfigError(message, path=self.file, line=line, key=key, context=context)
        )

    def table(self, value: object, path: KeyPath, context: str | None = None) -> dict[str, Any]:
        """``value`` as a table, or an empty one after reporting that it is not a table."""
        if isinstance(value, Mapping):
            return dict(value)
        self.error(path, f"expected a table, got {show_value(value)}", context)
        return {}

    def known_keys(
        self, table: Mapping[str, Any], allowed: Collection[str], path: KeyPath, context: str | None
    ) -> None:
        """Report each key not in ``allowed`` with a "did you mean" for near misses."""
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.error((*path, key), f'unknown key "{key}"; {hint}', context)

    def text(
        self,
        value: object,
        path: KeyPath,
        context: str | None = None,
        *,
        what: str = "text",
        longest: int | None = None,
    ) -> str | None:
        """A non-blank string, stripped (at most ``longest`` characters); None after
        reporting anything else."""
        if not isinstance(value, str):
            self.error(path, f"expected {what} in quotes, got {show_value(value)}", context)
            return None
        if not value.strip():
            self.error(path, f"expected {what}, got an empty string", context)
            return None
        if longest is not None and len(value.strip()) > longest:
            self.error(
                path,
                f"{what} is {len(value.strip()):,} characters long; at most {longest} fit on "
                "the session screen, read from across the room: shorten it",
                context,
            )
            return None
        return value.strip()

    def flag(self, value: object, path: KeyPath, context: str | None = None) -> bool | None:
        """true or false; None after reporting anything else."""
        if isinstance(value, bool):
            return value
        self.error(path, f"expected true or false, got {show_value(value)}", context)
        return None

    def fraction(self, value: object, path: KeyPath, context: str | None = None) -> float | None:
        """A volume: a number from 0 to 1; None after reporting anything else."""
        if is_number(value) and 0 <= value <= 1:  # type: ignore[operator]
            return float(value)  # type: ignore[arg-type]
        self.error(
            path, f"expected a number from 0 to 1 (like 0.6), got {show_value(value)}", context
        )
        return None

    def choice(
        self, value: object, choices: Collection[str], path: KeyPath, context: str | None = None
    ) -> str | None:
        """One of ``choices`` (case-insensitive); None after reporting anything else."""
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        listed = ", ".join(f'"{c}"' for c in choices)
        hint = ""
        if isinstance(value, str):
            close = difflib.get_close_matches(value.strip().lower(), list(choices), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
        self.error(path, f"expected one of {listed}, got {show_value(value)}{hint}", context)
        return None
