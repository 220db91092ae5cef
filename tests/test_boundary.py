"""The core stays pure: it loads nothing outside the standard library (tomli on 3.10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sessiontimer

ROOT = Path(sessiontimer.__file__).resolve().parent
CORE_MODULES = sorted(
    "sessiontimer.core." + p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__init__"
)

PROBE = """
import json, sys
before = set(sys.modules)
import importlib
for name in {modules!r}:
    importlib.import_module(name)
loaded = sorted(set(sys.modules) - before)
print(json.dumps(loaded))
"""


def _third_party(names: list[str]) -> list[str]:
    stdlib = set(sys.stdlib_module_names)
    tops = {n.split(".")[0] for n in names}
    return sorted(t for t in tops if t not in stdlib and t not in {"sessiontimer", "tomli"})


def test_core_modules_exist() -> None:
    assert "sessiontimer.core.engine" in CORE_MODULES
    assert "sessiontimer.core.config" in CORE_MODULES


def test_core_loads_only_the_standard_library() -> None:
    code = PROBE.format(modules=CORE_MODULES)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    assert "textual" not in {n.split(".")[0] for n in loaded}
    assert _third_party(loaded) == []
    # only the core package itself was imported from sessiontimer
    ours = {n for n in loaded if n.startswith("sessiontimer.")}
    assert all(n.startswith("sessiontimer.core") for n in ours), ours


def test_probe_would_catch_a_third_party_import() -> None:
    """The check above can fail: it flags a package outside the standard library."""
    assert _third_party(["textual.app", "json", "sessiontimer.core.model"]) == ["textual"]


def test_audio_never_imports_the_ui() -> None:
    for path in (ROOT / "audio").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, path
        assert "sessiontimer.ui" not in text, path
