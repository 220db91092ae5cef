"""The sleep inhibitor holds while a session runs and says so when it can't."""

from __future__ import annotations

import sys

import pytest

from sessiontimer.inhibit import HOLDER, SleepInhibitor


def test_holds_until_released(monkeypatch: pytest.MonkeyPatch) -> None:
    holder = [sys.executable, "-c", HOLDER]
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


def test_a_slow_refusal_is_reported_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loaded machine: the helper takes longer than a moment to start, then refuses.

    Held means the holder said so, not that the helper was still starting after 0.2 s.
    """
    slow = [sys.executable, "-c", "import time; time.sleep(0.6)"]
    monkeypatch.setattr(SleepInhibitor, "_command", lambda self: slow)
    inhibitor = SleepInhibitor()
    assert not inhibitor.acquire()
    assert "would not stay awake" in (inhibitor.message or "")


def test_a_helper_that_never_answers_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    silent = [sys.executable, "-c", "import sys; sys.stdin.read()"]  # neither holds nor exits
    monkeypatch.setattr(SleepInhibitor, "_command", lambda self: silent)
    monkeypatch.setattr("sessiontimer.inhibit.ANSWER_WITHIN", 0.3)
    inhibitor = SleepInhibitor()
    assert not inhibitor.acquire()
    assert "did not answer" in (inhibitor.message or "")
    assert inhibitor._proc is None  # and it was stopped


def test_no_inhibitor_on_this_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SleepInhibitor, "_command", lambda self: None)
    inhibitor = SleepInhibitor()
    assert not inhibitor.acquire()
    assert "may go to sleep during the session" in (inhibitor.message or "")
    inhibitor.release()  # nothing held: still safe
