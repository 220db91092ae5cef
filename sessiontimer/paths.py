"""Every path the app uses, in one place.

Nothing here creates a folder on import: folders are made (0700) only when something is
written, by :func:`private_dir`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "sessiontimer"
CONFIG_ENV = "SESSIONTIMER_CONFIG"
DATA_ENV = "SESSIONTIMER_DATA_DIR"
STATE_ENV = "SESSIONTIMER_STATE_DIR"
CACHE_ENV = "SESSIONTIMER_CACHE_DIR"


@dataclass(frozen=True)
class AppPaths:
    """Where config, journals, state and error logs live for one run of the app."""

    config_file: Path
    config_explicit: bool  # named by --config or $SESSIONTIMER_CONFIG: missing is an error
    data_dir: Path
    state_dir: Path

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "session.lock"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def error_log(self) -> Path:
        return self.state_dir / "errors.log"


def resolve(config: str | os.PathLike[str] | None = None) -> AppPaths:
    """Find the paths: ``--config``, then ``$SESSIONTIMER_CONFIG``, then the platform dir."""
    if config is not None:
        cfg, explicit = Path(config).expanduser(), True
    elif os.environ.get(CONFIG_ENV):
        cfg, explicit = Path(os.environ[CONFIG_ENV]).expanduser(), True
    else:
        cfg, explicit = Path(platformdirs.user_config_dir(APP)) / "config.toml", False
    data = os.environ.get(DATA_ENV) or platformdirs.user_data_dir(APP)
    state = os.environ.get(STATE_ENV) or platformdirs.user_state_dir(APP)
    return AppPaths(cfg, explicit, Path(data).expanduser(), Path(state).expanduser())


def bundled_sounds_dir() -> Path:
    """The cue sounds: inside the installed package, or ``sounds/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "sounds"
    if installed.is_dir():
        return installed
    return here.parent / "sounds"


def sound_cache_dir() -> Path:
    """Prepared cue sounds, kept between runs (``$SESSIONTIMER_CACHE_DIR`` or the platform's)."""
    base = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir(APP)
    return Path(base).expanduser() / "sounds"


def example_config() -> Path:
    """The commented starter config: inside the installed package, or at the checkout's top."""
    here = Path(__file__).resolve().parent
    installed = here / "config.example.toml"
    return installed if installed.is_file() else here.parent / "config.example.toml"


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) 0700 folders whatever the umask; return it.

    A folder that exists already keeps its mode (a shared 1777 folder stays 1777).
    """
    from sessiontimer.core.private_files import make_private_dirs

    make_private_dirs(path)
    return path
