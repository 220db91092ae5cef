"""Whatever a user writes, loading a config never raises: it gives settings or ConfigErrors.

Documents are generated in the shape of the schema (real keys, near-miss keys, values of
every TOML type) so that the validator's deep paths are reached, not just the top level.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessiontimer.core.config import (
    ConfigError,
    builtin_settings,
    load_settings,
    settings_from_document,
)
from sessiontimer.core.config_check import Checker
from sessiontimer.core.model import Settings

SOUNDS = ["soft-bell", "tingsha", "gong", "x.wav", "a/b.wav", "~/c.wav", ""]
DURATIONS = ["5m", "90s", "1h 15m", "1:30", "open", "-5m", "300h", "0", "5 mins", "2m"]
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
scalar = st.one_of(
    text,
    st.sampled_from(SOUNDS + DURATIONS + ["advance", "hold", "open", "s", "+", "ctrl+x"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
)
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)
CUE_KEYS = ["start", "warning", "warn_before", "interval", "interval_every", "overtime",
            "overtime_every", "end"]  # fmt: skip
cue = st.one_of(
    st.sampled_from(SOUNDS),
    st.booleans(),
    st.dictionaries(st.sampled_from(["sound", "volume", "repeat", "sond"]), scalar, max_size=3),
)


def table(keys: list[str], special: dict[str, Any] | None = None) -> Any:
    """A table whose keys are mostly real ones, with values of the right shape or not."""
    special = special or {}
    return st.dictionaries(
        st.sampled_from(keys) | text,
        st.one_of(value, *(special.values())) if special else value,
        max_size=5,
    ).flatmap(
        lambda d: st.fixed_dictionaries(
            {k: (special[k] if k in special else st.just(v)) for k, v in d.items()}
        )
    )


phase = table(
    ["name", "duration", "target", "on_end", "durration", *CUE_KEYS[:-1]],
    {"duration": st.sampled_from(DURATIONS) | scalar, **dict.fromkeys(CUE_KEYS[:-1], cue)},
)
preset = table(
    ["name", "description", "phases", *CUE_KEYS],
    {"phases": st.lists(phase, max_size=3), "name": st.sampled_from(["A", "a", "Demo"]) | text},
)
document = st.fixed_dictionaries(
    {},
    optional={
        "general": table(
            ["default_preset", "regions", "free_text_key"],
            {"regions": st.lists(text, max_size=11), "free_text_key": scalar},
        ),
        "audio": table(["backend", "terminal_bell", "volume"]),
        "cues": table(CUE_KEYS, dict.fromkeys(CUE_KEYS, cue)),
        "presets": st.lists(preset, max_size=3) | value,
        "notes": st.fixed_dictionaries({"tags": st.dictionaries(text, scalar | value, max_size=4)}),
        "keys": st.dictionaries(st.sampled_from(["pause", "dim", "mute", "nope"]), scalar),
        "extra": value,
    },
)


def to_toml(obj: Any) -> str:
    """A tiny TOML writer (inline tables only), enough to feed generated documents to tomllib."""
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, float):
        return (
            "nan"
            if math.isnan(obj)
            else ("inf" if obj > 0 else "-inf")
            if math.isinf(obj)
            else repr(obj)
        )
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, list):
        return "[" + ", ".join(to_toml(v) for v in obj) + "]"
    return "{" + ", ".join(f"{to_toml(k)} = {to_toml(v)}" for k, v in obj.items()) + "}"


def check_result(result: tuple[Settings, list[ConfigError]]) -> None:
    loaded, errors = result
    assert isinstance(loaded, Settings)
    assert all(isinstance(e, ConfigError) and str(e) for e in errors)
    if errors:
        assert loaded == builtin_settings()


@settings(max_examples=150, deadline=None)
@given(document)
def test_documents_in_the_schema_give_settings_or_errors(doc: dict[str, Any]) -> None:
    checker = Checker()
    result = settings_from_document(doc, checker)
    assert (result is None) == bool(checker.errors)
    assert all(isinstance(e, ConfigError) for e in checker.errors)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document)
def test_files_never_raise_and_every_error_has_a_line(tmp_path: Path, doc: dict[str, Any]) -> None:
    file = tmp_path / "config.toml"
    file.write_text("\n".join(f"{to_toml(k)} = {to_toml(v)}" for k, v in doc.items()), "utf-8")
    result = load_settings(file, must_exist=True)
    check_result(result)
    assert all(e.line is not None and e.line >= 1 for e in result[1])


FRAGMENTS = [
    "[general]", "[[presets]]", "[[presets.phases]]", "[notes.tags]", "[keys]", "[cues]",
    "[audio]", 'name = "A"', "duration = '5m'", 'duration = "open"', 'on_end = "hold"',
    "warn_before = 90", 'regions = ["a", "b"]', 's = { tag = "x", toggle = true }',
    'pause = "p"', "volume = 2", 'start = { sound = "tingsha" }', "x = [1, 2", '"q" = 1',
    "a.b = 1", 'description = """\nmulti\n"""', "= 3", "# comment",
]  # fmt: skip


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(FRAGMENTS) | text, max_size=12))
def test_toml_ish_text_never_raises(tmp_path: Path, lines: list[str]) -> None:
    file = tmp_path / "config.toml"
    file.write_text("\n".join(lines), "utf-8")
    check_result(load_settings(file, must_exist=True))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=60))
def test_any_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    file = tmp_path / "config.toml"
    file.write_bytes(data)
    check_result(load_settings(file, must_exist=True))
