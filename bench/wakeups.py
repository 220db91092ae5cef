"""Wake-ups per second of each thread of the real app, in tmux, while a session runs and paused.

A wake-up is a voluntary context switch (/proc/PID/task/TID/status): the thread slept and
something woke it. Preemptions (involuntary switches) are shown apart: they are the
machine's load, not the app's. Threads are named by the app itself (a wrapper writes each
native thread id's Python name to a file once, after start-up; its own thread is left out).

Run: ``.venv/bin/python bench/wakeups.py [--window 20] [--preset "Craniosacral 60"] [--sink]``.
The sound goes wherever the machine sends it; with no sound card cues are visual and the
audio thread probes for a device every 20 s (each probe shows as wake-ups). ``--sink`` plays
into ALSA's file plugin (../shared/audio-capture/asoundrc.capture, thrown away): the figures
of a machine whose sound device works.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOCKET = f"st-wake-{os.getpid()}"
SINK = ROOT.parent / "shared" / "audio-capture" / "asoundrc.capture"

WRAPPER = """
import json, sys, threading, time
def names():
    time.sleep(float(sys.argv[2]))
    with open(sys.argv[1], "w") as f:
        json.dump({t.native_id: t.name for t in threading.enumerate()}, f)
threading.Thread(target=names, name="bench-names", daemon=True).start()
from sessiontimer.cli import main
sys.exit(main(sys.argv[3:]))
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True).stdout


def switches(pid: int) -> dict[int, tuple[int, int]]:
    """Voluntary and involuntary context switches of each live thread."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = dict(
                line.split(":\t") for line in (task / "status").read_text().splitlines()
                if "ctxt_switches" in line
            )  # fmt: skip
        except OSError:
            continue
        found[int(task.name)] = (
            int(fields["voluntary_ctxt_switches"]),
            int(fields["nonvoluntary_ctxt_switches"]),
        )
    return found


def measure(pid: int, window: float) -> dict[int, tuple[float, float]]:
    before = switches(pid)
    time.sleep(window)
    after = switches(pid)
    return {
        tid: ((v - before[tid][0]) / window, (n - before[tid][1]) / window)
        for tid, (v, n) in after.items()
        if tid in before
    }


def report(title: str, rates: dict[int, tuple[float, float]], names: dict[int, str]) -> None:
    print(f"\n{title}")
    total = 0.0
    for tid, (voluntary, preempted) in sorted(rates.items()):
        name = names.get(tid, f"tid {tid}")
        if name == "bench-names":
            continue
        total += voluntary
        print(f"  {name:<20} {voluntary:6.2f} wake-ups/s   ({preempted:.2f} preemptions/s)")
    print(f"  {'all threads':<20} {total:6.2f} wake-ups/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=20.0, help="seconds per figure")
    parser.add_argument("--preset", default="Craniosacral 60")
    parser.add_argument("--sink", action="store_true", help="a working (file) sound device")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="st-wake-") as tmp:
        home = Path(tmp)
        if args.sink:  # the tmux server started below inherits these
            os.environ["ALSA_CONFIG_PATH"] = str(SINK)
            os.environ["AUDIO_CAPTURE_FILE"] = str(home / "sink.raw")
        (home / "config.toml").touch()
        names_file = home / "threads.json"
        wrapper = home / "wrapper.py"
        wrapper.write_text(WRAPPER)
        env = (f"SESSIONTIMER_DATA_DIR={home}/data SESSIONTIMER_STATE_DIR={home}/state "
               f"SESSIONTIMER_CONFIG={home}/config.toml TERM=xterm-256color")  # fmt: skip
        command = (
            f"cd {ROOT} && {env} exec {sys.executable} {wrapper} {names_file} 12 "
            f"run --preset '{args.preset}'"
        )
        tmux("new-session", "-d", "-s", "wake", "-x", "100", "-y", "30", command)
        try:
            time.sleep(15)  # past start-up: the first cue, sound preparation, notices
            pid = int(tmux("list-panes", "-t", "wake", "-F", "#{pane_pid}").split()[0])
            names = {int(k): v for k, v in json.loads(names_file.read_text()).items()}
            names[pid] = "MainThread (loop)"
            print(f"sessiontimer run --preset {args.preset!r}, {args.window:.0f} s a figure")
            report("running", measure(pid, args.window), names)
            tmux("send-keys", "-t", "wake", "space")
            time.sleep(2)
            report("paused", measure(pid, args.window), names)
        finally:
            tmux("kill-server")


if __name__ == "__main__":
    main()
