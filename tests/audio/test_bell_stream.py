"""The terminal bell rings only on a terminal: served to a browser, the app's standard output
is the web driver's packet stream, and a stray "\\a" there corrupts the screen."""

from __future__ import annotations

import io
import sys

import pytest

from sessiontimer.audio.base import PlayJob
from sessiontimer.audio.system import BellBackend


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _ring_into(stream: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    monkeypatch.setattr(sys, "__stdout__", stream)
    results: list[object] = []
    BellBackend().play(PlayJob.__new__(PlayJob), results.append)
    return results


def test_no_bell_is_written_into_a_stream_that_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipe = _Pipe()
    (result,) = _ring_into(pipe, monkeypatch)
    assert pipe.getvalue() == ""
    assert getattr(result, "error", None)  # reported as failed: the chain falls back to visual


def test_on_a_terminal_the_bell_rings(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = _Tty()
    (result,) = _ring_into(tty, monkeypatch)
    assert tty.getvalue() == "\a"
    assert getattr(result, "error", "x") is None
