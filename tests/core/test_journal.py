"""The v1 format: schema table, event factory, preset snapshot, file naming."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sessiontimer.core.journal import (
    SCHEMA,
    encode_line,
    make_event,
    planned_phases,
    preset_from_dict,
    preset_to_dict,
    session_path,
)
from sessiontimer.core.model import Cue, OnEnd, Phase, PhaseCues, Preset

WALL = datetime(2026, 11, 24, 9, 30, 5, 123456, tzinfo=timezone(timedelta(hours=1)))
DOC = Path(__file__).resolve().parents[2] / "docs" / "journal-format.md"

PRESET = Preset(
    "Craniosacral 60",
    (
        Phase("intake", 480),
        Phase("treatment", 1800, OnEnd.HOLD, PhaseCues(warn_before=120, overtime_every=300)),
        Phase("closing", None, OnEnd.OPEN, PhaseCues(start=None, interval=Cue("x.wav", 0.2, 2))),
    ),
    description="a classic",
    end_cue=None,
)

EXAMPLES: dict[str, tuple[int | None, dict[str, object]]] = {
    "session_started": (
        None,
        {"app": "0.1.0", "preset": preset_to_dict(PRESET), "client": None, "planned": []},
    ),
    "phase_started": (0, {"run": 1, "target": 480}),
    "phase_ended": (0, {"reason": "target", "length": 480.0, "run": 1}),
    "paused": (0, {}),
    "resumed": (0, {"paused_for": 12.5}),
    "target_changed": (1, {"old": 1800, "new": 1860}),
    "checkpoint": (1, {"run": 1, "phase_elapsed": 15.0, "target": 1800, "paused": False}),
    "note": (1, {"tag": "still point", "region": "sacrum", "key": "s"}),
    "note_retracted": (1, {"note": "e7"}),
    "toggle_started": (1, {"tag": "still point", "key": "s", "region": None}),
    "toggle_ended": (1, {"tag": "still point", "key": "s", "duration": 42.0, "started": "e8"}),
    "region_set": (1, {"index": 2, "name": "sacrum"}),
    "cue": (
        1,
        {
            "kind": "warning",
            "sound": "soft-bell",
            "backend": "aplay",
            "outcome": "played",
            "late": 0,
        },
    ),
    "cue_updated": (
        1,
        {"cue": "e3", "kind": "warning", "backend": "aplay", "outcome": "failed", "reason": "x"},
    ),
    "audio_backend_changed": (None, {"backend": "visual", "previous": "aplay", "reason": "x"}),
    "suspended": (1, {"reason": "quit"}),
    "resumed_after_crash": (1, {"gap": 95.2, "counted": "pause"}),
    "closing_note": (2, {"text": "client felt lighter"}),
    "session_ended": (2, {"reason": "completed"}),
    "amended": (None, {"note": "e7", "fields": {"text": "release at the sacrum"}}),
    "pain": (0, {"value": 6, "region": None}),
    "rhythm": (1, {"rate": 8.4, "taps": 7, "station": "sacrum", "qualities": {"amplitude": "low"}}),
    "plan": (2, {"text": "two weeks; recheck the sacrum"}),
    "signed": (
        None,
        {
            "practitioner": "Jane Doe",
            "licence": "LMT 1",
            "sha256": "0" * 64,
            "format": "text",
            "layout": 1,
            "app": "0.1.0",
        },
    ),
}


def test_every_type_has_an_example_here_and_in_the_docs() -> None:
    assert set(EXAMPLES) == set(SCHEMA)
    doc = DOC.read_text(encoding="utf-8")
    for type_ in SCHEMA:
        assert f"`{type_}`" in doc, f"{type_} is not documented in {DOC.name}"


@pytest.mark.parametrize("type_", sorted(SCHEMA))
def test_every_line_has_the_envelope(type_: str) -> None:
    phase, fields = EXAMPLES[type_]
    event = make_event(type_, id="e1", at=WALL, t=12.34567, phase=phase, **fields)
    line = encode_line(event)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    back = json.loads(line)
    assert back["v"] == 1 and back["type"] == type_ and back["id"] == "e1"
    assert back["at"] == "2026-11-24T09:30:05.123+01:00"
    assert back["t"] == 12.346
    assert back.get("phase") == phase


def test_unknown_type_missing_or_unknown_field_bad_choice_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown journal event type"):
        make_event("nap", id="e1", at=WALL, t=0)
    with pytest.raises(ValueError, match="missing fields"):
        make_event("resumed", id="e1", at=WALL, t=0)
    with pytest.raises(ValueError, match="unknown fields"):
        make_event("paused", id="e1", at=WALL, t=0, colour="red")
    with pytest.raises(ValueError, match="outcome"):
        make_event("cue", id="e1", at=WALL, t=0, kind="warning", sound="s", backend="b",
                   outcome="loud", late=0)  # fmt: skip
    with pytest.raises(ValueError, match="needs a phase"):
        make_event("phase_started", id="e1", at=WALL, t=0, run=1, target=None)
    with pytest.raises(ValueError, match="tag or a text"):
        make_event("note", id="e1", at=WALL, t=0, region=None, key=None)


def test_note_text_with_newlines_and_accents_stays_on_one_line() -> None:
    event = make_event("note", id="e1", at=WALL, t=1, text="Wärme\nlinks", region=None, key="n")
    line = encode_line(event)
    assert line.count(b"\n") == 1 and json.loads(line)["text"] == "Wärme\nlinks"


def test_preset_snapshot_rebuilds_the_same_preset() -> None:
    data = json.loads(json.dumps(preset_to_dict(PRESET)))
    assert preset_from_dict(data) == PRESET
    assert planned_phases(PRESET)[1] == {"name": "treatment", "target": 1800, "on_end": "hold"}


@pytest.mark.parametrize("bad", [None, {}, {"name": "x", "phases": [{"target": 1}]}, [1]])
def test_a_broken_preset_snapshot_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        preset_from_dict(bad)


def test_session_path_uses_time_and_random_hex_only(tmp_path: Path) -> None:
    path = session_path(tmp_path, WALL, "a1b2c3")
    assert path == tmp_path / "2026" / "2026-11-24T093005-a1b2c3.jsonl"
    other = session_path(tmp_path, WALL)
    assert other.parent == path.parent
    assert re.fullmatch(r"2026-11-24T093005-[0-9a-f]{6}\.jsonl", other.name)
    with pytest.raises(ValueError):
        session_path(tmp_path, WALL, "../../etc/passwd")
