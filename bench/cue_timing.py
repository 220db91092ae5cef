"""Cue timing on a sink paced at real time: a whole Demo session in the real app, both backends.

    .venv/bin/python bench/cue_timing.py [--backends simpleaudio,system,paplay] [--levels-only]

For each backend the real app runs ``sessiontimer run --preset Demo`` in tmux, with ALSA's
default device piped into the pacer (``tests/audio/paced/``: it plays at real time and logs
when each 10 ms chunk reaches the "speaker", on CLOCK_REALTIME). The hold and open phases are
moved on by key, like a practitioner would; the session then ends by itself. The onset error of
each cue is the wall time its first audible sample reached the speaker minus its due moment
(``session_started``'s ``at`` plus the cue's ``t``), the first cue included. The journal's own
``late`` is printed beside it. Then the level per volume step is measured on each backend
(unpaced capture, exact samples). Needs tmux, gcc and the audio extra; Linux only.

``paplay`` runs the system player backend against a PulseAudio server of the bench's own
(``tests/audio/sound_servers.py``: a null sink at real time, its monitor recorded with wall
stamps, within about 10 ms); onsets are found where the level jumps near each cue's moment.
Its levels per step are checked by tests/audio/test_pulse.py instead. The app runs in a tmux
server of its own (``-L``, ``$CUE_TIMING_TMUX``), never the user's.

``--trace`` runs the app through ``bench/traced_app.py`` and prints, per cue, where the time
went: the UI loop's wake after the due moment, the hand-over to the backend (on the UI's own
thread, or through the audio thread), and the rest (the backend: the worker's pipe or the
player's start, the device, the sink).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "audio"))

from audio_helpers import PacedSink, capture_template  # noqa: E402
from sound_servers import PulseServer, onsets_near  # noqa: E402

from sessiontimer.audio.service import AudioService  # noqa: E402
from sessiontimer.core import volume  # noqa: E402
from sessiontimer.core.model import AudioSettings, Cue  # noqa: E402

PACED = ROOT / "tests" / "audio" / "paced"
# Demo: arrive 20 s (advance), treatment 30 s (hold), integration (open), closing 20 s.
KEYS_AT = [55.0, 60.0]  # seconds after start: move on from the hold, then from the open phase


def build_pacer(tmp: Path) -> Path:
    out = tmp / "pacer"
    subprocess.run(["gcc", "-O2", "-o", str(out), str(PACED / "pacer.c")], check=True)
    return out


# A tmux server of its own (``-L``), so the bench never touches the user's sessions.
TMUX = ["tmux", "-L", os.environ.get("CUE_TIMING_TMUX", "cue-timing")]


def tmux(*args: str) -> None:
    subprocess.run([*TMUX, *args], check=True)


def run_demo(
    backend: str, tmp: Path, pacer: Path, trace: Path | None = None
) -> tuple[list[dict], PacedSink | Path]:
    """One whole Demo session in the real app; its journal's lines and the paced sink (for
    paplay: the recording of the PulseAudio server's null sink)."""
    home = tmp / backend
    out = home / "paced"
    out.mkdir(parents=True)
    config = home / "config.toml"
    config.write_text(f'[audio]\nbackend = "{"system" if backend == "paplay" else backend}"\n')
    env = {
        "SESSIONTIMER_CONFIG": str(config),
        "SESSIONTIMER_DATA_DIR": str(home / "data"),
        "SESSIONTIMER_STATE_DIR": str(home / "state"),
        "SESSIONTIMER_CACHE_DIR": str(home / "cache"),
        "TMPDIR": str(home),
        "ALSA_CONFIG_PATH": str(PACED / "asoundrc.paced"),
        "AUDIO_CAPTURE_FILE": f"|{pacer} {out} %r %c %b",
    }
    if backend == "paplay":
        server = PulseServer(home / "pulse")
        server.start()
        recording = server.record(home / "recorded")
        recording.wait_flowing()
        env.update({k: server.env[k] for k in ("PULSE_SERVER", "PULSE_COOKIE")})
        try:
            lines = play_demo(backend, env, home, trace)
        finally:
            idx = recording.stop()
            server.stop()
        return lines, idx
    return play_demo(backend, env, home, trace), PacedSink(out)


def play_demo(backend: str, env: dict[str, str], home: Path, trace: Path | None) -> list[dict]:
    """Run the Demo session in tmux with ``env``, moving it on by key; its journal's lines."""
    app = f"{ROOT / '.venv' / 'bin' / 'sessiontimer'}"
    if trace is not None:
        env["CUE_TRACE"] = str(trace)
        app = f"{ROOT / '.venv' / 'bin' / 'python'} {ROOT / 'bench' / 'traced_app.py'}"
    exports = " ".join(f"{k}='{v}'" for k, v in env.items())
    name = f"i15-bench-{backend}"
    tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "30",
         f"env {exports} {app} run --preset Demo; sleep 2")  # fmt: skip
    try:
        t0 = time.monotonic()
        for at in KEYS_AT:
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            tmux("send-keys", "-t", name, "Right")
        time.sleep(max(0.0, t0 + KEYS_AT[-1] + 24 - time.monotonic()))  # closing: 20 s
        tmux("send-keys", "-t", name, "C-q")
        time.sleep(2.0)
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)
    (journal,) = (home / "data" / "sessions").rglob("*.jsonl")
    return [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]


def onset_errors(lines: list[dict], sink: PacedSink | Path) -> list[tuple[dict, float]]:
    """Each sounded cue with (onset on the speaker - due moment), in order."""
    start = datetime.fromisoformat(lines[0]["at"]).timestamp()
    cues = [e for e in lines if e["type"] == "cue" and e["outcome"] == "played"]
    if isinstance(sink, Path):  # one recording of the server's sink: onsets near each moment
        heard = onsets_near(sink, [start + cue["t"] for cue in cues])
        for cue, onset in zip(cues, heard, strict=True):
            if onset is None:
                print(f"  t={cue['t']:6.1f} {cue['kind']:<12} played, but no onset was heard")
        return [(c, o - (start + c["t"])) for c, o in zip(cues, heard, strict=True) if o]
    onsets = [sink.onset_ns(idx) for idx in sink.plays()]
    onsets = [o for o in onsets if o is not None]  # silent probes have no onset
    return [(cue, o / 1e9 - (start + cue["t"])) for cue, o in zip(cues, onsets, strict=False)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def report_timing(
    backend: str, lines: list[dict], sink: PacedSink | Path, trace: Path | None = None
) -> None:
    print(f"\n{backend}:")
    pairs = onset_errors(lines, sink)
    stages = read_trace(trace) if trace is not None else {}
    cues = [e for e in lines if e["type"] == "cue"]
    merged = sum(1 for e in cues if e["outcome"] == "merged")
    plays = "one recording" if isinstance(sink, Path) else f"{len(sink.plays())} plays"
    print(f"  {len(cues)} cue lines ({merged} merged), {plays}")
    for cue in cues:
        print(f"  line: t={cue['t']:6.1f} {cue['kind']:<12} {cue['outcome']} {cue.get('backend')}")
    for cue, err in pairs:
        print(f"  t={cue['t']:6.1f} {cue['kind']:<12} onset error {ms(err)}  journal late "
              f"{ms(cue['late'])}", end="")  # fmt: skip
        stage = stages.get(round(cue["t"], 1))
        if stage == "ahead":
            print("  | sent ahead: starts at its moment on the device's clock", end="")
        elif stage is not None:
            wake, hop = stage
            print(f"  | UI wake {ms(wake)}  to backend {ms(hop)}  rest {ms(err - wake - hop)}",
                  end="")  # fmt: skip
        print()
    errors = sorted(abs(e) for _, e in pairs)
    if errors:
        p99 = errors[min(len(errors) - 1, round(0.99 * (len(errors) - 1)))]
        print(f"  |onset error| over {len(errors)} cues, first included: p50 "
              f"{ms(statistics.median(errors))}  p99 {ms(p99)}  max {ms(errors[-1])}")  # fmt: skip


def read_trace(trace: Path) -> dict[float, tuple[float, float] | str]:
    """Session time of each cue -> (UI wake after its moment, hop to the audio thread), or
    "ahead" for a cue sent before its moment."""
    out: dict[float, tuple[float, float] | str] = {}
    pending: list[tuple[float, float]] = []
    for line in trace.read_text().splitlines():
        row = json.loads(line)
        if "t" in row and row.get("ahead"):
            out[round(row["t"], 1)] = "ahead"
        elif "t" in row:
            pending.append((row["t"], row["late"]))
        elif pending:
            t, late = pending.pop(0)
            out[round(t, 1)] = (late, row["dispatch"])
    return out


def report_levels(backend: str, tmp: Path) -> None:
    """RMS level of the wooden tap at each volume step, captured exactly (unpaced)."""
    folder = tmp / f"levels-{backend}"
    folder.mkdir()
    overlay = folder / "keep.conf"
    overlay.write_text("pcm.default.truncate false\n")
    os.environ["ALSA_CONFIG_PATH"] = f"{capture_template()}:{overlay}"
    os.environ["AUDIO_CAPTURE_FILE"] = str(folder / "cap.raw")
    service = AudioService(AudioSettings(backend=backend), [])
    done = threading.Semaphore(0)
    steps = [*volume.STEPS_DB]
    try:
        for db in steps:
            service.play(Cue("wooden-tap"), volume.factor(db), False, lambda o: done.release())
            done.acquire(timeout=5)
            service.wait_idle(5)
    finally:
        service.close()
    files = sorted(folder.glob("cap.raw*"))
    from array import array

    levels = []
    for f in files:
        data = array("h", f.read_bytes())
        levels.append(10 * math.log10(sum(v * v for v in data) / len(data) / 32768**2))
    print(f"\n{backend}: level per volume step (wooden-tap, RMS dBFS over the sound)")
    for db, level, prev in zip(steps, levels, [None, *levels], strict=False):
        gap = "" if prev is None else f"  step {prev - level:5.2f} dB"
        print(f"  {db + 0.0:6.1f} dB  {level:7.2f} dBFS{gap}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="simpleaudio,system")
    parser.add_argument("--levels-only", action="store_true")
    parser.add_argument("--trace", action="store_true", help="time the stages of each cue")
    parser.add_argument("--no-levels", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the journals and recordings here")
    args = parser.parse_args()
    for tool in ("tmux", "gcc"):
        if shutil.which(tool) is None:
            print(f"{tool} is needed")
            return 1
    with tempfile.TemporaryDirectory(prefix="i15-bench-") as name:
        tmp = Path(name) if args.keep is None else args.keep
        tmp.mkdir(parents=True, exist_ok=True)
        pacer = build_pacer(tmp)
        for backend in args.backends.split(","):
            if not args.levels_only:
                trace = tmp / f"trace-{backend}.jsonl" if args.trace else None
                report_timing(backend, *run_demo(backend, tmp, pacer, trace), trace)
            if not args.no_levels and backend != "paplay":  # tests/audio/test_pulse.py: 3 dB
                report_levels(backend, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
