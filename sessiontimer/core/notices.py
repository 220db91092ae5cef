"""Notices told one at a time, the sound one first: a stack of toasts covers the screen.

At start-up several services report at once (the sound backend, the stay-awake helper, the
config); shown together they stack over the note legend and vanish before anyone reads them.
The queue holds them and hands out one at a time, each after the one before has had its time.
For a short while after start it holds everything but the sound notice, because the sound
notice matters most and arrives last (it waits for the first cue's outcome). Pure: the caller
passes the time (``time.monotonic()``) in.
"""

from __future__ import annotations

from dataclasses import dataclass

SOUND = "sound"
OTHER = "other"
URGENT = "urgent"  # shown at once, never queued: the journal cannot be saved, say so now
GAP = 0.3  # seconds of no notice between two, so the eye sees that a new one came


@dataclass(frozen=True)
class Notice:
    """One sentence for the practitioner, how serious it is, and how long it stays."""

    text: str
    severity: str = "information"
    timeout: float = 6.0
    kind: str = OTHER


class NoticeQueue:
    """Notices in the order they are told: sound first, then as they came, one at a time."""

    def __init__(self, started: float, hold: float = 2.5) -> None:
        self._hold_until = started + hold
        self._waiting: list[Notice] = []
        self._free_at = started  # when the notice now shown has had its time

    def add(self, notice: Notice) -> None:
        """Queue ``notice``, unless the same sentence already waits."""
        if all(w.text != notice.text for w in self._waiting):
            self._waiting.append(notice)

    def take(self, now: float) -> Notice | None:
        """The notice to show now, or None (one is still shown, or the rest are held)."""
        if now < self._free_at or not self._waiting:
            return None
        sound = [n for n in self._waiting if n.kind == SOUND]
        if sound:
            chosen = sound[0]
        elif now >= self._hold_until:
            chosen = self._waiting[0]
        else:
            return None
        self._waiting.remove(chosen)
        self._free_at = now + chosen.timeout + GAP
        return chosen

    def wake_at(self) -> float | None:
        """When :meth:`take` may next give a notice (None: nothing waits)."""
        if not self._waiting:
            return None
        if any(n.kind == SOUND for n in self._waiting):
            return self._free_at
        return max(self._free_at, self._hold_until)
