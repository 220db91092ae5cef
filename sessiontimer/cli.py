"""The command line: argument parsing, then config, then the app or a subcommand.

Textual is imported only when the app actually opens, so subcommands stay quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sessiontimer import __version__, gc_hold, paths
from sessiontimer.core.visible import shown, utf8

if TYPE_CHECKING:  # the config code loads only for the commands that read the config
    from sessiontimer.core.config import ConfigError
    from sessiontimer.core.model import AudioSettings, Settings

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The whole command tree; ``--help`` at every level comes from here.

    The ``logs`` and ``presets`` actions pull in the review and config-editing code, so they
    are only added when the command line names them: opening the app stays quick.
    """
    words = set(argv)
    parser = argparse.ArgumentParser(
        prog="sessiontimer",
        description="A calm session timer for bodywork. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", metavar="FILE", help="config file (default: see `paths`)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start a session directly")
    run.add_argument("--preset", required=True, help="preset name (see `presets list`)")
    run.add_argument("--client", help="client name or initials")

    presets = sub.add_parser("presets", help="list the presets")
    presets_sub = presets.add_subparsers(dest="presets_command", metavar="ACTION")
    presets_sub.add_parser("list", help="list presets with their phases")
    if "presets" in words:
        from sessiontimer import presets_cli

        presets_cli.register(presets_sub)

    config = sub.add_parser("config", help="check the config file")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION")
    check = config_sub.add_parser("check", help="check a config file; exit 1 if it has problems")
    check.add_argument("file", nargs="?", help="the file to check (default: the one in use)")
    init = config_sub.add_parser("init", help="write the commented starter config file")
    init.add_argument("file", nargs="?", help="where (default: the config path in use)")

    sub.add_parser("paths", help="where the config, session logs and state live")

    sounds = sub.add_parser("sounds", help="list the cue sounds, or play one")
    sounds_sub = sounds.add_subparsers(dest="sounds_command", metavar="ACTION")
    play = sounds_sub.add_parser("play", help="play one sound")
    play.add_argument("name")
    play.add_argument("--volume", type=float, default=0.6, help="0 to 1 (default 0.6)")

    sub.add_parser("doctor", help="check audio playback and say how to improve it")
    from sessiontimer.serve.options import register as register_serve

    register_serve(sub)
    back = sub.add_parser("backup", help="one archive of every journal, the config and the state")
    back.add_argument(
        "file", nargs="?", help="where (default: sessiontimer-backup-DATE.tar.gz here)"
    )
    rest = sub.add_parser("restore", help="merge a backup into the current folders")
    rest.add_argument("file", help="the archive `sessiontimer backup` wrote")
    if "logs" in words:
        from sessiontimer import review_cli

        review_cli.register(sub)
    else:
        sub.add_parser(
            "logs", help="review past sessions: list, show, export, amend, rename, delete"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sessiontimer`` command; returns the exit code."""
    own_process = argv is None  # not a test calling in, whose process title is not ours
    argv = list(sys.argv[1:] if argv is None else argv)
    undecodable = next((a for a in argv if not utf8(a)), None)
    if undecodable is not None:
        return _not_utf8(undecodable)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if own_process:
        hide_arguments(args)
        if args.command in (None, "run"):  # the app: no signal kills it half-way
            from sessiontimer.ui import held_signals

            held_signals.hold()
    app_paths = paths.resolve(args.config)
    handlers = {
        None: _open_app,
        "run": _open_app,
        "presets": _presets,
        "config": _config,
        "paths": _paths,
        "sounds": _sounds,
        "doctor": _doctor,
        "logs": _logs,
        "serve": _serve,
        "backup": _backup,
        "restore": _restore,
    }
    try:
        code = handlers[args.command](args, app_paths)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:  # `presets list | head -1`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _not_utf8(arg: str) -> int:
    """Refused before anything is read or written: such an argument reached a journal line
    or the index and ended in a traceback (a client's name, a note, a filter, a file name)."""
    typed = arg.encode(errors="surrogateescape").decode(errors="backslashreplace")
    print(
        shown(f"sessiontimer: the argument “{typed}” is not UTF-8 text (\\x.. is a byte of")
        + " another encoding): type it again with the terminal set to UTF-8",
        file=sys.stderr,
    )
    return EXIT_USAGE


def hide_arguments(args: argparse.Namespace) -> None:
    """Once parsed, the process title and arguments no longer carry what they were given:
    ``ps`` shows any local user ``sessiontimer run`` and a client's name with it otherwise."""
    if not getattr(args, "client", None) and args.command != "logs":
        return
    try:
        import setproctitle
    except ImportError:  # a platform without a wheel: the name stays visible, nothing breaks
        return
    setproctitle.setproctitle(" ".join(["sessiontimer", *filter(None, [args.command])]))


def _load(app_paths: paths.AppPaths) -> tuple[Settings, list[ConfigError]]:
    from sessiontimer.core.config import load_settings

    return load_settings(app_paths.config_file, must_exist=app_paths.config_explicit)


def _print_errors(errors: list[ConfigError]) -> None:
    for error in errors:
        print(shown(f"sessiontimer: {error}"), file=sys.stderr)


def _open_app(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    gc_hold.hold()
    settings, errors = _load(app_paths)
    preset = None
    if args.command == "run":
        try:
            preset = settings.preset(args.preset).name
        except KeyError:
            names = ", ".join(p.name for p in settings.presets)
            print(
                shown(f"sessiontimer: no preset named {args.preset!r}. Presets: {names}"),
                file=sys.stderr,
            )
            return EXIT_USAGE
    from sessiontimer.ui.app import make_app  # only now: textual is slow to import

    app = make_app(
        settings,
        app_paths,
        config_errors=errors,
        preset=preset,
        client=args.client if args.command == "run" else None,
    )
    from sessiontimer.ui import held_signals

    early = held_signals.noted()
    if early is not None:  # a signal while starting, before anything was begun or written
        return 128 + early
    app.run()
    held_signals.app_gone()  # (if the app left without saying so) hold signals to the end
    app.way_out.close_audio()  # whatever way the app ended (it is safe twice)
    from sessiontimer.ui.leaving import tell

    tell(app.after_exit)  # where waiting journal lines went, once the terminal is restored
    return app.return_code or EXIT_OK


def _logs(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    from sessiontimer import review_cli

    return review_cli.run(args, app_paths)


def _serve(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    from sessiontimer.serve.command import run

    return run(args, app_paths)


def _backup(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    from sessiontimer import backup_cli

    return backup_cli.backup(args.file, app_paths)


def _restore(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    from sessiontimer import backup_cli

    return backup_cli.restore(args.file, app_paths)


def _presets(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    if args.presets_command not in (None, "list"):
        from sessiontimer import presets_cli

        return presets_cli.run(args, app_paths)
    from sessiontimer.core.readable import span

    settings, errors = _load(app_paths)
    _print_errors(errors)
    for preset in settings.presets:
        total = span(preset.planned_seconds) + (" + open" if preset.has_open_phase else "")
        print(shown(f"{preset.name}  ({total})"))
        for phase in preset.phases:
            length = span(phase.target) if phase.target else "open"
            print(shown(f"    {phase.name:<24} {length:>14}  {phase.on_end.value}"))
    return EXIT_OK


def _config(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    if args.config_command == "init":
        return _config_init(Path(args.file) if args.file else app_paths.config_file)
    if args.config_command != "check":
        print("usage: sessiontimer config check [FILE] | config init [FILE]", file=sys.stderr)
        return EXIT_USAGE
    target = Path(args.file) if args.file else app_paths.config_file
    if not target.exists() and not args.file and not app_paths.config_explicit:
        print(f"No config file at {target}: the built-in presets are used.")
        return EXIT_OK
    from sessiontimer.core.config import check_file

    errors = check_file(target)
    if errors:
        _print_errors(errors)
        return EXIT_PROBLEM
    print(f"{target}: OK")
    return EXIT_OK


def _config_init(target: Path) -> int:
    """Write the starter config; never overwrite one that exists."""
    if target.exists():
        print(f"sessiontimer: {target} already exists; not overwritten.", file=sys.stderr)
        return EXIT_PROBLEM
    from sessiontimer.core.private_files import open_private

    try:
        paths.private_dir(target.parent)
        text = paths.example_config().read_text(encoding="utf-8")
        with os.fdopen(open_private(target, os.O_WRONLY | os.O_EXCL), "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        print(f"sessiontimer: cannot write {target}: {error.strerror}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"Wrote {target}. Edit it, then run `sessiontimer config check`.")
    return EXIT_OK


def _paths(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    exists = "exists" if app_paths.config_file.exists() else "not present: built-in defaults"
    print(f"config file:   {app_paths.config_file} ({exists})")
    print(f"session logs:  {app_paths.sessions_dir}")
    print(f"state:         {app_paths.state_file}")
    print(f"error log:     {app_paths.error_log}")
    print(f"sounds:        {paths.bundled_sounds_dir()}")
    return EXIT_OK


def _sounds(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    from sessiontimer.audio import commands

    if args.sounds_command == "play":
        return commands.play_sound(args.name, args.volume, _audio(app_paths))
    return commands.list_sounds()


def _doctor(args: argparse.Namespace, app_paths: paths.AppPaths) -> int:
    from sessiontimer.audio import commands

    return commands.doctor(_audio(app_paths))


def _audio(app_paths: paths.AppPaths) -> AudioSettings:
    """The config's audio (backend, bell), so that what is checked or played is what a
    session would use; a broken config is said and the built-in settings are used."""
    settings, errors = _load(app_paths)
    _print_errors(errors)
    return settings.audio
