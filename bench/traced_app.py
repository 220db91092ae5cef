"""The real app with its cue path timed, for ``bench/cue_timing.py --trace``.

    CUE_TRACE=/path/trace.jsonl python bench/traced_app.py run --preset Demo

Each cue the session screen sends appends one line: how late the UI loop woke for it (the
engine's ``late``), and how long it took to reach a backend (``dispatch``: on the UI's own
thread when the service's fast path takes it, else on the audio thread), both in seconds on
the monotonic clock. A cue sent ahead of its moment (the session screen's ``_ahead``) is
marked ``ahead``: its onset does not wait on either. Not a test and not part of the app: it
wraps three methods.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from sessiontimer.audio import service as service_module
from sessiontimer.ui.screens.session import running as session_module

_LOG = open(os.environ["CUE_TRACE"], "a", buffering=1)  # noqa: SIM115 (open for the run)
_sent: list[float] = []
_logged: set[int] = set()
_cue = session_module.SessionScreen._cue
_dispatch = service_module.AudioService._dispatch
_play_now = service_module.AudioService._play_now


def _hop(request: Any) -> None:
    """The cue reached a backend's hands: on the caller's thread, or on the audio thread."""
    if _sent and id(request) not in _logged:
        _logged.add(id(request))
        _LOG.write(json.dumps({"dispatch": time.monotonic() - _sent.pop(0)}) + "\n")


def _traced_cue(self: Any, event: Any) -> None:
    ahead = self._ahead is not None and self._ahead[1].t == event.t
    if not ahead:  # a cue sent ahead of its moment was handed over already: no hop to time
        _sent.append(time.monotonic())
    _LOG.write(json.dumps({"t": event.t, "late": event.late, "ahead": ahead}) + "\n")
    _cue(self, event)


def _traced_play_now(self: Any, request: Any) -> bool:
    sent: bool = _play_now(self, request)
    if sent:
        _hop(request)
    return sent


def _traced_dispatch(self: Any, request: Any) -> None:
    _hop(request)
    _dispatch(self, request)


session_module.SessionScreen._cue = _traced_cue  # type: ignore[method-assign]
service_module.AudioService._dispatch = _traced_dispatch  # type: ignore[method-assign]
service_module.AudioService._play_now = _traced_play_now  # type: ignore[method-assign]

from sessiontimer.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
