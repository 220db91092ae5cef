"""The craniosacral rhythm by touch: one tap per cycle, the rate in cycles a minute.

Hands stay on the client, so the practitioner taps a key (or a foot pedal) at each cycle.
After three taps the rate is known; when tapping has stopped for :data:`QUIET_AFTER`
seconds the series becomes one reading, journaled as ``rhythm``. The rate is measured on
the monotonic clock (a pause of the session does not stretch a cycle); the reading is stamped
with the session time, phase and region (station) of its last tap, not those current when
the quiet window closes it. Upledger's usual range, 6 to 12 cycles a minute, is a
hint shown beside the rate, never a judgement. While a series is open (its rate shown), the
digits give its qualities, one key each (:func:`quality_of_digit`); they are journaled in
the same ``rhythm`` event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUIET_AFTER = 10.0  # seconds without a tap that end a series
MIN_TAPS = 3  # taps before a rate is shown (two intervals)
BOUNCE = 0.3  # a second press within this many seconds is a pedal bounce or key repeat
HINT_RANGE = (6.0, 12.0)  # cycles a minute (Upledger)
QUALITIES = ("amplitude", "symmetry", "vigour")
LEVELS = ("low", "normal", "high")


@dataclass(frozen=True)
class RhythmReading:
    """One series of taps: its rate, how many taps, where the hands were (the station)."""

    rate: float  # cycles a minute, one decimal
    taps: int
    station: str | None  # the region at the last tap
    t: float  # session seconds of the last tap
    qualities: tuple[tuple[str, str], ...] = ()
    phase: int | None = None  # the phase at the last tap


def in_hint_range(rate: float) -> bool:
    """Inside the usual 6-12 cycles a minute."""
    return HINT_RANGE[0] <= rate <= HINT_RANGE[1]


def rate_of(times: list[float]) -> float | None:
    """Cycles a minute from tap times (one tap per cycle); None before :data:`MIN_TAPS`."""
    if len(times) < MIN_TAPS or times[-1] <= times[0]:
        return None
    return round((len(times) - 1) * 60.0 / (times[-1] - times[0]), 1)


@dataclass
class TapResult:
    """What one tap did: the rate so far (None before three taps), and a series it closed."""

    rate: float | None
    taps: int
    finished: RhythmReading | None = None
    bounced: bool = False


@dataclass
class RhythmTapper:
    """Collects taps into series; pure: every call is given the time."""

    quiet_after: float = QUIET_AFTER
    _times: list[float] = field(default_factory=list)  # monotonic seconds of each tap
    _last_t: float = 0.0  # session seconds of the last tap
    _station: str | None = None  # the region at the last tap
    _phase: int | None = None  # the phase at the last tap
    _qualities: dict[str, str] = field(default_factory=dict)

    @property
    def taps(self) -> int:
        return len(self._times)

    @property
    def rate(self) -> float | None:
        return rate_of(self._times)

    @property
    def station(self) -> str | None:
        return self._station

    def tap(self, now: float, t: float, station: str | None, phase: int | None = None) -> TapResult:
        """One cycle felt at monotonic ``now`` (session time ``t``, in ``phase``) with the hands
        at ``station``; the reading keeps those of its last tap.

        A tap after the quiet window first closes the series before it (returned as
        ``finished``), so a late timer never merges two readings.
        """
        finished = self.due(now)
        if self._times and now - self._times[-1] < BOUNCE:
            return TapResult(self.rate, self.taps, finished, bounced=True)
        self._times.append(now)
        self._last_t, self._station, self._phase = t, station, phase
        return TapResult(self.rate, self.taps, finished)

    def set_quality(self, name: str, level: str) -> bool:
        """Amplitude, symmetry or vigour of the series being tapped; False when none is."""
        if name not in QUALITIES or level not in LEVELS or self.rate is None:
            return False
        self._qualities[name] = level
        return True

    @property
    def qualities(self) -> tuple[tuple[str, str], ...]:
        """The qualities given for the open series, in the order of :data:`QUALITIES`."""
        return tuple((q, self._qualities[q]) for q in QUALITIES if q in self._qualities)

    def deadline(self) -> float | None:
        """The monotonic moment the current series ends if no tap comes (None: no series)."""
        return self._times[-1] + self.quiet_after if self._times else None

    def due(self, now: float) -> RhythmReading | None:
        """The finished reading once the quiet window has passed at ``now``, else None."""
        end = self.deadline()
        if end is None or now < end:
            return None
        return self.finish()

    def finish(self) -> RhythmReading | None:
        """Close the series now (hands moved, session ended); None below three taps."""
        rate = self.rate
        reading = None
        if rate is not None:
            reading = RhythmReading(
                rate, self.taps, self._station, self._last_t, self.qualities, self._phase
            )
        self._times, self._station, self._phase, self._qualities = [], None, None, {}
        return reading


QUALITY_KEYS = "1-3 amplitude, 4-6 symmetry, 7-9 vigour (low, normal, high)"  # help
QUALITY_HINT = "1-3 amp, 4-6 sym, 7-9 vig"  # the status line: fits 80 columns beside the rate


def quality_of_digit(digit: str) -> tuple[str, str] | None:
    """The one-key qualities while a series is open: 1-3 amplitude low / normal / high,
    4-6 symmetry, 7-9 vigour; None for any other key."""
    if len(digit) != 1 or not "1" <= digit <= "9":
        return None
    n = int(digit) - 1
    return QUALITIES[n // 3], LEVELS[n % 3]


def describe(rate: float | None, taps: int, qualities: tuple[tuple[str, str], ...] = ()) -> str:
    """What the session screen shows while tapping: the taps, then the rate and the hint,
    then the qualities given (or the keys that give them)."""
    if rate is None:
        return f"rhythm: {taps} tap{'s' if taps != 1 else ''}…"
    hint = "within 6–12" if in_hint_range(rate) else "usual range 6–12"
    given = ", ".join(f"{name} {level}" for name, level in qualities)
    return f"rhythm {rate:g}/min ({taps} taps; {hint}) · {given or QUALITY_HINT}"
