"""Cue timing figures for the closing note: onset error, worker restart, idle CPU.

    .venv/bin/python bench/cue_timing.py [--cues 40] [--spacing 0.25] [--idle 10] [--device]

Cues are scheduled at ``time.monotonic`` moments; the main thread sleeps until each one (as
the UI's timer does) and calls ``AudioService.play``. The onset error is the worker's
confirmation that playback started minus the due moment. By default playback goes through
the real ALSA code path into a file (no sound card needed); ``--device`` uses the real one.
Then the worker is killed with SIGSEGV to time its restart, and its CPU use is read from
/proc over an idle stretch (it must not poll). Linux only for the /proc figures.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sessiontimer.audio.base import BackendChange, CueOutcome  # noqa: E402
from sessiontimer.audio.service import AudioService  # noqa: E402
from sessiontimer.audio.simple import SimpleaudioWorkerBackend  # noqa: E402
from sessiontimer.audio.system import VisualBackend  # noqa: E402
from sessiontimer.core.model import AudioSettings, Cue  # noqa: E402

CUES = [Cue("wooden-tap", 0.6), Cue("soft-bell", 0.7), Cue("tingsha", 0.5), Cue("singing-bowl")]


def use_capture(tmp: Path) -> None:
    """Send ALSA's default PCM to a file: the real libasound path, with no sound card."""
    template = ROOT.parent / "shared" / "audio-capture" / "asoundrc.capture"
    if not template.is_file():
        template = ROOT / "tests" / "audio" / "asoundrc.capture"
    os.environ["ALSA_CONFIG_PATH"] = str(template)
    os.environ["AUDIO_CAPTURE_FILE"] = str(tmp / "capture.raw")


def cpu_ticks(pid: int) -> tuple[int, int]:
    """(user + system clock ticks, context switches) of every thread of ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if "ctxt_switches" in line:
                switches += int(line.split()[1])
    return int(fields[11]) + int(fields[12]), switches


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def onset_run(service: AudioService, n: int, spacing: float) -> list[float]:
    """Play ``n`` cues at scheduled monotonic moments; return started_at - due for each."""
    errors: list[float] = []
    done = threading.Semaphore(0)

    def result_for(due: float):  # type: ignore[no-untyped-def]
        def on_result(outcome: CueOutcome) -> None:
            if outcome.outcome != "played":
                print(f"  cue not played: {outcome}")
            errors.append(outcome.started_at - due)
            done.release()

        return on_result

    start = time.monotonic() + 0.5
    for i in range(n):
        due = start + i * spacing
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        service.play(CUES[i % len(CUES)], 0.6, False, result_for(due))
    for _ in range(n):
        done.acquire(timeout=5.0)
    return errors


def restart_run(service: AudioService, backend: SimpleaudioWorkerBackend, times: int) -> None:
    changes: list[BackendChange] = []
    changed = threading.Event()

    def on_change(change: BackendChange) -> None:
        changes.append(change)
        changed.set()

    service.on_backend_changed = on_change
    for _ in range(times):
        changed.clear()
        pid = backend.pid
        assert pid is not None
        killed = time.monotonic()
        os.kill(pid, signal.SIGSEGV)
        changed.wait(5.0)
        seen = time.monotonic() - killed
        spawn = changes[-1].restart_seconds or 0.0
        print(
            f"  restart after SIGSEGV: {ms(seen)} from kill to ready ({ms(spawn)} spawn to ready)"
        )
    played = threading.Event()
    service.play(CUES[0], 0.6, False, lambda o: played.set())
    print(f"  a cue after the restarts played: {played.wait(5.0)}")


def idle_run(pids: dict[str, int], seconds: float) -> None:
    """CPU time and context switches of each process over the same idle window."""
    before = {label: cpu_ticks(pid) for label, pid in pids.items()}
    t0 = time.monotonic()
    time.sleep(seconds)
    wall = time.monotonic() - t0
    for label, pid in pids.items():
        ticks, switches = cpu_ticks(pid)
        cpu = (ticks - before[label][0]) / os.sysconf("SC_CLK_TCK")
        print(
            f"  {label}: {cpu:.3f} s CPU in {wall:.1f} s ({100 * cpu / wall:.3f} %), "
            f"{switches - before[label][1]} context switches"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=40)
    parser.add_argument("--spacing", type=float, default=0.25, help="seconds between cues")
    parser.add_argument("--idle", type=float, default=10.0, help="idle window in seconds")
    parser.add_argument("--device", action="store_true", help="play on the real device")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.device:
            use_capture(Path(tmp))
        backend = SimpleaudioWorkerBackend()
        service = AudioService(AudioSettings(), [], backends=[backend, VisualBackend()])
        try:
            t0 = time.monotonic()
            service.prepare(CUES, 0.6)
            took = ms(time.monotonic() - t0)
            print(f"prepare (worker start, load/scale/cache {len(CUES)} cues): {took}")
            if service.backend_name != "simpleaudio":
                print(f"simpleaudio is not usable here: {service.fallback_message}")
                return 1
            errors = sorted(onset_run(service, args.cues, args.spacing))
            p99 = errors[min(len(errors) - 1, round(0.99 * (len(errors) - 1)))]
            print(f"onset error over {len(errors)} cues (started_at - due):")
            print(f"  p50 {ms(statistics.median(errors))}  p99 {ms(p99)}  max {ms(errors[-1])}")
            service.wait_idle(10.0)
            restart_run(service, backend, 2)
            service.wait_idle(10.0)
            pid = backend.pid
            assert pid is not None
            print(f"idle CPU over {args.idle:.0f} s with the worker alive:")
            idle_run(
                {f"worker (pid {pid})": pid, "app side (this process)": os.getpid()}, args.idle
            )
        finally:
            service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
