"""A session's preset snapshot with times or volumes no session can have (planted, or
damaged) cannot be resumed, and says so: resuming one with a NaN target stopped the app
with an unexpected error at its first frame, every time it was offered; an interval of a
nanosecond would ring billions of bells."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sessiontimer.core.journal import preset_from_dict, preset_to_dict
from sessiontimer.core.model import OnEnd, Phase, PhaseCues, Preset

GOOD = Preset(
    "P",
    (Phase("a", 60.0), Phase("b", 120.0, OnEnd.HOLD, PhaseCues(interval_every=30.0))),
)


def _planted(change: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(preset_to_dict(GOOD)))
    change(data)
    return data


PLANTED = {
    "target NaN": lambda d: d["phases"][1].update(target=float("nan")),
    "target infinite": lambda d: d["phases"][1].update(target=float("inf")),
    "target negative": lambda d: d["phases"][0].update(target=-5.0),
    "interval of a nanosecond": lambda d: d["phases"][1]["cues"].update(interval_every=1e-9),
    "overtime every -5 s": lambda d: d["phases"][1]["cues"].update(overtime_every=-5),
    "warning NaN": lambda d: d["phases"][1]["cues"].update(warn_before=float("nan")),
    "volume infinite": lambda d: d["phases"][0]["cues"]["start"].update(volume=float("inf")),
    "repeat a million": lambda d: d["phases"][0]["cues"]["start"].update(repeat=10**6),
}


def test_a_sound_snapshot_rebuilds_the_same_preset() -> None:
    assert preset_from_dict(_planted(lambda d: None)) == GOOD


@pytest.mark.parametrize("name", PLANTED)
def test_a_snapshot_no_session_can_have_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        preset_from_dict(_planted(PLANTED[name]))
