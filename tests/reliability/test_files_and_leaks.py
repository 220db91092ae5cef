"""Files the app writes are private whatever the umask, never written through a link or into
a FIFO, and leak nothing: no client in `ps`, no note text in the error log, no traceback on a
closed pipe."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sessiontimer import cli, paths
from sessiontimer.core.private_files import make_private_dirs, open_private
from sessiontimer.core.state import UiState, save_state
from sessiontimer.review.export import REGISTRY, record_export
from sessiontimer.ui.errors import log_exception
from tests.reliability.ptyapp import PtyApp, app_env
from tests.review.review_journals import known_session


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_config_init_under_umask_000_is_0600_and_leaves_a_shared_folder_alone(
    tmp_path: Path, open_umask: None
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    assert cli.main(["config", "init", str(shared / "config.toml")]) == 0
    assert _mode(shared / "config.toml") == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert cli.main(["config", "init", str(tmp_path / "new" / "deeper" / "c.toml")]) == 0
    assert _mode(tmp_path / "new") == _mode(tmp_path / "new" / "deeper") == 0o700
    assert _mode(tmp_path / "new" / "deeper" / "c.toml") == 0o600


def test_state_registry_and_error_log_are_0600_under_umask_000(
    tmp_path: Path, open_umask: None
) -> None:
    app_paths = paths.resolve()
    save_state(app_paths.state_file, UiState())
    record_export(app_paths.state_dir, tmp_path / "a.md", ["Anna"])
    log_exception(app_paths.error_log, ValueError("x"), "test")
    for path in (app_paths.state_file, app_paths.state_dir / REGISTRY, app_paths.error_log):
        assert _mode(path) == 0o600, path
    assert _mode(app_paths.state_dir) == 0o700


def test_a_planted_symlink_or_fifo_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    link = tmp_path / "link"
    link.symlink_to(victim)
    with pytest.raises(OSError):
        open_private(link, os.O_WRONLY | os.O_APPEND)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        open_private(fifo, os.O_WRONLY | os.O_APPEND)  # returns at once: no reader needed
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(OSError, match="not a regular file"):
            open_private(fifo, os.O_WRONLY | os.O_APPEND)  # a reader is there: still refused
    finally:
        os.close(reader)
    app_paths = paths.resolve()
    make_private_dirs(app_paths.state_dir)
    app_paths.state_file.symlink_to(victim)
    save_state(app_paths.state_file, UiState())  # replaces the link, never writes through it
    assert victim.read_text() == "keep me" and app_paths.state_file.is_file()
    assert not app_paths.state_file.is_symlink()
    os.mkfifo(app_paths.error_log)
    done = threading.Event()
    worker = threading.Thread(
        target=lambda: (log_exception(app_paths.error_log, ValueError(), "t"), done.set())
    )
    worker.start()
    worker.join(10)
    assert done.is_set()  # no hang on a FIFO with no reader


def test_the_error_log_holds_no_note_text_or_client_name(tmp_path: Path) -> None:
    log = tmp_path / "state" / "errors.log"
    try:
        try:
            raise KeyError("Anna Secret")
        except KeyError as inner:
            raise ValueError("closing tag '[/b]' in note: client Anna Secret") from inner
    except ValueError as error:
        log_exception(log, error, "StartScreen.compose")
    text = log.read_text()
    assert "Secret" not in text and "[/b]" not in text
    assert "builtins.ValueError" in text and "builtins.KeyError" in text
    assert "test_files_and_leaks.py" in text and "StartScreen.compose" in text


@pytest.mark.parametrize("argv", [["presets", "list"], ["logs", "list"], ["paths"]])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, argv: list[str]) -> None:
    env = app_env(tmp_path)
    (tmp_path / "config.toml").touch()

    for day in range(1, 29):
        known_session(tmp_path / "data" / "sessions", f"C{day}", day=day, token=f"{day:06x}")
    code = "from sessiontimer.cli import main; raise SystemExit(main())"
    shell = f"{sys.executable} -c '{code}' {' '.join(argv)} | head -c 1"
    done = subprocess.run(["bash", "-c", shell], env=env, capture_output=True, timeout=60)
    assert done.stderr == b"", done.stderr
    assert len(done.stdout) == 1


def test_the_client_is_not_in_the_process_arguments(tmp_path: Path) -> None:
    (tmp_path / "config.toml").touch()
    app = PtyApp(
        tmp_path, ["run", "--preset", "Demo", "--client", "Zelda Quartz"], app_env(tmp_path)
    )
    try:
        assert app.wait_for("left in this phase", 30), app.text()[-2000:]
        cmdline = Path(f"/proc/{app.proc.pid}/cmdline").read_bytes()
        assert b"Zelda" not in cmdline and b"sessiontimer" in cmdline
        status = Path(f"/proc/{app.proc.pid}/status").read_text()
        assert "Zelda" not in status
    finally:
        app.kill()


def test_a_config_that_is_a_fifo_or_huge_is_refused_not_waited_on(tmp_path: Path) -> None:
    from sessiontimer.core.config import load_settings

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    settings, errors = load_settings(fifo, must_exist=True)
    assert settings.presets and "not a regular file" in str(errors[0])
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"#" * (5 << 20))
    _, errors = load_settings(huge, must_exist=True)
    assert "5,242,880 bytes" in str(errors[0])
