"""Work handed to the app's loop from another thread, safe once the app has gone.

The audio thread, the journal writer and the drivers' input threads report to the UI loop.
After the app has exited its loop is closed, and ``call_soon_threadsafe`` raises there: the
reporting thread (the audio thread, with a cue's late outcome) died of it. Every hand-over
goes through :func:`call_soon`, which drops the work instead.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any


def call_soon(
    loop: asyncio.AbstractEventLoop,
    callback: Callable[..., Any],
    *args: Any,
    context: contextvars.Context | None = None,
) -> bool:
    """Run ``callback(*args)`` on ``loop`` soon; False (nothing run) if the loop has closed."""
    try:
        loop.call_soon_threadsafe(callback, *args, context=context)
    except RuntimeError:  # "Event loop is closed"
        return False
    return True
