"""Generate N realistic session journals (v1 format, through the core's own event factory).

Usage: python bench/make_journals.py DATA_DIR N [--seed S]

Six sessions a working day, from the built-in presets, with notes, still points, region
changes, cues, pauses, a checkpoint every 15 s of quiet, closing notes, and the odd crash
and resume: the same lines the recorder writes, so review is measured on what it will meet.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sessiontimer.core.config import builtin_settings
from sessiontimer.core.journal import (
    encode_line,
    make_event,
    planned_phases,
    preset_to_dict,
    session_path,
)
from sessiontimer.core.model import Preset

CLIENTS = ["Anna", "Ben K.", "Chloé", "D.M.", "Eva", "Farid", "Greta", "Hugo", "Ines", "Jon"]
CLIENTS += [f"Client {i:03d}" for i in range(120)]
TAGS = ["release", "still point", "tension", "heat", "pulse", "breath"]
REGIONS = ["occiput", "sacrum", "diaphragm", "temporal", "thoracic inlet", "feet"]
TEXTS = [
    "headache since Monday",
    "shoulder pain left",
    "slept badly",
    "felt calmer",
    "jaw tension",
    "old ankle injury",
    "asked about frequency",
]
CLOSING = [
    "Client felt lighter; next visit in two weeks.",
    "Less pain, still stiff.",
    "Tired but relaxed.",
    "Headache gone.",
]
TZ = timezone(timedelta(hours=1))


class Writer:
    """Lines of one session with ids and wall times in order, as the recorder numbers them."""

    def __init__(self, wall: datetime) -> None:
        self.wall, self.lines, self.t, self.last_t = wall, [], 0.0, 0.0

    def add(self, type_: str, phase: int | None = None, t: float | None = None, **f: Any) -> str:
        ident = f"e{len(self.lines) + 1}"
        at_t = self.t if t is None else t
        at = self.wall + timedelta(seconds=at_t)
        self.lines.append(encode_line(make_event(type_, id=ident, at=at, t=at_t, phase=phase, **f)))
        self.last_t = max(self.last_t, at_t)
        return ident

    def advance(self, seconds: float, phase: int, run: int, start_t: float, target: Any) -> None:
        """Session time passes: a checkpoint every 15 s of quiet, as the recorder writes."""
        end = self.t + seconds
        while self.last_t + 15 <= end:
            self.t = self.last_t + 15
            self.add(
                "checkpoint",
                phase,
                run=run,
                phase_elapsed=round(self.t - start_t, 3),
                target=target,
                paused=False,
            )
        self.t = end


def session_lines(
    rng: random.Random, wall: datetime, client: str | None, preset: Preset
) -> list[bytes]:
    """Every line of one realistic session."""
    w = Writer(wall)
    w.add(
        "session_started",
        app="0.1.0",
        preset=preset_to_dict(preset),
        client=client,
        planned=planned_phases(preset),
    )
    crashed = rng.random() < 0.02
    for index, phase in enumerate(preset.phases):
        target = phase.target or 600.0
        w.add("phase_started", index, run=1, target=phase.target)
        w.add(
            "cue",
            index,
            kind="phase_start",
            sound="singing-bowl",
            backend="simpleaudio",
            outcome="played",
            late=0.0,
        )
        began = w.t
        _phase_body(rng, w, index, target * rng.uniform(0.85, 1.2), phase.target)
        if crashed and index == 1:
            w.add("suspended", index, reason="crash")
            w.add("resumed_after_crash", index, gap=95.0, counted="pause")
            crashed = False
        w.add("phase_ended", index, run=1, reason="target", length=round(w.t - began, 3))
    if rng.random() < 0.7:
        w.add("closing_note", len(preset.phases) - 1, text=rng.choice(CLOSING))
    w.add(
        "session_ended", len(preset.phases) - 1, reason="completed" if rng.random() < 0.9 else "key"
    )
    return w.lines


def _phase_body(rng: random.Random, w: Writer, index: int, length: float, target: Any) -> None:
    start, end = w.t, w.t + length
    region = None
    while True:
        step = rng.expovariate(1 / 240)
        if w.t + step >= end:  # a still point may have run past the phase's planned end
            w.advance(max(0.0, end - w.t), index, 1, start, target)
            return
        w.advance(step, index, 1, start, target)
        roll = rng.random()
        if roll < 0.25:
            region = rng.choice(REGIONS)
            w.add("region_set", index, index=REGIONS.index(region) + 1, name=region)
        elif roll < 0.7:
            w.add("note", index, region=region, key="r", tag=rng.choice(TAGS))
        elif roll < 0.85:
            w.add("note", index, region=region, key="n", text=rng.choice(TEXTS))
        elif roll < 0.93:
            opened = w.add("toggle_started", index, tag="still point", key="s", region=region)
            held = rng.uniform(20, 90)
            w.advance(held, index, 1, start, target)
            w.add(
                "toggle_ended",
                index,
                tag="still point",
                key="s",
                duration=round(held, 3),
                started=opened,
            )
        else:
            w.add("paused", index)
            w.add("resumed", index, paused_for=round(rng.uniform(30, 200), 3))


def generate(data_dir: Path, n: int, seed: int = 1) -> int:
    """Write ``n`` journals under ``data_dir/sessions``; returns the bytes written."""
    rng = random.Random(seed)
    presets = builtin_settings().presets[:3]
    sessions = data_dir / "sessions"
    day = datetime(2026, 11, 24, 8, 0, tzinfo=TZ) - timedelta(days=n // 6 * 7 // 5 + 1)
    written, made = 0, set()
    for i in range(n):
        if i % 6 == 0:
            day += timedelta(days=1 if day.weekday() < 4 else 3)
        wall = day + timedelta(hours=1.5 * (i % 6), seconds=rng.randint(0, 600))
        client = rng.choice(CLIENTS) if rng.random() < 0.95 else None
        lines = session_lines(rng, wall, client, rng.choice(presets))
        path = session_path(sessions, wall, f"{rng.getrandbits(24):06x}")
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            made.add(path.parent)
        data = b"".join(lines)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        written += len(data)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    size = generate(args.data_dir, args.n, args.seed)
    took = time.perf_counter() - began
    print(f"{args.n} journals, {size / 1e6:.1f} MB, in {took:.1f} s -> {args.data_dir}/sessions")


if __name__ == "__main__":
    main()
