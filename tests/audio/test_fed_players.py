"""pw-play and paplay fed through a pipe, so a cue cut short fades out (issue 15).

Neither player is installed here (nor a PipeWire or PulseAudio server), so each is a fake on
PATH that does what the real one does with our command line: it reads its samples from
stdin at the sound's real rate, like a sound card, and keeps what it got. The real players'
command lines were checked against Debian 12's pw-cat 0.3.65 and pacat 16.1 (options
accepted; both then stop at the missing server).
"""

from __future__ import annotations

import os
import socket
import sys
import time
import wave
from array import array
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from audio_helpers import WAIT, Recorder, ends_in_a_fade

from sessiontimer.audio.base import PlayJob, PlayResult
from sessiontimer.audio.service import AudioService
from sessiontimer.audio.sound import ScaledSound, load_wav
from sessiontimer.audio.system import SystemPlayerBackend, VisualBackend
from sessiontimer.core.model import AudioSettings, Cue
from sessiontimer.paths import bundled_sounds_dir

FAKE = """#!{python}
import os, sys, time
name = os.path.basename(sys.argv[0])
base = os.path.join(os.environ["FAKE_PLAYER_OUT"], f"{{name}}-{{os.getpid()}}")
with open(base + ".args", "w") as f:
    f.write("\\n".join(sys.argv[1:]))
time.sleep(float(os.environ.get("FAKE_PLAYER_DELAY", "0")))  # connecting, opening the device
per_second = 64000  # 32 kHz mono, 16-bit: read at real time, like a sound card
with open(base + ".raw", "wb") as out:
    t0, got = time.monotonic(), 0
    while True:
        chunk = os.read(0, 640)
        if not chunk:
            break
        out.write(chunk)
        out.flush()
        got += len(chunk)
        time.sleep(max(0.0, t0 + got / per_second - time.monotonic()))
open(base + ".end", "w").close()
"""


class Fakes:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def plays(self, player: str) -> list[Path]:
        """The .raw file of each run of ``player``, in the order they began (.args is
        written once, at the start; a .raw changes while it plays)."""
        runs = sorted(self.folder.glob(f"{player}-*.args"), key=lambda p: p.stat().st_mtime_ns)
        return [p.with_suffix(".raw") for p in runs if p.with_suffix(".raw").exists()]

    def wait(self, what: object, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while not what():  # type: ignore[operator]
            assert time.monotonic() < deadline, "the fake player did not get there in time"
            time.sleep(0.01)


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    bin_dir, out = tmp_path / "bin", tmp_path / "played"
    bin_dir.mkdir()
    out.mkdir()
    for name in ("pw-play", "paplay"):
        script = bin_dir / name
        script.write_text(FAKE.format(python=sys.executable))
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_PLAYER_OUT", str(out))
    return Fakes(out)


@pytest.fixture
def service(request: pytest.FixtureRequest) -> Iterator[AudioService]:
    made = AudioService(
        AudioSettings(backend="system"),
        [],
        backends=[SystemPlayerBackend([request.param]), VisualBackend()],
    )
    yield made
    made.close()


TAP = bundled_sounds_dir() / "wooden-tap.wav"


def play_tap(backend: SystemPlayerBackend) -> list[PlayResult]:
    """The wooden tap through ``backend`` until it is done; its answers."""
    sound = load_wav(TAP)
    answers: list[PlayResult] = []
    try:
        backend.play(PlayJob(1, ScaledSound(TAP, sound.samples, 32000, 1, TAP)), answers.append)
        assert backend.wait_idle(WAIT)
    finally:
        backend.close()
    return answers


def samples_of(player: str, data: bytes) -> array[int]:
    """What the player was given to play: pw-play gets a WAV stream, paplay raw samples."""
    if player == "pw-play":
        with wave.open(BytesIO(data[:44] + bytes(2))) as w:  # the header, as libsndfile reads it
            assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (32000, 1, 2)
        data = data[44:]
    samples = array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    return samples


@pytest.mark.parametrize("service", ["pw-play", "paplay"], indirect=True)
@pytest.mark.parametrize("how", ["a newer cue", "quit"])
def test_a_fed_player_cut_short_fades_out(
    fakes: Fakes, service: AudioService, recorder: Recorder, how: str
) -> None:
    player = service.backend.name
    bowl = Cue("singing-bowl")  # 20 s
    service.prepare([bowl, Cue("wooden-tap")])
    service.play(bowl, 1.0, False, recorder.result)
    assert recorder.wait_outcomes(1)[0].outcome == "played"
    fakes.wait(lambda: fakes.plays(player) and fakes.plays(player)[0].stat().st_size > 32000)
    if how == "quit":
        service.close()
    else:
        service.play(Cue("wooden-tap"), 1.0, False, recorder.result)
        assert recorder.wait_outcomes(2)[1].outcome == "played"
    first = fakes.plays(player)[0]
    fakes.wait(lambda: first.with_suffix(".end").exists())
    got = samples_of(player, first.read_bytes())
    whole = load_wav(bundled_sounds_dir() / "singing-bowl.wav").samples
    assert len(got) < len(whole) // 2  # cut short ...
    assert ends_in_a_fade(list(got), 32000)  # ... softly, not stopped mid-wave


@pytest.mark.parametrize("player", ["pw-play", "paplay"])
def test_the_fed_players_are_told_the_format_of_what_comes(fakes: Fakes, player: str) -> None:
    answers = play_tap(SystemPlayerBackend([player]))
    assert answers and answers[0].error is None
    (raw,) = fakes.plays(player)
    args = raw.with_suffix(".args").read_text().splitlines()
    if player == "paplay":
        assert {"--raw", "--format=s16le", "--rate=32000", "--channels=1"} <= set(args)
    else:
        assert args[-1] == "/dev/stdin"  # the pipe; rate and channels come in the WAV header
    assert list(samples_of(player, raw.read_bytes())) == list(load_wav(TAP).samples)  # all


@pytest.mark.parametrize("player", ["pw-play", "paplay"])
def test_a_fed_player_s_onset_is_its_first_read_not_its_start(
    fakes: Fakes, player: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A player opens its device (or connects to its server) before it reads a sample: the
    cue's line must not say it began when the process was started (issue 15: "late" says the
    truth)."""
    monkeypatch.setenv("FAKE_PLAYER_DELAY", "0.4")
    t0 = time.monotonic()
    answers = play_tap(SystemPlayerBackend([player]))
    assert answers and answers[0].started_at is not None
    assert answers[0].started_at - t0 >= 0.4  # when it read, not when it was spawned


def test_a_cue_is_answered_even_when_starting_the_player_breaks(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error in the play thread used to leave the cue with no answer at all
    (the service then waits for ever: no line, no fallback)."""
    from sessiontimer.audio import player_feed

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("I/O operation on closed file")

    monkeypatch.setattr(player_feed, "PlayerFeed", broken)
    answers = play_tap(SystemPlayerBackend(["paplay"]))
    assert len(answers) == 1 and answers[0].error is not None
    assert "closed file" in answers[0].error


def test_a_write_between_the_watchers_two_looks_is_not_an_onset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The watcher looks at the pipe's unread bytes and at what was written: a write that
    lands between the two looks must not pass for bytes the player took (CI saw a pw-play
    onset 3 ms after its start with a player that waited 0.4 s before reading)."""
    import fcntl
    import threading

    from sessiontimer.audio import player_feed

    looked, wrote = threading.Event(), threading.Event()
    real_ioctl, real_write_all = fcntl.ioctl, player_feed._write_all

    def ioctl_then_a_write(fd: int, request: int, arg: bytes) -> bytes:
        seen = real_ioctl(fd, request, arg)  # nothing written yet: 0 unread
        if not looked.is_set():
            looked.set()
            wrote.wait(5)  # the writer's first piece lands right after this look
        return seen

    def write_after_the_look(stream: object, data: bytes) -> None:
        looked.wait(5)
        real_write_all(stream, data)  # type: ignore[arg-type]
        wrote.set()

    monkeypatch.setattr(player_feed.fcntl, "ioctl", ioctl_then_a_write)
    monkeypatch.setattr(player_feed, "_write_all", write_after_the_look)
    monkeypatch.setattr(player_feed, "WATCH_FOR", 0.3)
    read_end, write_end = os.pipe()
    try:
        stdin = os.fdopen(write_end, "wb", buffering=0)
        feed = player_feed.PlayerFeed(stdin, b"\0\0" * 3200, 1, 32000)
        assert feed.began(5) is None  # nobody read a byte: no onset
    finally:
        os.close(read_end)


def _listening(path: Path) -> socket.socket:
    path.parent.mkdir(parents=True, exist_ok=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


@pytest.mark.parametrize(
    ("running", "order"),
    [
        ((), ["aplay", "pw-play", "paplay"]),  # plain ALSA: the players' servers are absent
        (("pulse",), ["paplay", "aplay", "pw-play"]),
        (("pipewire", "pulse"), ["pw-play", "paplay", "aplay"]),
    ],
)
def test_the_player_of_the_server_that_runs_is_tried_first(
    fakes: Fakes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    running: tuple[str, ...],
    order: list[str],
) -> None:
    """pw-play is installed on many machines that run PulseAudio (or no server at all):
    tried first there, it failed every session's first cue over to the next player, and a
    cue merged before that named pw-play in the journal (issue 15)."""
    from sessiontimer.audio import system

    runtime = tmp_path / "run"
    runtime.mkdir()
    for name in ("PIPEWIRE_RUNTIME_DIR", "PIPEWIRE_REMOTE", "PULSE_SERVER", "PULSE_RUNTIME_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setattr(system, "SYSTEM_PULSE", tmp_path / "none")
    aplay = tmp_path / "bin" / "aplay"
    aplay.write_text("#!/bin/sh\n")
    aplay.chmod(0o755)
    sockets = []
    if "pipewire" in running:
        sockets.append(_listening(runtime / "pipewire-0"))
    if "pulse" in running:
        sockets.append(_listening(runtime / "pulse" / "native"))
    try:
        assert system.find_players() == order
        assert SystemPlayerBackend().name == order[0]
    finally:
        for made in sockets:
            made.close()


def test_a_pulse_server_named_in_the_environment_counts_as_running(
    fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sessiontimer.audio import system

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.delenv("PIPEWIRE_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("PULSE_SERVER", "tcp:192.0.2.1")  # not looked up: the player will try
    assert system.find_players()[0] == "paplay"
