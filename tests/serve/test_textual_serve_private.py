"""The private textual-serve names ``serve/app_process.py`` overrides still mean what it needs.

``AppProcess`` replaces ``AppService._open_app_process`` (no shell, its own process group) and
extends ``_build_environment`` (our driver), and reads ``_process``. textual-serve is pinned
below its next minor version; these fail first when an upgrade moves them.
"""

from __future__ import annotations

import asyncio
import inspect
import sys

from textual_serve.app_service import AppService

from sessiontimer.serve.app_process import DRIVER, SERVED_ENV, AppProcess


def test_the_overridden_methods_exist_with_the_same_signature() -> None:
    for name in ("_build_environment", "_open_app_process"):
        theirs = inspect.signature(getattr(AppService, name))
        ours = inspect.signature(getattr(AppProcess, name))
        assert list(theirs.parameters) == list(ours.parameters) == ["self", "width", "height"]
    assert inspect.iscoroutinefunction(AppService._open_app_process)


def test_starting_an_app_goes_through_open_app_process() -> None:
    """Their start calls the method we replace: else the shell would start the app."""
    source = inspect.getsource(AppService)
    assert "await self._open_app_process(" in source
    assert "self._process" in source


async def test_our_process_starts_from_the_argument_list_with_our_driver() -> None:
    """The override runs: the child sees our driver and is started without a shell."""
    script = (
        "import os, sys; sys.stdout.write(os.environ['TEXTUAL_DRIVER'] + ' ' + os.environ['%s'])"
    )
    service = AppProcess(
        [sys.executable, "-c", script % SERVED_ENV],
        on_page_message=lambda _text: None,
        **_service_arguments(),
    )
    process = await service._open_app_process(80, 24)
    out, _ = await asyncio.wait_for(process.communicate(), 30)
    assert out.decode() == f"{DRIVER} 1"
    assert service.process is process


def _service_arguments() -> dict[str, object]:
    """What AppService's constructor asks for besides the command."""
    from textual_serve.download_manager import DownloadManager

    return {
        "write_bytes": _ignore,
        "write_str": _ignore,
        "close": _ignore_close,
        "download_manager": DownloadManager(),
    }


async def _ignore(_data: object) -> None:
    return None


async def _ignore_close() -> None:
    return None
