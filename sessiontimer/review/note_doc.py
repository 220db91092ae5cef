"""The treatment note laid out as blocks (headings, fields, items, quotes), once for every format.

Markdown, plain text and HTML render these same blocks, so the three say the same thing; the
text is plain (never markup) until a renderer escapes it for its format. The signature is a
separate footer: the SHA-256 that signing journals is taken over the body alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sessiontimer.core.model import Practitioner
from sessiontimer.review.note import SIGNIFICANCE, STILL_POINT, Amendment, Finding, TreatmentNote


@dataclass(frozen=True)
class Block:
    """kind: title, heading, sub, field, item, quote or para; ``label`` for fields and the
    source of quotes."""

    kind: str
    text: str
    label: str = ""


def clock(seconds: float | None) -> str:
    """Session time as M:SS (H:MM:SS past an hour), whole seconds truncated."""
    whole = max(0, int(seconds or 0))
    h, rest = divmod(whole, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def length(seconds: float | None) -> str:
    """A length a person reads: "45 s", "4 min", "4 min 12 s" (whole seconds, truncated)."""
    whole = max(0, int(seconds or 0))
    minutes, secs = divmod(whole, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min" if not secs else f"{minutes} min {secs:02d} s"


def signer(note: TreatmentNote, configured: Practitioner | None) -> Practitioner | None:
    """Who the note names: the first signer once signed, else the configured practitioner."""
    if note.signatures:
        first = note.signatures[0]
        return Practitioner(first.practitioner, first.licence)
    return configured


def body(note: TreatmentNote, practitioner: Practitioner | None) -> list[Block]:
    """Everything but the signature (what a signature's SHA-256 covers)."""
    blocks = [Block("title", "Treatment note")]
    if note.problems:
        blocks.append(Block("para", "Damaged journal, read as far as possible: "
                            + "; ".join(note.problems)))  # fmt: skip
    blocks += _subjective(note) + _objective(note) + _assessment(note) + _plan(note)
    blocks += _totals(note)
    who = "not set" if practitioner is None else _practitioner(practitioner)
    return [*blocks, Block("field", who, "Practitioner")]


def footer(note: TreatmentNote) -> list[Block]:
    """The signatures, or that there is none yet."""
    if not note.signatures:
        return [Block("para", "Not signed.")]
    return [
        Block(
            "para",
            f"Signed by {_practitioner(Practitioner(s.practitioner, s.licence))} "
            f"on {s.at[:10]} {s.at[11:16]} (SHA-256 {s.sha256}).",
        )
        for s in note.signatures
    ]


def _practitioner(p: Practitioner) -> str:
    return f"{p.name}, licence {p.licence}" if p.licence else p.name


def _subjective(note: TreatmentNote) -> list[Block]:
    client = note.client or "not named"
    if note.client_change is not None:
        client += amended_text(note.client_change)
    blocks = [
        Block("heading", "Subjective"),
        Block("field", client, "Client"),
        Block("field", f"{note.date} {note.start}".strip() or "unknown", "Date"),
        Block("field", _pain(note.pain_before), "Pain before"),
    ]
    if note.words:
        blocks.append(Block("sub", "In the client's words"))
        blocks += [Block("quote", f.text or "", _quoted_from(f)) for f in note.words]
    if note.intake:
        blocks.append(Block("sub", "Intake"))
        blocks += [Block("quote", label_of(f), _quoted_from(f)) for f in note.intake]
    return blocks


def _objective(note: TreatmentNote) -> list[Block]:
    blocks = [Block("heading", "Objective"), Block("field", _session_line(note), "Session")]
    quiet = []
    for part in note.regions:
        if not part.findings:
            quiet.append(f"{part.name} ({length(part.seconds)})")
            continue
        title = part.name or "Before the hands were placed"
        blocks.append(Block("sub", f"{title}, {length(part.seconds)}" if part.name else title))
        blocks += [Block("item", finding_line(f)) for f in part.findings]
    if not any(p.findings for p in note.regions):
        blocks.append(Block("para", "No findings were recorded."))
    if quiet:
        blocks.append(Block("field", "; ".join(quiet), "Held, nothing noted"))
    blocks.append(Block("field", _still_points(note.tagged(STILL_POINT)), "Still points"))
    detectors = note.tagged(SIGNIFICANCE)
    if detectors:
        listed = "; ".join(f"{clock(f.t)} {_where(f)}, {_toggle_length(f)}" for f in detectors)
        blocks.append(Block("field", f"{len(detectors)}: {listed}", "Significance detectors"))
    return blocks


def _assessment(note: TreatmentNote) -> list[Block]:
    closing = "none" if note.closing is None else _with_changes(note.closing, note.closing.text)
    after = _pain(note.pain_after)
    if note.pain_after is not None and note.pain_before is not None:
        after += _change(note.pain_before.value or 0, note.pain_after.value or 0)
    released = "; ".join(f"{clock(f.t)} {_where(f)}: {label_of(f)}" for f in note.released)
    return [
        Block("heading", "Assessment"),
        Block("field", closing, "Closing note"),
        Block("field", after, "Pain after"),
        Block("field", released or "nothing marked as released", "Released"),
    ]


def _plan(note: TreatmentNote) -> list[Block]:
    text = "No plan recorded." if note.plan is None else _with_changes(note.plan, note.plan.text)
    return [Block("heading", "Plan"), Block("para", text)]


def _totals(note: TreatmentNote) -> list[Block]:
    blocks = [Block("heading", "Totals"), Block("field", length(note.length), "Session length")]
    if note.phases:
        blocks.append(Block("sub", "Phases"))
        blocks += [Block("item", f"{name}: {length(s)}") for name, s in note.phases]
    regions = [(p.name, p.seconds) for p in note.regions if p.name is not None]
    if regions:
        blocks.append(Block("sub", "Regions"))
        blocks += [Block("item", f"{name}: {length(s)}") for name, s in regions]
    techniques = note.techniques()
    if techniques:
        blocks.append(Block("sub", "Techniques"))
        blocks += [Block("item", f"{tag}: {n}, {length(s)} in all") for tag, n, s in techniques]
    return blocks


def finding_line(f: Finding) -> str:
    """One finding as the note lists it under its region, with its time."""
    if f.kind == "toggle":
        what = f"{f.tag}, {_toggle_length(f)}"
    elif f.kind.startswith("pain"):
        what = f"pain {f.value}/10"
    elif f.kind == "rhythm":
        what = rhythm_text(f)
    else:
        what = label_of(f)
    if f.felt_at and f.felt_at != (f.station if f.kind == "rhythm" else f.region):
        what += f", felt at {f.felt_at}"
    return _with_changes(f, f"{clock(f.t)} {what}")


def label_of(f: Finding) -> str:
    if f.tag and f.text:
        return f"{f.tag}: {f.text}"
    return f.text or f.tag or ""


def rhythm_text(f: Finding) -> str:
    taps = f"{f.taps} taps" if f.taps else ""
    qualities = ", ".join(f"{k} {v}" for k, v in f.qualities)
    detail = "; ".join(x for x in (taps, qualities) if x)
    return f"rhythm {f.rate:g} cycles/min" + (f" ({detail})" if detail else "")


def _toggle_length(f: Finding) -> str:
    return "not ended" if f.length is None else length(f.length)


def _still_points(found: list[Finding]) -> str:
    if not found:
        return "none"
    lengths = [f.length or 0.0 for f in found]
    return f"{len(found)}, {length(sum(lengths))} in all, longest {length(max(lengths))}"


def _where(f: Finding) -> str:
    return f.region or "no region"


def _source(f: Finding) -> str:
    return ", ".join(x for x in (clock(f.t), f.phase) if x)


def _quoted_from(f: Finding) -> str:
    """Where a quote came from, and its corrections after signing (outside the quote)."""
    changes = _with_changes(f, "").strip()
    return _source(f) + ("; " + changes[1:-1] if changes else "")


def _session_line(note: TreatmentNote) -> str:
    line = f"{note.preset or 'unknown preset'}, {length(note.length)}"
    return line + "; times are minutes:seconds into the session, pauses left out"


def _pain(f: Finding | None) -> str:
    if f is None:
        return "not recorded"
    return _with_changes(f, f"{f.value}/10 ({_source(f)})")


def _change(before: int, after: int) -> str:
    if after == before:
        return f"; unchanged from {before}/10"
    return f"; {'down' if after < before else 'up'} {abs(after - before)} from {before}/10"


def _with_changes(f: Finding, text: str | None) -> str:
    out = text or ""
    out += "".join(amended_text(a) for a in f.amendments)
    if f.added_after_signing:
        out += f" (added {f.added_after_signing}, after signing)"
    return out


def amended_text(a: Amendment) -> str:
    changed = [(k, v, old) for (k, v), (_, old) in zip(a.new, a.old, strict=True) if v != old]
    if not changed:
        return ""
    new = ", ".join(_value(k, v) for k, v, _ in changed)
    was = ", ".join(_value(k, old) for k, _, old in changed)
    return f" (amended {a.date}: {new}; was: {was})"


def _value(key: str, value: Any) -> str:
    """``text`` quoted and unnamed; other fields named: "region sacrum", "tag none"."""
    shown = "none" if value in (None, "") else str(value)
    if key == "text":
        return f"“{shown}”" if value not in (None, "") else "no text"
    return f"{key} {shown}"
