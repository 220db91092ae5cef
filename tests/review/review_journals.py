"""Real journals for the review tests: written line by line through the core's make_event."""

from __future__ import annotations

import importlib.util
import os
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from sessiontimer.core.journal import (
    encode_line,
    make_event,
    planned_phases,
    preset_to_dict,
    session_path,
)
from sessiontimer.core.model import OnEnd, Phase, Preset

ROOT = Path(__file__).resolve().parents[2]
TZ = timezone(timedelta(hours=1))
PRESET = Preset("Short", (Phase("arrive", 60.0), Phase("treat", 120.0, OnEnd.HOLD)))


def bench() -> ModuleType:
    """bench/make_journals.py, the generator the benchmark uses."""
    spec = importlib.util.spec_from_file_location("make_journals", ROOT / "bench/make_journals.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(sessions_dir: Path, wall: datetime, events: list[dict[str, Any]], token: str) -> Path:
    path = session_path(sessions_dir, wall, token)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(b"".join(encode_line(e) for e in events))
    return path


class Session:
    """Builds one session the way the recorder writes it."""

    def __init__(self, wall: datetime, client: str | None = "Anna") -> None:
        self.wall, self.events = wall, []  # type: ignore[var-annotated]
        self.add(
            "session_started",
            0,
            app="0.1.0",
            preset=preset_to_dict(PRESET),
            client=client,
            planned=planned_phases(PRESET),
        )

    def add(self, type_: str, t: float, phase: int | None = None, **fields: Any) -> str:
        ident = f"e{len(self.events) + 1}"
        at = self.wall + timedelta(seconds=t)
        self.events.append(make_event(type_, id=ident, at=at, t=t, phase=phase, **fields))
        return ident


def known_session(
    sessions_dir: Path, client: str | None = "Anna", day: int = 20, token: str = "aaaaaa"
) -> Path:
    """A small session with every kind of line review shows; its content is known exactly."""
    s = Session(datetime(2026, 10, day, 9, 0, tzinfo=TZ), client)
    s.add("phase_started", 0, 0, run=1, target=60.0)
    s.add(
        "cue",
        0,
        0,
        kind="phase_start",
        sound="singing-bowl",
        backend="visual",
        outcome="visual",
        late=0.0,
    )
    s.add("note", 10, 0, region=None, key="n", text="headache since Monday")
    s.add("checkpoint", 25, 0, run=1, phase_elapsed=25.0, target=60.0, paused=False)
    s.add("phase_ended", 60, 0, run=1, reason="target", length=60.0)
    s.add("phase_started", 60, 1, run=1, target=120.0)
    s.add("region_set", 61, 1, index=2, name="sacrum")
    s.add("note", 70, 1, region="sacrum", key="r", tag="release")
    s.add("note", 72, 1, region="sacrum", key="t", tag="tension")
    s.add("note_retracted", 73, 1, note="e10")
    s.add("paused", 80, 1)
    s.add("resumed", 80, 1, paused_for=30.0)
    s.add("toggle_started", 90, 1, tag="still point", key="s", region="sacrum")
    s.add("toggle_ended", 132, 1, tag="still point", key="s", duration=42.0, started="e15")
    s.add("phase_ended", 200, 1, run=1, reason="key", length=140.0)
    s.add("closing_note", 200, 1, text="Felt lighter, sleeps better.")
    s.add("session_ended", 200, 1, reason="completed")
    return write(sessions_dir, s.wall, s.events, token)


def many(sessions_dir: Path, n: int, seed: int = 7) -> list[Path]:
    """``n`` realistic sessions from the benchmark's generator (fixed seed, fixed dates)."""
    gen = bench()
    rng = random.Random(seed)
    presets = gen.builtin_settings().presets[:3]
    paths = []
    for i in range(n):
        wall = datetime(2026, 9, 1, 8, 0, tzinfo=TZ) + timedelta(days=i, hours=i % 5)
        lines = gen.session_lines(rng, wall, gen.CLIENTS[i % 4], presets[i % 3])
        path = session_path(sessions_dir, wall, f"{i:06x}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(lines))
        paths.append(path)
    return paths
