"""The session keys of the treatment note, as state the screen holds: pain, rhythm, felt-at.

``v`` opens a pain entry (digits then go to it, not to the regions), ``c`` taps the rhythm,
``,`` then a digit says where the next finding was felt; while a rhythm series is open
(its rate shown) the digits give its qualities instead of moving the hands. Pure: the
screen passes the time in, sets one timer for :meth:`FindingKeys.deadline` and shows the
words each call returns.
"""

from __future__ import annotations

from sessiontimer.core.pain_entry import PainEntry
from sessiontimer.core.recorder import SessionRecorder
from sessiontimer.core.rhythm import RhythmReading, RhythmTapper, describe, quality_of_digit


class FindingKeys:
    """Pain entry, rhythm taps and a pending felt-at region for one session."""

    def __init__(self, recorder: SessionRecorder) -> None:
        self.recorder = recorder
        self.pain: PainEntry | None = None
        self.tapper: RhythmTapper = recorder.tapper  # the recorder journals it on a way out
        self.felt_pending = False  # "," pressed: the next digit names where it was felt
        self.felt_at: str | None = None

    # -- pain -----------------------------------------------------------------------------

    def start_pain(self, now: float) -> str:
        self.pain = PainEntry(now)
        return self.pain.prompt()

    def pain_key(self, key: str, now: float) -> str | None:
        """A key while the pain entry is open: what to show, or None (not for the entry)."""
        entry = self.pain
        if entry is None:
            return None
        if key == "escape":
            self.pain = None
            return "Pain not recorded."
        value = entry.enter() if key == "enter" else entry.digit(key, now)
        if value is not None:
            return self._record_pain(value)
        if entry.cancelled:
            self.pain = None
            return "Pain not recorded."
        return entry.prompt() if key.isdigit() else None

    def _record_pain(self, value: int) -> str:
        self.pain = None
        self.recorder.pain(value)
        return f"Pain {value}/10"

    # -- rhythm ---------------------------------------------------------------------------

    def tap(self, now: float) -> str:
        """One rhythm cycle; the words to show (and a finished series journaled first)."""
        recorder = self.recorder
        phase = recorder.engine.phase_index if recorder.engine.started else None
        result = self.tapper.tap(now, recorder.engine.session_time(), recorder.region, phase)
        saved = self._record_rhythm(result.finished) if result.finished else ""
        shown = describe(result.rate, result.taps, self.tapper.qualities)
        return f"{saved} · {shown}" if saved else shown

    def _record_rhythm(self, reading: RhythmReading) -> str:
        self.recorder.rhythm(reading)
        where = f" at {reading.station}" if reading.station else ""
        return f"Rhythm {reading.rate:g}/min{where} saved"

    def quality_key(self, char: str) -> str | None:
        """A digit while a series with a rate is open gives a quality (1-3 amplitude, 4-6
        symmetry, 7-9 vigour: low / normal / high); None: not for the rhythm."""
        quality = quality_of_digit(char)
        if quality is None or not self.tapper.set_quality(*quality):
            return None
        return describe(self.tapper.rate, self.tapper.taps, self.tapper.qualities)

    def finish_rhythm(self) -> str | None:
        """The session ends or is left: a series being tapped is journaled now."""
        reading = self.recorder.finish_rhythm()
        where = f" at {reading.station}" if reading and reading.station else ""
        return f"Rhythm {reading.rate:g}/min{where} saved" if reading else None

    # -- felt at --------------------------------------------------------------------------

    def start_felt_at(self) -> str:
        self.felt_pending = True
        return "Felt where? Press the region's digit."

    def felt_digit(self, index: int) -> str:
        """The digit after ",": the region where the next finding was felt."""
        self.felt_pending = False
        regions = self.recorder.settings.regions
        if not 1 <= index <= len(regions):
            return "No region on that key."
        self.felt_at = regions[index - 1]
        return f"Next finding felt at {self.felt_at}"

    def take_felt_at(self) -> str | None:
        """The felt-at region for the finding being recorded now (used once)."""
        felt, self.felt_at = self.felt_at, None
        return felt

    # -- time -----------------------------------------------------------------------------

    def deadline(self) -> float | None:
        """The next monotonic moment :meth:`due` has something to do (None: nothing)."""
        moments = [self.tapper.deadline(), self.pain.deadline() if self.pain else None]
        known = [m for m in moments if m is not None]
        return min(known) if known else None

    def due(self, now: float) -> list[str]:
        """Settle what fell due at ``now``: a pain "1", a rhythm series; what to show."""
        shown = []
        if self.pain is not None:
            value = self.pain.due(now)
            if value is not None:
                shown.append(self._record_pain(value))
            elif self.pain.cancelled:
                self.pain = None
                shown.append("Pain not recorded.")
        reading = self.tapper.due(now)
        if reading is not None:
            shown.append(self._record_rhythm(reading))
        return shown
