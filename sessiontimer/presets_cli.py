"""``sessiontimer presets show | export | import``: presets as text, in and out of the config.

Import goes through the same validated, comment-preserving, atomic writer as the app's preset
editor, so a preset file from a colleague can never leave the user's config broken.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import Any

import tomlkit

from sessiontimer.config_edit import ConfigChangedOnDisk, ConfigEditor, ConfigRejected
from sessiontimer.config_edit import presets as edits
from sessiontimer.core.atomic import atomic_write
from sessiontimer.core.config import ConfigError, load_settings
from sessiontimer.core.model import Cue, Phase, Preset
from sessiontimer.core.readable import span
from sessiontimer.core.visible import shown
from sessiontimer.paths import AppPaths

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
ACTIONS = ("show", "export", "import")


def register(presets_subparsers: Any) -> None:
    """Add show, export and import to the ``presets`` subcommand."""
    show = presets_subparsers.add_parser("show", help="one preset in full, with its cues")
    show.add_argument("name")
    export = presets_subparsers.add_parser("export", help="a preset as TOML, to share or keep")
    export.add_argument("name")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    imp = presets_subparsers.add_parser("import", help="add the presets in FILE to your config")
    imp.add_argument("file")
    imp.add_argument("--replace", action="store_true", help="replace presets of the same name")


def run(args: argparse.Namespace, app_paths: AppPaths) -> int:
    """Run one of :data:`ACTIONS`; the exit code (0 ok, 1 a problem, 2 bad usage)."""
    handler = {"show": _show, "export": _export, "import": _import}[args.presets_command]
    return handler(args, app_paths)


def _fail(message: object) -> int:
    print(shown(f"sessiontimer: {message}"), file=sys.stderr)
    return EXIT_PROBLEM


def _find(app_paths: AppPaths, name: str) -> Preset | None:
    settings, errors = load_settings(app_paths.config_file, must_exist=app_paths.config_explicit)
    for error in errors:
        print(shown(f"sessiontimer: {error}"), file=sys.stderr)
    try:
        return settings.preset(name)
    except KeyError:
        names = ", ".join(p.name for p in settings.presets)
        print(shown(f"sessiontimer: no preset named {name!r}. Presets: {names}"), file=sys.stderr)
        return None


def _show(args: argparse.Namespace, app_paths: AppPaths) -> int:
    preset = _find(app_paths, args.name)
    if preset is None:
        return EXIT_USAGE
    total = span(preset.planned_seconds) + (" + open" if preset.has_open_phase else "")
    print(shown(f"{preset.name}  ({total})"))
    if preset.description:
        print(shown(f"  {preset.description}"))
    for index, phase in enumerate(preset.phases, 1):
        print(shown(f"  {index}. {_phase_line(phase)}"))
    print(f"  session end: {_cue(preset.end_cue)}")
    return EXIT_OK


def _phase_line(phase: Phase) -> str:
    length = span(phase.target) if phase.target else "open"
    parts = [f"{phase.name}: {length}, {phase.on_end.value}", f"start {_cue(phase.cues.start)}"]
    cues = phase.cues
    for label, every, cue in (
        ("warning", cues.warn_before, cues.warning),
        ("interval", cues.interval_every, cues.interval),
        ("overtime", cues.overtime_every, cues.overtime),
    ):
        if every is not None:
            when = span(every)
            when = f"{when} before the end" if label == "warning" else f"every {when}"
            parts.append(f"{label} {_cue(cue)} {when}")
    return "; ".join(parts)


def _cue(cue: Cue | None) -> str:
    if cue is None:
        return "off"
    extra = f" at {cue.volume:g}" if cue.volume != 1.0 else ""
    return cue.sound + extra + (f" x{cue.repeat}" if cue.repeat > 1 else "")


def _export(args: argparse.Namespace, app_paths: AppPaths) -> int:
    preset = _find(app_paths, args.name)
    if preset is None:
        return EXIT_USAGE
    editor = ConfigEditor(app_paths.config_file)
    if not editor.exists:
        editor.doc = tomlkit.document()  # no file: only the built-ins exist
    text = edits.export_text(editor.doc, preset.name)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    if target.exists() and not args.force:
        return _fail(f"{target} already exists; use --force to overwrite it")
    try:
        atomic_write(target, text.encode("utf-8"))
    except OSError as error:
        return _fail(f"cannot write {target}: {error.strerror or error}")
    print(f"Wrote {preset.name!r} to {target}.")
    return EXIT_OK


def _import(args: argparse.Namespace, app_paths: AppPaths) -> int:
    source = Path(args.file)
    _checked, errors = load_settings(source, must_exist=True)
    if errors:
        for error in errors:
            print(shown(f"sessiontimer: {error}"), file=sys.stderr)
        return EXIT_PROBLEM
    tables = edits.user_presets(tomlkit.parse(source.read_text(encoding="utf-8-sig")))
    if not tables:
        return _fail(f"{source} has no [[presets]] to import")
    editor = ConfigEditor(app_paths.config_file)
    clashes = [str(t["name"]) for t in tables if edits.find_user(editor.doc, str(t["name"]))]
    if clashes and not args.replace:
        names = ", ".join(repr(n) for n in clashes)
        return _fail(f"your config already has {names}; use --replace to replace, or rename")
    try:
        for table in tables:
            editor.edit(functools.partial(edits.replace_preset, table=table))
        editor.save()
    except (ConfigRejected, ConfigChangedOnDisk, OSError) as error:
        return _report(error)
    names = ", ".join(repr(str(t["name"])) for t in tables)
    print(f"Imported {names} into {app_paths.config_file}.")
    return EXIT_OK


def _report(error: Exception) -> int:
    if isinstance(error, ConfigRejected):
        print("sessiontimer: not imported; your config would have these problems:", file=sys.stderr)
        for problem in error.errors:
            print(shown(f"sessiontimer: {problem}"), file=sys.stderr)
        return EXIT_PROBLEM
    if isinstance(error, OSError):
        return _fail(f"cannot write the config file: {error.strerror or error}")
    return _fail(error)


__all__ = ["ACTIONS", "ConfigError", "register", "run"]
