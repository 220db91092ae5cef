"""The real app with its cue path timed, for ``bench/cue_timing.py --trace``.

    CUE_TRACE=/path/trace.jsonl python bench/traced_app.py run --preset Demo

Each cue the session screen sends appends one line: how late the UI loop woke for it (the
engine's ``late``), and how long it took to reach the audio thread (``dispatch``), both in
seconds on the monotonic clock. Not a test and not part of the app: it wraps two methods.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from sessiontimer.audio import service as service_module
from sessiontimer.ui.screens import session as session_module

_LOG = open(os.environ["CUE_TRACE"], "a", buffering=1)  # noqa: SIM115 (open for the run)
_sent: list[float] = []
_cue, _dispatch = session_module.SessionScreen._cue, service_module.AudioService._dispatch


def _traced_cue(self: Any, event: Any) -> None:
    _sent.append(time.monotonic())
    _LOG.write(json.dumps({"t": event.t, "late": event.late}) + "\n")
    _cue(self, event)


def _traced_dispatch(self: Any, request: Any) -> None:
    if _sent and request.job is None:
        _LOG.write(json.dumps({"dispatch": time.monotonic() - _sent.pop(0)}) + "\n")
    _dispatch(self, request)


session_module.SessionScreen._cue = _traced_cue  # type: ignore[method-assign]
service_module.AudioService._dispatch = _traced_dispatch  # type: ignore[method-assign]

from sessiontimer.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
