"""Private PulseAudio and PipeWire servers with a null sink, and a recording of what it plays.

A sound server with a null sink plays at real time with no sound card: what reaches the sink
is what a practitioner would hear, and its monitor can be recorded. The recording is kept in
the paced sink's format (``<t0>-<pid>.raw`` and ``.idx``, one line per chunk with the wall
time its first sample played), so ``PacedSink`` reads it: onsets, fades, levels.

Each chunk is stamped when the recorder reads it, less its own length: the null sink renders
at most its latency (10 ms, asked by the recorder) ahead of the wall clock, so an onset read
here is within about 10 ms of when it was played. The sink is loaded with ``norewinds``: a
sink that rewinds mixes a new stream into audio it had rendered ahead, after the monitor had
already delivered that audio without it, so the recording lost the first 20-40 ms of a sound
played at once (its level 0.2-0.3 dB low), which a sound card would have played.

Nothing here touches the user's own servers: each lives in its own folder with its own socket
(``PULSE_SERVER``, ``PIPEWIRE_RUNTIME_DIR``), started and stopped by pid.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RATE = 32000  # the bundled sounds' rate: the sink resamples nothing
CHUNK = RATE // 100 * 2  # bytes in 10 ms, mono 16-bit
READY_WAIT = 10.0  # seconds a server may take to answer


class MonitorRecording:
    """Records a sink's monitor (``command`` writes raw s16le mono on stdout) in a thread."""

    def __init__(
        self, command: list[str], env: dict[str, str], folder: Path, header: int = 0
    ) -> None:
        self._header = header  # bytes before the samples (pw-record writes a WAV header)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.time_ns()
        self.idx = folder / f"{t0}-rec.idx"
        self._raw = self.idx.with_suffix(".raw").open("wb")
        self._lines = self.idx.open("w")
        self._lines.write(f"# t0 {t0} rate {RATE} ch 1 bits 16\n")
        self._proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        self._flowing = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def wait_flowing(self, timeout: float = READY_WAIT) -> bool:
        """Until the monitor delivers: an idle null sink has rendered up to 2 s ahead, and a
        sound played before the recorder catches up with it would not be recorded."""
        return self._flowing.wait(timeout)

    def _read(self) -> None:
        assert self._proc.stdout is not None
        fd, pending = self._proc.stdout.fileno(), b""
        while chunk := os.read(fd, CHUNK):
            now = time.time_ns()
            if self._header:
                skipped = min(self._header, len(chunk))
                chunk, self._header = chunk[skipped:], self._header - skipped
            data = pending + chunk
            whole = len(data) // 2 * 2
            data, pending = data[:whole], data[whole:]
            if data:
                played = now - len(data) * 1_000_000_000 // (2 * RATE)
                self._lines.write(f"{played} {len(data)}\n")
                self._raw.write(data)
                self._flowing.set()
        self._lines.write("# end\n")
        self._lines.close()
        self._raw.close()

    def stop(self) -> Path:
        """End the recording; its ``.idx`` (for ``PacedSink``)."""
        with contextlib.suppress(OSError):
            self._proc.terminate()
        self._proc.wait(5)
        self._thread.join(5)
        return self.idx


class PulseServer:
    """A PulseAudio daemon of our own: a null sink ``cap`` at 32 kHz mono, one unix socket."""

    tools = ("pulseaudio", "pactl", "parec", "paplay")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = folder / "native"
        self.env = {
            **os.environ,
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_COOKIE": str(folder / "cookie"),
            "HOME": str(folder),
            "XDG_RUNTIME_DIR": str(folder),
        }
        self._proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def installed(cls) -> bool:
        return all(shutil.which(tool) for tool in cls.tools)

    def start(self) -> None:
        """Start the daemon (in the foreground, so it is our child) and wait until it answers."""
        log = (self.folder / "pulseaudio.log").open("ab")
        self._proc = subprocess.Popen(
            [
                "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
                "--log-target=stderr",
                "-L", f"module-null-sink sink_name=cap rate={RATE} channels=1 norewinds=1",
                "-L", f"module-native-protocol-unix auth-anonymous=1 socket={self.socket}",
            ],
            env=self.env, stdout=log, stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + READY_WAIT
        while subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode:
            if self._proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pulseaudio did not start: see {self.folder}/pulseaudio.log")
            time.sleep(0.05)

    def stop(self) -> None:
        """Kill the daemon, as a crash would (its clients lose their connection at once)."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(5)
            self._proc = None

    def record(self, folder: Path) -> MonitorRecording:
        """Record the null sink's monitor from now (once it flows: ``wait_flowing``)."""
        return MonitorRecording(
            ["parec", "-d", "cap.monitor", "--raw", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=10"],
            self.env, folder,
        )  # fmt: skip


def sample_zero(idx: Path) -> float | None:
    """The wall time (s) the recording's first sample played: the recording is continuous,
    so one clock serves every sample, set from each chunk's stamp less its place (the
    median: a chunk read late by a busy machine does not move it)."""
    offsets, place = [], 0
    for line in idx.read_text().splitlines():
        if line[:1].isdigit():
            when, size = line.split()
            offsets.append(int(when) / 1e9 - place / RATE)
            place += int(size) // 2
    return statistics.median(offsets) if offsets else None


def onsets_near(idx: Path, moments: list[float], threshold: int = 64) -> list[float | None]:
    """The wall time (s) a new sound began near each moment (wall s) in one recording.

    Sounds overlap there (a cue fades the one before it), so an onset is where the level
    jumps: the first 2 ms block whose peak stands above the loudest of the 20 ms before the
    rise by ``threshold``, where within 20 ms it rises by a third of the loudest peak near
    the moment (from 0.2 s before it to 0.8 s after).
    """
    from audio_helpers import PacedSink

    sink = PacedSink(idx.parent)
    data = sink.samples(idx)
    first = sample_zero(idx)
    if first is None:
        return [None for _ in moments]
    block = RATE // 500
    found: list[float | None] = []
    for moment in moments:
        lo = int((moment - 0.2 - first) * RATE) // block  # before the recording: silence
        hi = min(len(data) // block, int((moment + 0.8 - first) * RATE) // block)
        peaks = [
            max(map(abs, data[b * block : (b + 1) * block])) if b >= 0 else 0 for b in range(lo, hi)
        ]
        jump = max(peaks, default=0) / 3
        hit = None
        for i in range(20, len(peaks)):
            before = max(peaks[i - 20 : i - 10])
            if peaks[i] - before > max(jump, threshold):
                hit = next(j for j in range(i - 10, i + 1) if peaks[j] > before + threshold)
                break
        found.append(None if hit is None else first + (lo + hit) * block / RATE)
    return found


_NULL_SINK = f"""context.objects = [
    {{ factory = adapter
        args = {{
            factory.name = support.null-audio-sink
            node.name = cap
            media.class = Audio/Sink
            audio.rate = {RATE}
            audio.channels = 1
            audio.position = [ MONO ]
            node.driver = true
            priority.driver = 30000
            object.linger = true
        }}
    }}
"""


class PipeWireServer:
    """PipeWire of our own with WirePlumber (which links streams) on a private session bus:
    a null sink ``cap`` at 32 kHz mono that drives the graph at real time."""

    tools = ("pipewire", "wireplumber", "dbus-daemon", "pw-play", "pw-record", "pw-metadata")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        self.env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(folder),
            "PIPEWIRE_RUNTIME_DIR": str(folder),
            "HOME": str(folder),
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_STATE_HOME": str(folder / "state"),
        }
        self.env.pop("PIPEWIRE_REMOTE", None)
        self._procs: list[subprocess.Popen[bytes]] = []

    @classmethod
    def installed(cls) -> bool:
        return all(shutil.which(tool) for tool in cls.tools)

    def start(self) -> None:
        """Start the bus, the server and the session manager (children, stopped by pid)."""
        bus = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            env=self.env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        address, pid = bus.stdout.split()[:2]
        self._bus_pid = int(pid)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address
        conf = Path("/usr/share/pipewire/pipewire.conf").read_text()
        conf = conf.replace("#default.clock.rate          = 48000", f"default.clock.rate = {RATE}")
        conf = conf.replace("context.objects = [", _NULL_SINK, 1)
        (self.folder / "pipewire.conf").write_text(conf)
        log = (self.folder / "pipewire.log").open("ab")
        self._procs.append(
            subprocess.Popen(
                ["pipewire", "-c", str(self.folder / "pipewire.conf")],
                env=self.env,
                stdout=log,
                stderr=log,
            )
        )
        self._wait(lambda: (self.folder / "pipewire-0").exists())
        self._procs.append(subprocess.Popen(["wireplumber"], env=self.env, stdout=log, stderr=log))
        self._wait(self._sink_known)

    def _sink_known(self) -> bool:
        """WirePlumber has made ``cap`` the default sink: before that, a player started
        fails with 'no node available'."""
        out = subprocess.run(
            ["pw-metadata", "0", "default.audio.sink"], env=self.env, capture_output=True,
            text=True,
        ).stdout  # fmt: skip
        return '"name":"cap"' in out.replace(" ", "")

    def _wait(self, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + READY_WAIT
        while not ready():
            if any(p.poll() is not None for p in self._procs) or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pipewire did not start: see {self.folder}/pipewire.log")
            time.sleep(0.05)

    def stop(self) -> None:
        for proc in reversed(self._procs):
            proc.kill()
            proc.wait(5)
        self._procs = []
        if getattr(self, "_bus_pid", None):
            with contextlib.suppress(OSError):
                os.kill(self._bus_pid, 9)
            self._bus_pid = 0

    def record(self, folder: Path) -> MonitorRecording:
        """Record what the null sink plays (its monitor), from now."""
        return MonitorRecording(
            ["pw-record", "--target", "cap", "-P", "{ stream.capture.sink = true }",
             "--rate", str(RATE), "--channels", "1", "--format", "s16", "--latency", "10ms",
             "-"],
            self.env, folder, header=44,
        )  # fmt: skip


def local_wall(idx: Path, moment: float, span: float = 0.5) -> float | None:
    """``moment`` (a wall time read on the recording's one clock, ``sample_zero``) on the
    clock of the chunks just after it: the earliest stamp of those within ``span`` s, less its
    place. A recorder that drops samples (pw-record when a stream joins the graph) moves the
    one clock; a chunk read late only makes its stamp later, so the earliest is the truest."""
    first = sample_zero(idx)
    if first is None:
        return None
    at = round((moment - first) * RATE)
    place, best = 0, None
    for line in idx.read_text().splitlines():
        if line[:1].isdigit():
            when, size = line.split()
            if at <= place <= at + span * RATE:
                wall = int(when) / 1e9 - (place - at) / RATE
                best = wall if best is None else min(best, wall)
            place += int(size) // 2
    return best


def missed_moments(
    walls: list[float],
    moments: list[float],
    heard: list[float | None],
    outcomes: list[Any],
    within: float,
) -> list[str]:
    """Each cue played at monotonic ``moments`` (wall ``walls``), ``heard`` at those wall
    times: in words, each one heard more than ``within`` s from its moment, or whose
    ``late`` (the journal's) is further than that from what was heard, or not heard near
    it at all (the recording's stamps lag under load); empty: all on time."""
    missed = []
    for wall, at, onset, said in zip(walls, moments, heard, outcomes, strict=True):
        if onset is None:
            missed.append("not heard from 0.2 s before its moment to 0.8 s after")
            continue
        told = said.started_at - at  # the journal's late
        if abs((onset - wall) - told) >= within:  # or the recording's stamps lagged (load)
            missed.append(f"heard {1000 * (onset - wall):.1f} ms late, said {1000 * told:.1f}")
        elif abs(onset - wall) >= within:
            missed.append(f"heard {1000 * (onset - wall):.1f} ms from its moment")
    return missed
