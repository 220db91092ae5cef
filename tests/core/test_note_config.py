"""``[practitioner]`` and a phase's ``region`` in the config, and the region following the
protocol when a phase starts."""

from __future__ import annotations

from pathlib import Path

from sessiontimer.core.clock import ManualClock
from sessiontimer.core.config import builtin_settings, load_settings
from sessiontimer.core.engine import SessionEngine
from sessiontimer.core.journal import preset_from_dict, preset_to_dict
from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.journal_write import JournalWriter
from sessiontimer.core.model import Practitioner
from sessiontimer.core.recorder import SessionRecorder


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, must_exist=True)


def test_practitioner_table(tmp_path: Path) -> None:
    s, errors = load(tmp_path, '[practitioner]\nname = " Jane Doe "\nlicence = "LMT 1"\n')
    assert errors == [] and s.practitioner == Practitioner("Jane Doe", "LMT 1")
    s, errors = load(tmp_path, '[practitioner]\nname = "Jane"\n')
    assert errors == [] and s.practitioner == Practitioner("Jane", None)
    assert builtin_settings().practitioner is None


def test_practitioner_mistakes_name_line_and_key(tmp_path: Path) -> None:
    _, errors = load(tmp_path, '[practitioner]\nname = "Jane"\nlicense = "x"\n')
    assert [str(e) for e in errors] == [
        'config.toml, line 3, key practitioner.license: unknown key "license"; '
        'did you mean "licence"?'
    ]
    _, errors = load(tmp_path, '[practitioner]\nlicence = "x"\n')
    assert "needs a name" in str(errors[0])
    _, errors = load(tmp_path, '[practitioner]\nname = ""\n')
    assert "line 2, key practitioner.name: expected your name, got an empty string" in str(
        errors[0]
    )
    _, errors = load(tmp_path, '[practitioner]\nname = "Jane\\u001b[2J"\n')
    assert "one line of text without controls" in str(errors[0])
    _, errors = load(tmp_path, 'practitioner = "Jane"\n')
    assert "expected a table" in str(errors[0])


PRESET = """
[[presets]]
name = "Mine"
[[presets.phases]]
name = "intake"
duration = "1m"
[[presets.phases]]
name = "feet"
duration = "2m"
region = "FEET"
"""


def test_phase_region_names_a_configured_region(tmp_path: Path) -> None:
    s, errors = load(tmp_path, PRESET)
    assert errors == []
    assert [p.region for p in s.preset("Mine").phases] == [None, "feet"]  # spelt as the list
    _, errors = load(tmp_path, PRESET.replace('"FEET"', '"fete"'))
    assert [str(e) for e in errors] == [
        'config.toml, line 10, key presets[0].phases[1].region: no region is named "fete"; '
        'did you mean "feet"? (the regions are [general] regions)'
    ]


def test_builtin_protocol_drops_regions_a_user_renamed(tmp_path: Path) -> None:
    s, errors = load(tmp_path, '[general]\nregions = ["head", "feet"]\n')
    assert errors == []
    regions = [p.region for p in s.preset("CST 10-step").phases]
    assert regions[1] == "feet" and set(regions) == {None, "feet"}
    assert [p.region for p in builtin_settings().preset("CST 10-step").phases][1:4] == [
        "feet",
        "sacrum",
        "pelvic diaphragm",
    ]


def test_snapshot_keeps_the_region_and_presets_without_it_are_unchanged() -> None:
    cst = builtin_settings().preset("CST 10-step")
    assert preset_from_dict(preset_to_dict(cst)) == cst
    demo = builtin_settings().preset("Demo")
    assert all("region" not in p for p in preset_to_dict(demo)["phases"])


def test_region_follows_the_protocol_as_each_phase_starts(tmp_path: Path) -> None:
    settings, clock = builtin_settings(), ManualClock()
    path = tmp_path / "s.jsonl"
    engine = SessionEngine(settings.preset("CST 10-step"), clock)
    rec = SessionRecorder(engine, JournalWriter(path), clock, settings=settings, client=None,
                          app_version="t")  # fmt: skip
    rec.start()
    assert rec.region is None
    rec.next()
    assert (rec.region, rec.region_index) == ("feet", 1)
    rec.set_region(7)  # the practitioner's own choice wins until the next step
    rec.note(tag="heat", felt_at="feet")
    rec.next()
    assert rec.region == "sacrum"
    rec.end()
    rec.close()
    events = read_journal(path).events
    sets = [(e["phase"], e["name"]) for e in events if e["type"] == "region_set"]
    assert sets == [(1, "feet"), (1, "cranial base"), (2, "sacrum")]
    (heat,) = [e for e in events if e.get("tag") == "heat"]
    assert (heat["region"], heat["felt_at"]) == ("cranial base", "feet")
