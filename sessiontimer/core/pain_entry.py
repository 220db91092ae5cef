"""Typing a pain score with one hand: ``v``, then 0-10, then Enter or a short pause.

Only "1" is ambiguous (1, or the start of 10), so every other digit is taken at once; after
"1" the entry waits :data:`SETTLE` seconds for a "0" (Enter takes it at once). Pure: every call
is given the time, so the UI's one-shot timer and the tests use the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

SETTLE = 1.0  # seconds after "1" before it is taken as 1
GIVE_UP = 8.0  # seconds after ``v`` with no digit: the entry is dropped, nothing journaled


@dataclass
class PainEntry:
    """One entry in progress; ``value`` is set once it is complete, ``cancelled`` if not."""

    started: float
    digits: str = ""
    last: float = 0.0
    value: int | None = None
    cancelled: bool = False

    @property
    def done(self) -> bool:
        return self.value is not None or self.cancelled

    def digit(self, d: str, now: float) -> int | None:
        """A digit key; the value when it completes the entry, else None."""
        if self.done or len(d) != 1 or not d.isdigit():
            return None
        if self.digits == "1":
            self.value = 10 if d == "0" else 1  # "1" then another digit: 1 (the second is dropped)
            return self.value
        self.digits, self.last = d, now
        if d != "1":
            self.value = int(d)
        return self.value

    def enter(self) -> int | None:
        """Enter: takes a waiting "1"; with no digit yet, cancels."""
        if self.done:
            return self.value
        if self.digits == "1":
            self.value = 1
        else:
            self.cancelled = True
        return self.value

    def cancel(self) -> None:
        if not self.done:
            self.cancelled = True

    def deadline(self) -> float | None:
        """When :meth:`due` will settle the entry (None once done)."""
        if self.done:
            return None
        return self.last + SETTLE if self.digits else self.started + GIVE_UP

    def due(self, now: float) -> int | None:
        """At or after the deadline: a waiting "1" becomes 1, an empty entry is dropped."""
        end = self.deadline()
        if end is None or now < end:
            return None
        return self.enter()

    def prompt(self) -> str:
        """What the status line says while the entry is open."""
        if self.digits == "1":
            return "pain 1… (0 for 10, Enter for 1)"
        return "pain 0–10? (Enter or Escape cancels)"
