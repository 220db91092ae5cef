"""Journal lines whose fields hold the wrong kind of value (null, a list, an object, NaN,
a number no clock can show): skipped as damage and said, never printed as Python text
(``None``, ``['a']``) nor a traceback, in ``logs list``, ``logs show`` and ``logs note``."""

from __future__ import annotations

import json

import pytest
from review_journals import known_session

from sessiontimer import cli
from sessiontimer.paths import AppPaths

PLANTED = {
    "sound null": ('"phase_start","sound":"singing-bowl"', '"phase_start","sound":null'),
    "region a list": ('"region":"sacrum","key":"r"', '"region":["a"],"key":"r"'),
    "name an object": ('"name":"sacrum"', '"name":{"k":1}'),
    "tag null": ('"tag":"still point","key":"s","region"', '"tag":null,"key":"s","region"'),
    "closing note null": ('"text":"Felt lighter, sleeps better."', '"text":null'),
    "target NaN": ('"run":1,"target":120.0', '"run":1,"target":NaN'),
    "target infinite": ('"run":1,"target":120.0', '"run":1,"target":Infinity'),
    "t of 400 digits": ('"t":200.0,"phase":1,"reason":"completed"',
                        '"t":1' + "0" * 400 + ',"phase":1,"reason":"completed"'),
    "phase -5": ('"t":60.0,"phase":1,"run":1,"target"', '"t":60.0,"phase":-5,"run":1,"target"'),
}  # fmt: skip
PYTHON_TEXT = ("None", "['a']", "{'k'", "nan", "inf")


@pytest.mark.parametrize("name", PLANTED)
def test_a_wrongly_typed_field_is_damage_said_never_python_text(
    name: str, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = known_session(app_paths.sessions_dir, "Anna")
    good, bad = PLANTED[name]
    text = path.read_text()
    assert good in text
    path.write_text(text.replace(good, bad, 1))
    for argv in (["logs", "list"], ["logs", "show", path.stem], ["logs", "note", path.stem]):
        cli.main(argv)
        out = capsys.readouterr()
        printed = out.out + out.err
        assert not [word for word in PYTHON_TEXT if word in printed], (argv, printed)
        assert "Traceback" not in printed
    cli.main(["logs", "show", path.stem])
    shown = capsys.readouterr().out
    assert "damaged journal: line " in shown and "the line is skipped" in shown


@pytest.mark.parametrize("fields", [{"region": ["a"]}, {"tag": 5}, {"client": {"k": 1}}])
def test_a_correction_with_a_wrongly_typed_value_is_damage_not_a_crash(
    fields: dict[str, object], app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """One planted ``amended`` line stopped logs list (and every other look at any session)
    with an SQLite error: its list went into the index as it was."""
    path = known_session(app_paths.sessions_dir, "Anna")
    target = "e1" if "client" in fields else "e9"
    line = {"v": 1, "type": "amended", "id": "e99", "at": "2026-10-20T09:05:00.000+01:00",
            "t": 200.0, "note": target, "fields": fields}  # fmt: skip
    with path.open("a") as f:
        f.write(json.dumps(line) + "\n")
    assert cli.main(["logs", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"'fields.{next(iter(fields))}' holds" in listed and "Anna " in listed, listed
    assert cli.main(["logs", "show", path.stem]) == 0
    assert not [w for w in PYTHON_TEXT if w in capsys.readouterr().out]


def test_a_correction_that_empties_a_field_is_no_damage(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = known_session(app_paths.sessions_dir, "Anna")
    line = {"v": 1, "type": "amended", "id": "e99", "at": "2026-10-20T09:05:00.000+01:00",
            "t": 200.0, "note": "e9", "fields": {"region": None}}  # fmt: skip
    with path.open("a") as f:
        f.write(json.dumps(line) + "\n")
    assert cli.main(["logs", "list"]) == 0
    assert "damaged" not in capsys.readouterr().out


def test_a_plan_with_a_target_of_not_a_number_and_a_listed_name_lists(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan in the first line: a NaN target went into the index as NULL and stopped
    logs list (and every look at any session); a listed phase name printed as ['a']."""
    path = known_session(app_paths.sessions_dir, "Anna")
    text = path.read_text()
    good = '"planned":[{"name":"arrive","target":60.0'
    assert good in text
    path.write_text(text.replace(good, '"planned":[{"name":["a"],"target":NaN', 1))
    for argv in (["logs", "list"], ["logs", "show", path.stem], ["logs", "note", path.stem]):
        cli.main(argv)
        out = capsys.readouterr()
        printed = out.out + out.err
        assert "Anna" in printed and not [w for w in PYTHON_TEXT if w in printed], printed


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ({"type": "pain", "value": 99, "region": None}, "pain 99/10"),
        ({"type": "pain", "value": 11, "region": None}, "pain 11/10"),
        ({"type": "rhythm", "rate": -5, "taps": 4, "station": None}, "rhythm ?/min"),
        ({"type": "rhythm", "rate": 0, "taps": 4, "station": None}, "rhythm ?/min"),
    ],
)
def test_a_finding_no_session_could_take_is_damage(
    line: dict[str, object], shown: str, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """The journal's writer refuses a pain score above 10 or a rate that is not above 0; a
    hand-made line holding one printed "pain 99/10" in the timeline as if it were a score."""
    path = known_session(app_paths.sessions_dir, "Anna")
    planted = {"v": 1, "id": "e99", "at": "2026-10-20T09:05:00.000+01:00", "t": 150.0,
               "phase": 1, **line}  # fmt: skip
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(-2, json.dumps(planted, separators=(",", ":")) + "\n")
    path.write_text("".join(lines))
    assert cli.main(["logs", "show", path.stem]) == 0
    out = capsys.readouterr().out
    assert shown not in out
    assert "damaged journal: line " in out and "the line is skipped" in out, out
    assert cli.main(["logs", "list"]) == 0
    assert "damaged" in capsys.readouterr().out


def test_a_correction_to_a_pain_score_out_of_range_is_damage(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    path = known_session(app_paths.sessions_dir, "Anna")
    line = {"v": 1, "type": "amended", "id": "e99", "at": "2026-10-20T09:05:00.000+01:00",
            "t": 200.0, "note": "e9", "fields": {"value": 99}}  # fmt: skip
    with path.open("a") as f:
        f.write(json.dumps(line) + "\n")
    assert cli.main(["logs", "list"]) == 0
    assert "'fields.value' holds a number out of range" in capsys.readouterr().out
