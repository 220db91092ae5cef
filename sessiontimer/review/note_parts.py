"""The pieces of a treatment note: findings, amendments, signatures, time per region.

Every function takes journal events as read (any value may be missing or of the wrong type:
an old, damaged or planted journal) and skips what it cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sessiontimer.core.field_kinds import pain_score, rhythm_rate

Event = dict[str, Any]
_ENVELOPE = frozenset({"v", "type", "id", "at", "t", "phase"})


@dataclass(frozen=True)
class Amendment:
    """A correction made after signing: when, the new values, and what they replaced."""

    date: str  # YYYY-MM-DD of the amended line
    new: tuple[tuple[str, Any], ...]
    old: tuple[tuple[str, Any], ...]


@dataclass
class Finding:
    """One thing worth keeping: a tag, a note, the client's words, a timed toggle, a pain
    score, a rhythm reading, the closing note or the plan."""

    id: str
    t: float
    kind: str  # tag, note, words, toggle, pain, rhythm, closing, plan (intake, pain before/after)
    phase_index: int | None = None
    phase: str = ""
    region: str | None = None
    felt_at: str | None = None
    tag: str | None = None
    text: str | None = None
    value: int | None = None  # pain 0..10
    after: bool = False  # pain given after the session (the End screen)
    length: float | None = None  # toggle seconds (None: never ended)
    station: str | None = None  # rhythm: where the hands were
    rate: float | None = None
    taps: int | None = None
    qualities: tuple[tuple[str, str], ...] = ()
    amendments: list[Amendment] = field(default_factory=list)
    added_after_signing: str | None = None  # the date, for content journaled after a signature


@dataclass(frozen=True)
class Signature:
    """A ``signed`` line: who, licence, when (wall time as journaled), the note's SHA-256."""

    practitioner: str
    licence: str | None
    at: str
    sha256: str

    @classmethod
    def of(cls, e: Event) -> Signature:
        licence = e.get("licence")
        return cls(
            str(e.get("practitioner") or "?"),
            licence if isinstance(licence, str) and licence else None,
            str(e.get("at") or ""),
            str(e.get("sha256") or ""),
        )


def resolve(
    events: list[Event], signed_at: int | None
) -> tuple[list[Event], dict[str, list[Amendment]]]:
    """Events as they now stand: retracted notes gone, amendments applied (to copies).

    Returns also the amendments made after the first signature (``signed_at``: its position),
    by the id of the line they correct (``"client"`` for a renamed client), each with the
    values it replaced.
    """
    current: dict[str, Event] = {}
    order: list[Event] = []
    late: dict[str, list[Amendment]] = {}
    for position, e in enumerate(events):
        kind = e.get("type")
        if kind == "note_retracted":
            gone = current.pop(str(e.get("note")), None)
            if gone is not None:
                gone["_retracted"] = True
        elif kind == "amended" and isinstance(e.get("fields"), dict):
            _amend(e, current, late, signed_at is not None and position > signed_at)
        else:
            copy = dict(e)
            if isinstance(e.get("id"), str):
                current[e["id"]] = copy
            order.append(copy)
    return [e for e in order if not e.get("_retracted")], late


def _amend(
    e: Event, current: dict[str, Event], late: dict[str, list[Amendment]], after: bool
) -> None:
    target = current.get(str(e.get("note")))
    if target is None:
        return
    fields = {str(k): v for k, v in e["fields"].items() if k not in _ENVELOPE}
    old = {k: target.get(k) for k in fields}
    target.update(fields)
    if after and fields:
        key = "client" if target.get("type") == "session_started" else str(target.get("id"))
        date = str(e.get("at") or "")[:10]
        late.setdefault(key, []).append(Amendment(date, tuple(fields.items()), tuple(old.items())))


def finding_of(
    e: Event, names: list[str], amendments: list[Amendment], added: str | None
) -> Finding | None:
    """The finding one line makes (None: nothing for the note); toggles: :func:`pair_toggles`."""
    kind = _KINDS.get(str(e.get("type")))
    if kind is None:
        return None
    f = _base(e, kind, names)
    f.amendments, f.added_after_signing = amendments, added
    if kind == "note":
        f.tag, f.text = _text(e.get("tag")), _text(e.get("text"))
        if not (f.tag or f.text):
            return None
        f.felt_at = _text(e.get("felt_at"))
        f.kind = "words" if e.get("words") is True and f.text else ("note" if f.text else "tag")
    elif kind == "pain":
        value = pain_score(e.get("value"))
        if value is None:
            return None
        f.value, f.after = value, e.get("after") is True
    elif kind == "rhythm":
        return _rhythm(e, f)
    else:
        f.text = _text(e.get("text"))
        return f if f.text else None
    return f


_KINDS = {"note": "note", "pain": "pain", "rhythm": "rhythm", "closing_note": "closing"}
_KINDS["plan"] = "plan"


def _base(e: Event, kind: str, names: list[str]) -> Finding:
    phase = e.get("phase")
    index = phase if isinstance(phase, int) and not isinstance(phase, bool) else None
    name = names[index] if index is not None and 0 <= index < len(names) else ""
    return Finding(
        str(e.get("id") or ""), _num(e.get("t")), kind, index, name, _text(e.get("region"))
    )


def _rhythm(e: Event, f: Finding) -> Finding | None:
    rate, taps = rhythm_rate(e.get("rate")), e.get("taps")
    if rate is None:
        return None
    f.rate = rate
    f.taps = taps if isinstance(taps, int) and not isinstance(taps, bool) else None
    f.station = _text(e.get("station"))
    raw = e.get("qualities")
    if isinstance(raw, dict):
        f.qualities = tuple((str(k), str(v)) for k, v in raw.items() if isinstance(v, str))
    return f


def pair_toggles(events: list[Event], names: list[str]) -> list[Finding]:
    """Each toggle from its start line, with its length from the matching end line (by the
    ``started`` id; failing that, the next end of the same tag: a hand-made journal)."""
    starts = [e for e in events if e.get("type") == "toggle_started" and _text(e.get("tag"))]
    ends = [e for e in events if e.get("type") == "toggle_ended"]
    by_start = {str(e.get("started")): e for e in ends}
    ids = {str(e.get("id")) for e in starts}
    loose = [e for e in ends if str(e.get("started")) not in ids]
    found = []
    for e in starts:
        f = _base(e, "toggle", names)
        f.tag, f.felt_at = _text(e.get("tag")), _text(e.get("felt_at"))
        end = by_start.get(f.id) or next(
            (x for x in loose if x.get("tag") == f.tag and _num(x.get("t")) >= f.t), None
        )
        if end is not None:
            f.length = _num(end.get("duration"))
            if end in loose:
                loose.remove(end)
        found.append(f)
    return found


def region_visits(events: list[Event]) -> list[tuple[str, float]]:
    """(region, session seconds there) per visit, in order; the last lasts to the end."""
    sets = [
        (e["name"], _num(e.get("t")))
        for e in events
        if e.get("type") == "region_set" and isinstance(e.get("name"), str) and e["name"]
    ]
    ends = [e for e in events if e.get("type") == "session_ended"]
    end = _num(ends[-1].get("t")) if ends else max((_num(e.get("t")) for e in events), default=0.0)
    visits = []
    for i, (name, t) in enumerate(sets):
        until = sets[i + 1][1] if i + 1 < len(sets) else max(end, t)
        visits.append((name, max(0.0, until - t)))
    return visits


def _num(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
