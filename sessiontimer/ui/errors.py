"""Unexpected errors: logged to a private file, shown as one calm line, never a traceback."""

from __future__ import annotations

import functools
import logging
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sessiontimer.paths import private_dir

F = TypeVar("F", bound=Callable[..., Any])
_log = logging.getLogger("sessiontimer")


def log_exception(error_log: Path, error: BaseException, where: str) -> None:
    """Append the traceback to the error log (0600); never raise from here."""
    try:
        private_dir(error_log.parent)
        fd = os.open(error_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(f"--- {where}\n")
            out.write("".join(traceback.format_exception(error)))
    except OSError:
        _log.exception("could not write the error log")


def guarded(method: F) -> F:
    """Wrap a screen or app handler: an exception is logged and notified, the session goes on."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as error:  # the treatment room must never see a crash
            app = self.app
            log_exception(app.paths.error_log, error, method.__qualname__)
            app.notify(
                f"Something went wrong ({type(error).__name__}); the session goes on. "
                f"Details: {app.paths.error_log}",
                severity="warning",
                timeout=6,
            )
            if getattr(app, "reraise_errors", False):
                raise
            return None

    return wrapper  # type: ignore[return-value]
