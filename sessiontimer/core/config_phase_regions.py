"""``region`` on a phase and the ``[practitioner]`` table: the config of the treatment note.

A phase's region names one of ``[general] regions`` (any case); a misspelt one is an error
with a suggestion, because the hands would otherwise silently stay where they were. The
built-in protocol presets name the default regions: where a user renamed the regions, their
phases simply carry none.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sessiontimer.core.config_check import Checker, did_you_mean
from sessiontimer.core.durations import show_value
from sessiontimer.core.model import Practitioner, Preset

PRACTITIONER_KEYS = ("name", "licence")


def read_practitioner(checker: Checker, value: object) -> Practitioner | None:
    """``[practitioner] name = "...", licence = "..."``; None when the table is absent."""
    if value is None:
        return None
    table = checker.table(value, ("practitioner",))
    checker.known_keys(table, PRACTITIONER_KEYS, ("practitioner",), None)
    if "name" not in table:
        if isinstance(value, dict):
            checker.error(
                ("practitioner",),
                'the practitioner table needs a name, like name = "Jane Doe, CST-T"',
            )
        return None
    name = _one_line(checker, table["name"], "name", "your name")
    licence = None
    if "licence" in table:
        licence = _one_line(checker, table["licence"], "licence", "a licence number")
    return Practitioner(name, licence) if name else None


def _one_line(checker: Checker, value: object, key: str, what: str) -> str | None:
    text = checker.text(value, ("practitioner", key), what=what)
    if text is not None and any(ord(c) < 32 or ord(c) == 127 for c in text):
        checker.error(("practitioner", key), f"{what} must be one line of text without controls")
        return None
    if text is not None and len(text) > 200:
        checker.error(("practitioner", key), f"{what} is {len(text)} characters; 200 at most")
        return None
    return text


def place_regions(
    checker: Checker, raw_presets: object, presets: list[Preset], regions: tuple[str, ...]
) -> list[Preset]:
    """Check each user phase's region against ``regions``; spell it as the list does."""
    by_fold = {r.casefold(): r for r in regions}
    for i, raw in enumerate(raw_presets if isinstance(raw_presets, list) else []):
        phases = raw.get("phases") if isinstance(raw, dict) else None
        for j, phase in enumerate(phases if isinstance(phases, list) else []):
            value: Any = phase.get("region") if isinstance(phase, dict) else None
            if isinstance(value, str) and value.strip() and value.strip().casefold() not in by_fold:
                checker.error(
                    ("presets", i, "phases", j, "region"),
                    f"no region is named {show_value(value.strip())}; "
                    + did_you_mean(value.strip(), regions)
                    + " (the regions are [general] regions)",
                )
    return [_respell(p, by_fold) for p in presets]


def _respell(preset: Preset, by_fold: dict[str, str]) -> Preset:
    phases = tuple(
        dataclasses.replace(p, region=by_fold.get(p.region.casefold()) if p.region else None)
        for p in preset.phases
    )
    return dataclasses.replace(preset, phases=phases)
