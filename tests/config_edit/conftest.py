"""A hand-written config full of comments, odd spacing and every way of writing a value."""

from __future__ import annotations

from pathlib import Path

import pytest

COMMENTED = """\
# My config   -- written by hand, keep my notes!
#   (tabs and odd spacing on purpose)

[general]
default_preset   =   "Long"   # the usual one
regions = [ "feet",   # first
  "sacrum", # second
]

[cues]
warn_before = false # no warnings by default

# ---- presets ----
[[presets]]
name = "Long"      # 75 minutes
description = 'single quotes stay'
warn_before = "1m"

[[presets.phases]]   # the first phase
name = "intake"
target = "1:30"    # minutes:seconds

[[presets.phases]]
name = "treatment"  # the heart of it
duration = 45
on_end = "hold"
overtime = { sound = "soft-bell", volume = 0.3 }  # quiet please
overtime_every = "5m"

# an open ending
[[presets.phases]]
name = "integration"
duration = "open"

[[presets]]
name = "Short"
[[presets.phases]]
name = "only"
duration = "20m"   # trailing

[notes.tags]
s = { tag = "still point", toggle = true }   # toggle
r = "release"
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """The commented config written to a private folder."""
    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir()
    path.write_text(COMMENTED, encoding="utf-8")
    return path
