"""Presets and phases from the config file (cues: see config_cues).

A value inherited from further out that cannot apply (a global ``warn_before`` longer than a
short phase) is dropped quietly; set on the phase itself, it is an error, because then the
user clearly meant it for that phase.
"""

from __future__ import annotations

from typing import Any

from sessiontimer.core.config_check import NAME_LONGEST, Checker
from sessiontimer.core.config_cues import (
    PHASE_CUE_KEYS,
    PRESET_CUE_KEYS,
    Layer,
    read_layer,
    resolve_sound,
    resolve_time,
)
from sessiontimer.core.durations import format_duration, parse_duration, show_value
from sessiontimer.core.model import OnEnd, Phase, PhaseCues, Preset
from sessiontimer.core.toml_locate import KeyPath

PHASE_KEYS = ("name", "duration", "target", "on_end", "region", *PHASE_CUE_KEYS)
PRESET_KEYS = ("name", "description", "phases", *PRESET_CUE_KEYS)


def read_presets(checker: Checker, value: object, global_layer: Layer) -> list[Preset]:
    """Every valid ``[[presets]]`` entry, in file order; duplicates are reported."""
    if not isinstance(value, list):
        checker.error(
            ("presets",),
            "expected presets written as [[presets]] tables, got "
            + ("a single [presets] table" if isinstance(value, dict) else show_value(value)),
        )
        return []
    presets: list[Preset] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(value):
        path: KeyPath = ("presets", index)
        preset = read_preset(checker, raw, path, global_layer)
        if preset is None:
            continue
        folded = preset.name.casefold()
        if folded in seen:
            checker.error(
                (*path, "name"),
                f'another preset is also named "{preset.name}" (presets[{seen[folded]}]); '
                "preset names must differ (ignoring case)",
            )
            continue
        seen[folded] = index
        presets.append(preset)
    return presets


def read_preset(checker: Checker, raw: object, path: KeyPath, global_layer: Layer) -> Preset | None:
    """One preset; None (after reporting) if anything in it is wrong."""
    before = len(checker.errors)
    table = checker.table(raw, path)
    name = None
    if "name" in table:
        name = checker.text(
            table["name"], (*path, "name"), what="a preset name", longest=NAME_LONGEST
        )
    if "name" not in table and isinstance(raw, dict):
        checker.error(path, 'a preset needs a name, like name = "Craniosacral 60"')
    ctx = f'preset "{name}"' if name else None
    checker.known_keys(table, PRESET_KEYS, path, ctx)
    description = ""
    if "description" in table:
        description = (
            checker.text(table["description"], (*path, "description"), ctx, what="a description")
            or ""
        )
    layer = read_layer(checker, table, PRESET_CUE_KEYS, path, ctx)
    layers = [layer, global_layer]
    phases = _read_phases(checker, table.get("phases"), (*path, "phases"), name, layers)
    if len(checker.errors) > before or name is None:
        return None
    end_cue = resolve_sound("end", layers)
    return Preset(name=name, phases=tuple(phases), description=description, end_cue=end_cue)


def _read_phases(
    checker: Checker, value: object, path: KeyPath, preset: str | None, layers: list[Layer]
) -> list[Phase]:
    ctx = f'preset "{preset}"' if preset else None
    if value is None or value == []:
        checker.error(
            path,
            "this preset has no phases; add at least one [[presets.phases]] table "
            'with a name and a duration, like name = "intake" and duration = "5m"',
            ctx,
        )
        return []
    if not isinstance(value, list):
        checker.error(path, f"expected [[presets.phases]] tables, got {show_value(value)}", ctx)
        return []
    phases = []
    for index, raw in enumerate(value):
        phase = _read_phase(checker, raw, (*path, index), preset, layers)
        if phase is not None:
            phases.append(phase)
    return phases


def _read_phase(
    checker: Checker, raw: object, path: KeyPath, preset: str | None, layers: list[Layer]
) -> Phase | None:
    before = len(checker.errors)
    outer = f'preset "{preset}"' if preset else None
    table = checker.table(raw, path, outer)
    name = None
    if "name" in table:
        name = checker.text(
            table["name"], (*path, "name"), outer, what="a phase name", longest=NAME_LONGEST
        )
    ctx = ", ".join(filter(None, [outer, f'phase "{name}"' if name else None])) or None
    if "name" not in table:
        checker.error(path, 'a phase needs a name, like name = "intake"', ctx)
    checker.known_keys(table, PHASE_KEYS, path, ctx)
    on_end, target = _read_length(checker, table, path, ctx)
    layer = read_layer(checker, table, PHASE_CUE_KEYS, path, ctx)
    cues = _phase_cues(checker, [layer, *layers], (on_end, target), path, ctx)
    region = None
    if "region" in table:
        region = checker.text(
            table["region"], (*path, "region"), ctx, what="a region name", longest=NAME_LONGEST
        )
    if len(checker.errors) > before or name is None or on_end is None:
        return None
    return Phase(name=name, target=target, on_end=on_end, cues=cues, region=region)


def _read_length(
    checker: Checker, table: dict[str, Any], path: KeyPath, ctx: str | None
) -> tuple[OnEnd | None, float | None]:
    """(on_end, target seconds) from duration/target and on_end; (None, None) on error."""
    on_end: OnEnd | None = OnEnd.ADVANCE
    explicit = "on_end" in table
    if explicit:
        choice = checker.choice(table["on_end"], [e.value for e in OnEnd], (*path, "on_end"), ctx)
        on_end = None if choice is None else OnEnd(choice)
    key = "duration" if "duration" in table else "target"
    if "duration" in table and "target" in table:
        checker.error((*path, "target"), "give either duration or target, not both", ctx)
        return None, None
    if key not in table:
        if on_end is OnEnd.OPEN:
            return on_end, None
        checker.error(path, 'a phase needs a duration, like duration = "5m" (or "open")', ctx)
        return None, None
    try:
        seconds = parse_duration(table[key])
    except ValueError as exc:
        checker.error((*path, key), str(exc), ctx)
        return None, None
    if seconds is None:
        if explicit and on_end is not OnEnd.OPEN and on_end is not None:
            checker.error(
                (*path, key),
                f'a "{on_end.value}" phase needs a length like "5m"; '
                'for a phase without one, write on_end = "open"',
                ctx,
            )
            return None, None
        return (OnEnd.OPEN if on_end is not None else None), None
    if seconds == 0:
        checker.error(
            (*path, key), 'a phase must last longer than 0; use "open" for no set length', ctx
        )
        return None, None
    return on_end, seconds


def _phase_cues(
    checker: Checker,
    layers: list[Layer],
    length: tuple[OnEnd | None, float | None],
    path: KeyPath,
    ctx: str | None,
) -> PhaseCues:
    """The phase's cues; a warning or overtime reminder only where its kind has one (DESIGN)."""
    on_end, target = length
    if on_end is OnEnd.OPEN:
        target = None
    warn_before = resolve_time("warn_before", layers)
    if target is not None and warn_before is not None and warn_before >= target:
        if isinstance(layers[0].get("warn_before"), float):
            checker.error(
                (*path, "warn_before"),
                f"the warning would come before the phase starts: warn_before "
                f"({format_duration(warn_before)}) must be shorter than the phase "
                f"({format_duration(target)})",
                ctx,
            )
        warn_before = None
    return PhaseCues(
        start=resolve_sound("start", layers),
        warning=resolve_sound("warning", layers),
        warn_before=warn_before if on_end is not OnEnd.OPEN else None,
        interval=resolve_sound("interval", layers),
        interval_every=resolve_time("interval_every", layers),
        overtime=resolve_sound("overtime", layers),
        overtime_every=resolve_time("overtime_every", layers) if on_end is OnEnd.HOLD else None,
    )
