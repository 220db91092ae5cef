"""The sleep inhibitor holds while a session runs and says so when it can't."""

from __future__ import annotations

import sys

import pytest

from sessiontimer.inhibit import SleepInhibitor


def test_holds_until_released(monkeypatch: pytest.MonkeyPatch) -> None:
    holder = [sys.executable, "-c", "import sys; sys.stdin.read()"]
    monkeypatch.setattr(SleepInhibitor, "_command", lambda self: holder)
    inhibitor = SleepInhibitor()
    assert inhibitor.acquire() and inhibitor.message is None
    proc = inhibitor._proc
    assert proc is not None and proc.poll() is None
    inhibitor.release()
    assert proc.poll() is not None


def test_refused_inhibitor_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SleepInhibitor, "_command", lambda self: [sys.executable, "-c", "1"])
    inhibitor = SleepInhibitor()
    assert not inhibitor.acquire()
    assert "would not stay awake" in (inhibitor.message or "")
    assert "power settings" in (inhibitor.message or "")


def test_no_inhibitor_on_this_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SleepInhibitor, "_command", lambda self: None)
    inhibitor = SleepInhibitor()
    assert not inhibitor.acquire()
    assert "may go to sleep during the session" in (inhibitor.message or "")
    inhibitor.release()  # nothing held: still safe
