"""Unexpected errors: logged to a private file, shown as one calm line, never a traceback."""

from __future__ import annotations

import functools
import logging
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sessiontimer.core.private_files import open_private
from sessiontimer.paths import private_dir

F = TypeVar("F", bound=Callable[..., Any])
_log = logging.getLogger("sessiontimer")


def log_exception(error_log: Path, error: BaseException, where: str) -> None:
    """Append where it happened to the error log (0600); never raise from here.

    Only file names, lines, functions and exception types are written, never an exception's
    message: a message may quote a note or a client's name (a MarkupError quotes the text
    it could not parse), and the error log is sent to people who help.
    """
    try:
        private_dir(error_log.parent)
        fd = open_private(error_log, os.O_WRONLY | os.O_APPEND)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(f"--- {where}\n{error_report(error)}")
    except OSError:
        _log.warning("could not write the error log %s", error_log)


def error_report(error: BaseException) -> str:
    """The chain of exception types, each with its frames (file, line, function)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        lines = [f"  {f.filename}:{f.lineno} in {f.name}\n" for f in frames]
        kind = type(current)
        parts.append(f"{kind.__module__}.{kind.__qualname__}\n" + "".join(lines))
        current = current.__cause__ or current.__context__
    return "caused by:\n".join(reversed(parts))


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
