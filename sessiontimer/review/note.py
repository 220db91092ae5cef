"""A session as a treatment note: what a practitioner keeps in the client record (SOAP).

Built from a journal's events alone (pure: no files, no clock), so the same journal gives
the same note everywhere, and an old journal without any of the newer events still gives one.
Technical lines (pauses, target changes, cues, checkpoints, suspends) never reach the note.
Once a session is signed, every later correction stays visible: an ``amended`` line after the
first ``signed`` line is shown dated beside the value it replaced, and content added after
signing (a plan, a closing note) says so. Layout in :mod:`note_doc`, formats in
:mod:`note_render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sessiontimer.review.note_parts import (
    Amendment,
    Finding,
    Signature,
    finding_of,
    pair_toggles,
    region_visits,
    resolve,
)

__all__ = ["Amendment", "Finding", "Signature", "TreatmentNote", "build_note"]

Event = dict[str, Any]
STILL_POINT = "still point"
SIGNIFICANCE = "significance detector"


@dataclass
class RegionPart:
    """Where the hands were (``name`` None: before any region was set), for how long, and
    what was found there, in time order."""

    name: str | None
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)


@dataclass
class TreatmentNote:
    """The note's content; rendering is separate so that all formats say the same."""

    session: str
    client: str | None
    date: str  # YYYY-MM-DD as journaled (the session's own offset)
    start: str  # HH:MM
    preset: str
    length: float  # session seconds, pauses excluded
    words: list[Finding] = field(default_factory=list)
    intake: list[Finding] = field(default_factory=list)
    pain_before: Finding | None = None
    pain_after: Finding | None = None
    regions: list[RegionPart] = field(default_factory=list)
    toggles: list[Finding] = field(default_factory=list)
    closing: Finding | None = None
    plan: Finding | None = None
    phases: list[tuple[str, float]] = field(default_factory=list)
    client_change: Amendment | None = None
    signatures: list[Signature] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def tagged(self, tag: str) -> list[Finding]:
        """Toggles of one kind (still points, significance detectors), in time order."""
        return [f for f in self.toggles if (f.tag or "").casefold() == tag]

    @property
    def released(self) -> list[Finding]:
        """What released: every finding whose tag says so (release, SomatoEmotional Release)."""
        found = [f for part in self.regions for f in part.findings]
        return sorted(
            (f for f in found if "release" in (f.tag or "").casefold()), key=lambda f: f.t
        )

    def techniques(self) -> list[tuple[str, int, float]]:
        """(tag, count, total seconds) per timed technique, in order of first use."""
        totals: dict[str, list[float]] = {}
        for f in self.toggles:
            totals.setdefault(f.tag or "", []).append(f.length or 0.0)
        return [(tag, len(v), sum(v)) for tag, v in totals.items()]


def build_note(
    events: list[Event], session: str, problems: list[str] | None = None
) -> TreatmentNote:
    """The note of one journal's events (in file order); bad values are skipped, never raised."""
    signed_at = next((i for i, e in enumerate(events) if e.get("type") == "signed"), None)
    current, late = resolve(events, signed_at)
    start = next((e for e in current if e.get("type") == "session_started"), {})
    raw_plan = start.get("planned")
    planned: list[Any] = raw_plan if isinstance(raw_plan, list) else []
    names = [p["name"] if isinstance(p, dict) and isinstance(p.get("name"), str) else "?"
             for p in planned]  # fmt: skip
    raw_at = start.get("at")
    at = raw_at if isinstance(raw_at, str) else ""
    preset = start.get("preset")
    note = TreatmentNote(
        session=session,
        client=_text(start.get("client")),
        date=at[:10],
        start=at[11:16],
        preset=str(preset.get("name", "")) if isinstance(preset, dict) else "",
        length=_length(events),
        problems=list(problems or []),
    )
    signed_ids = {str(e.get("id")) for e in events if e.get("type") == "signed"}
    first_signed = str(events[signed_at].get("id")) if signed_at is not None else None
    _fill(note, current, names, late, first_signed)
    note.signatures = [Signature.of(e) for e in current if str(e.get("id")) in signed_ids]
    return note


def _fill(
    note: TreatmentNote,
    events: list[Event],
    names: list[str],
    late: dict[str, list[Amendment]],
    first_signed: str | None,
) -> None:
    intake = _intake_phase(names)
    findings: list[Finding] = []
    signed_on: str | None = None
    for e in events:
        if first_signed is not None and e.get("id") == first_signed:
            signed_on = str(e.get("at") or "")[:10] or "?"
        added = (str(e.get("at") or "")[:10] or "?") if signed_on else None
        f = finding_of(e, names, late.get(str(e.get("id")), []), added)
        if f is not None:
            findings.append(f)
    findings += pair_toggles(events, names)
    findings.sort(key=lambda f: f.t)
    _sort_findings(note, findings, intake, len(names) - 1)
    note.regions = _regions(events, [f for f in findings if f.kind in _OBJECTIVE])
    note.phases = _phase_totals(events, names)
    client_changes = late.get("client")
    note.client_change = client_changes[-1] if client_changes else None


_OBJECTIVE = frozenset({"tag", "note", "toggle", "rhythm", "pain"})


def _sort_findings(
    note: TreatmentNote, findings: list[Finding], intake: int | None, last: int
) -> None:
    """Pain: the first score is "before", the last (of two or more) "after"; a single score
    taken in the last phase is "after". A score marked ``after`` (given on the End screen) is
    "after" wherever the session ended. The rest stay findings where the hands were."""
    pains = [f for f in findings if f.kind == "pain"]
    marked = [f for f in pains if f.after]
    if marked:
        unmarked = [f for f in pains if not f.after]
        if unmarked:
            note.pain_before, unmarked[0].kind = unmarked[0], "pain before"
        note.pain_after, marked[-1].kind = marked[-1], "pain after"
    elif len(pains) == 1 and last > 0 and pains[0].phase_index == last:
        note.pain_after, pains[0].kind = pains[0], "pain after"
    elif pains:
        note.pain_before, pains[0].kind = pains[0], "pain before"
    if len(pains) > 1:
        note.pain_after, pains[-1].kind = pains[-1], "pain after"
    for f in findings:
        if f.kind == "words":
            note.words.append(f)
        elif f.kind == "note" and intake is not None and f.phase_index == intake:
            f.kind = "intake"
            note.intake.append(f)
        elif f.kind == "closing":
            note.closing = f
        elif f.kind == "plan":
            note.plan = f  # the latest plan line is the plan
        elif f.kind == "toggle":
            note.toggles.append(f)


def _intake_phase(names: list[str]) -> int | None:
    """The phase whose notes are the intake: one named "intake", else the first."""
    for i, name in enumerate(names):
        if "intake" in name.casefold():
            return i
    return 0 if names else None


def _regions(events: list[Event], findings: list[Finding]) -> list[RegionPart]:
    """Regions in the order the hands first went there; findings under the hands' region."""
    parts: dict[str | None, RegionPart] = {}
    for name, seconds in region_visits(events):
        parts.setdefault(name, RegionPart(name)).seconds += seconds
    for f in findings:
        where = f.station if f.kind == "rhythm" else f.region
        parts.setdefault(where, RegionPart(where)).findings.append(f)
    ordered = sorted(parts.values(), key=lambda p: _first_t(p, events))
    return [p for p in ordered if p.findings or p.name is not None]


def _first_t(part: RegionPart, events: list[Event]) -> float:
    for e in events:
        if e.get("type") == "region_set" and e.get("name") == part.name:
            return _num(e.get("t"))
    return min((f.t for f in part.findings), default=0.0)


def _phase_totals(events: list[Event], names: list[str]) -> list[tuple[str, float]]:
    """Real minutes per phase (every run of it), in plan order, phases that ran only."""
    totals: dict[int, float] = {}
    for e in events:
        if e.get("type") == "phase_ended" and isinstance(e.get("phase"), int):
            totals[e["phase"]] = totals.get(e["phase"], 0.0) + _num(e.get("length"))
    return [(names[i] if i < len(names) else f"phase {i + 1}", totals[i]) for i in sorted(totals)]


def _length(events: list[Event]) -> float:
    ts = [e["t"] for e in events if isinstance(e.get("t"), (int, float))]
    return float(max(ts, default=0.0))


def _num(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
