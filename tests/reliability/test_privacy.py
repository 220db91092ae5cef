"""Privacy: private file modes whatever the umask, no network, no path tricks via a client."""

from __future__ import annotations

import os
import stat
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from sessiontimer.core.journal_read import read_journal
from tests.reliability.ptyapp import PtyApp, app_env
from tests.ui.conftest import build_app

AUDIT_HOOK = """
import os, socket, sys
_log = os.environ["ST_AUDIT_LOG"]
def _write(line):
    with open(_log, "a") as f:
        f.write(f"{os.getpid()} {line}\\n")
_write("start " + " ".join(sys.orig_argv))
def _hook(event, args):
    if event == "socket.__new__":
        family = args[1]
        if family != socket.AF_UNIX:
            _write(f"NETWORK socket family={family!r}")
    elif event in ("socket.connect", "socket.bind", "socket.getaddrinfo", "socket.sendto"):
        _write(f"NETWORK {event} {args[1:]!r}")
sys.addaudithook(_hook)
"""


async def test_files_are_private_whatever_the_umask(private_paths: Path) -> None:
    old = os.umask(0)
    try:
        app = build_app(preset="Demo", client="AB")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("r", "s", "2", "]", "f2")
            session = app.session
            assert session is not None and session.writer.flush(5)
            await pilot.pause(0.2)  # the state file is saved by a thread worker
        session.close()
        assert session.wait(5)
    finally:
        os.umask(old)
    written = [p for p in private_paths.rglob("*")]
    files = [p for p in written if p.is_file()]
    assert any(p.suffix == ".jsonl" for p in files) and any(p.name == "state.json" for p in files)
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o600 if path.is_file() else 0o700), (path, oct(mode))


def test_no_network_socket_in_the_app(tmp_path: Path) -> None:
    """Whatever plays the cues (the system player when simpleaudio is not installed)."""
    starts, network = _run_audited(tmp_path, wait_for_worker=False)
    assert any("sessiontimer" in line and "run" in line for line in starts)
    assert network == []


def test_no_network_socket_in_the_audio_worker(tmp_path: Path) -> None:
    """The worker process exists only with the audio extra: skipped (with the reason) without it."""
    _need_simpleaudio()
    starts, network = _run_audited(tmp_path, wait_for_worker=True)
    assert any("sessiontimer" in line and "run" in line for line in starts)
    assert any("sessiontimer.audio.worker" in line for line in starts), starts
    assert network == []


def _need_simpleaudio() -> None:
    """Skip without the audio extra, except under CI=true, where a skip would hide a gap."""
    if find_spec("simpleaudio") is not None:
        return
    message = "simpleaudio is not installed (pip install '.[audio]'): no audio worker to audit"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true requires the real audio path to be tested")
    pytest.skip(message)


def _run_audited(tmp_path: Path, *, wait_for_worker: bool) -> tuple[list[str], list[str]]:
    """Run a Demo session under an audit hook; the processes started and any network use."""
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(AUDIT_HOOK)
    log = tmp_path / "audit.log"
    home = tmp_path / "home"
    env = app_env(home, {"PYTHONPATH": str(hook_dir), "ST_AUDIT_LOG": str(log)})
    app = PtyApp(home, ["run", "--preset", "Demo", "--client", "AB"], env)  # audio: auto
    try:
        assert app.wait_for("left in this phase", 20)
        mark = len(app.text())
        app.send(b"r")
        assert app.wait_for("Saved: release", 10, mark)
        # The audio service starts after the first frame: wait for its worker, then let it
        # play the start cue (the worker writes its own "start" line through the hook).
        deadline = time.monotonic() + 15
        while (
            wait_for_worker
            and time.monotonic() < deadline
            and "sessiontimer.audio.worker" not in _read(log)
        ):
            app.pump(0.1)
        app.pump(1.0)
    finally:
        app.close()
    lines = log.read_text().splitlines()
    starts = [line for line in lines if " start " in line]
    return starts, [line for line in lines if "NETWORK" in line]


def _read(log: Path) -> str:
    return log.read_text() if log.exists() else ""


async def test_client_name_with_path_characters_stays_in_the_log_folder(
    private_paths: Path,
) -> None:
    client = "../../etc/x"
    app = build_app(preset="Demo", client=client)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        session = app.session
        assert session is not None and session.writer.flush(5)
    session.close()
    assert session.wait(5)
    sessions = app.paths.sessions_dir.resolve()
    journals = list(private_paths.rglob("*.jsonl"))
    assert len(journals) == 1
    assert journals[0].resolve().is_relative_to(sessions)
    assert read_journal(journals[0]).events[0]["client"] == client
    assert not (private_paths.parent / "etc").exists()
    assert not any("etc" in p.parts for p in private_paths.rglob("*"))
