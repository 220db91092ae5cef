"""What a session's recorder holds for its lists: notes, toggles and findings.

The session screen's recent notes and the End screen list them; a resumed session rebuilds
them from its journal's lines (the ``*_of`` functions), leaving out planted values no session
could have taken. Apart from the recorder so that it stays the journal's driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sessiontimer.core.field_kinds import pain_score, rhythm_rate


@dataclass(frozen=True)
class NoteRecord:
    """A note as the UI lists it (the journal line holds the same)."""

    id: str
    t: float
    phase: int | None
    tag: str | None
    text: str | None
    region: str | None
    key: str | None
    felt_at: str | None = None
    words: bool = False
    at: datetime | None = None  # wall time of the moment it stands for

    @property
    def label(self) -> str:
        """How the note reads in a list: its tag, or its text."""
        return self.tag or self.text or ""


@dataclass(frozen=True)
class NoteMoment:
    """When a typed note was begun (``n`` pressed): where the session and the hands were.

    Typing takes a while; by Enter the phase may have moved on, so the note is filed at
    this moment and the save time is kept beside it (``saved_t``).
    """

    t: float
    phase: int | None
    region: str | None
    at: datetime


@dataclass(frozen=True)
class OpenToggle:
    """A toggle tag that has started and not ended (e.g. a still point in progress)."""

    id: str
    tag: str
    key: str | None
    t: float
    region: str | None = None


@dataclass(frozen=True)
class Finding:
    """A pain score or a rhythm reading taken in this run: listed with the notes."""

    t: float
    label: str  # "pain 7/10", "pain 2/10 after", "rhythm 8.5/min"
    region: str | None


@dataclass(frozen=True)
class FinishedToggle:
    """A toggle that ran from ``t`` for ``duration`` seconds: listed with the notes."""

    id: str
    tag: str
    t: float
    duration: float
    region: str | None


@dataclass(frozen=True)
class ToggleResult:
    """What a toggle key did: ``started`` True, or ended after ``duration`` seconds."""

    id: str
    tag: str
    started: bool
    duration: float | None


def note_record(e: dict[str, Any]) -> NoteRecord:
    return NoteRecord(
        str(e.get("id")), float(e.get("t", 0.0)), e.get("phase"), e.get("tag"),
        e.get("text"), e.get("region"), e.get("key"),
    )  # fmt: skip


def finding_of(e: dict[str, Any]) -> Finding | None:
    """A journaled pain score or rhythm reading as listed with the notes; None for a line
    whose value no session could have taken (planted)."""
    t, region = e.get("t"), e.get("region") if e["type"] == "pain" else e.get("station")
    if not isinstance(t, (int, float)) or not isinstance(region, (str, type(None))):
        return None
    if e["type"] == "pain":
        value = pain_score(e.get("value"))
        if value is None:
            return None
        return Finding(float(t), pain_label(value, e.get("after") is True), region)
    rate = rhythm_rate(e.get("rate"))
    if rate is None:
        return None
    return Finding(float(t), rhythm_label(rate), region)


def finished_of(e: dict[str, Any]) -> FinishedToggle | None:
    """A journaled still point (its start line and the end's duration) as listed with the
    notes; None for a planted one no clock can show."""
    t, duration, region = _seconds(e.get("t")), _seconds(e.get("duration")), e.get("region")
    if t is None or duration is None or not isinstance(region, (str, type(None))):
        return None
    return FinishedToggle(str(e.get("id")), str(e["tag"]), t, duration, region)


def _seconds(value: Any) -> float | None:
    """A session time or length a clock can show; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e9:
        return None
    return float(value)


def pain_label(value: int, after: bool) -> str:
    """How a pain score is listed with the notes, taken now or read back after a resume."""
    return f"pain {value}/10" + (" after" if after else "")


def rhythm_label(rate: float) -> str:
    return f"rhythm {rate:g}/min"
