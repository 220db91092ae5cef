"""The treatment note: golden files in all three formats from recorded journals, signing,
amendments after signing, escaping of everything a person typed.

The journals in tests/data/notes/ were recorded through the real recorder by
note_journals.py. ``SESSIONTIMER_UPDATE_GOLDEN=1`` rewrites the golden notes (then read the
diff as a practitioner would, and bump ``note_render.LAYOUT`` when the wording changed).
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessiontimer.core.journal_read import read_journal
from sessiontimer.core.model import Practitioner
from sessiontimer.review.note import build_note
from sessiontimer.review.note_render import FORMATS, clean, render
from sessiontimer.review.sign import check

DATA = Path(__file__).resolve().parents[1] / "data" / "notes"
JANE = Practitioner("Jane Doe, CST-T", "MA-LMT 12345")
EXT = {"md": "md", "text": "txt", "html": "html"}
NEW_TYPES = {"pain", "rhythm", "plan", "signed"}


def _note(name: str):  # type: ignore[no-untyped-def]
    events = read_journal(DATA / f"{name}.jsonl").events
    return build_note(events, name), events


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["demo", "cst", "signed", "old"])
def test_golden_note(name: str, fmt: str) -> None:
    note, _ = _note(name)
    text = render(note, fmt, JANE)
    golden = DATA / f"{name}.{EXT[fmt]}"
    if os.environ.get("SESSIONTIMER_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_old_journal_has_none_of_the_new_events_and_still_gives_a_note() -> None:
    note, events = _note("old")
    assert not {e["type"] for e in events} & NEW_TYPES
    assert not any("felt_at" in e or "words" in e for e in events)
    assert "region" not in json.dumps(events[0]["preset"])  # the snapshot as round one wrote it
    md = render(note, "md", None)
    assert "> “Headaches, 2 a week” (1:00, intake)" in md
    assert "### cranial base, 1 min 30 s\n\n- 2:30 softening\n" in md
    assert "pulsation" not in md  # undone
    assert "- **Practitioner:** not set" in md and "Not signed." in md


def test_cst_note_has_each_soap_part() -> None:
    note, _ = _note("cst")
    md = render(note, "md", JANE)
    subjective, rest = md.split("## Objective")
    objective, rest = rest.split("## Assessment")
    assessment, rest = rest.split("## Plan")
    assert "**Pain before:** 6/10 (1:00, intake)" in subjective
    assert "> “It feels like a tight belt around my hips” (0:40, intake)" in subjective
    assert "> “I remember the fall from the ladder” (8:08, pelvic diaphragm release)" in subjective
    assert objective.index("### feet") < objective.index("### sacrum")  # the order hands went
    assert "- 2:10 rhythm 7.5 cycles/min (6 taps)" in objective
    assert "- 5:03 heat, felt at feet" in objective.split("### sacrum")[1]
    assert "**Still points:** 2, 4 min 05 s in all, longest 2 min 30 s" in objective
    assert "**Significance detectors:** 1: 7:23 pelvic diaphragm, 45 s" in objective
    assert "(5 taps; amplitude normal, symmetry high)" in objective
    assert "**Pain after:** 2/10 (16:18, closing); down 4 from 6/10" in assessment
    assert "8:38 pelvic diaphragm: SomatoEmotional Release" in assessment
    assert "Two weeks: recheck pelvic diaphragm; lifting ergonomics." in rest
    for technical in ("paused", "resumed", "cue", "checkpoint", "target", "suspended"):
        assert technical not in md.lower()


def test_signed_note_matches_and_shows_amendments_dated_in_every_format() -> None:
    note, events = _note("signed")
    result = check(events, "signed")
    assert result is not None and result.matches is True and result.changes_since == 2
    for fmt in FORMATS:
        text = render(note, fmt, None)
        assert "warmth, felt at feet (amended 2026-12-03: tag warmth; was: tag heat)" in text
        assert "(amended 2026-12-03: “Ten days: recheck pelvic diaphragm.”; was: “Two weeks" in (
            text.replace("&quot;", '"')
        )
        assert "Signed by Jane Doe, CST-T, licence MA-LMT 12345 on 2026-11-26 15:10" in text


def test_a_line_changed_by_hand_before_the_signature_breaks_it(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    text = (DATA / "signed.jsonl").read_text(encoding="utf-8")
    path.write_text(text.replace('"value":6', '"value":5', 1), encoding="utf-8")
    result = check(read_journal(path).events, "s")
    assert result is not None and result.matches is False
    assert "changed outside sessiontimer" in result.sentence()


def test_a_signature_of_another_layout_is_not_called_a_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    text = (DATA / "signed.jsonl").read_text(encoding="utf-8")
    path.write_text(text.replace('"layout":1', '"layout":0'), encoding="utf-8")
    result = check(read_journal(path).events, "s")
    assert result is not None and result.matches is None
    assert "cannot check" in result.sentence()


def test_unsigned_note_has_no_signature() -> None:
    _, events = _note("cst")
    assert check(events, "cst") is None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def test_html_is_one_page_with_print_css_and_no_scripts() -> None:
    note, _ = _note("cst")
    page = render(note, "html", JANE)
    parser = _Text()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert "@media print" in page and "default-src 'none'" in page
    assert "http" not in page.replace('http-equiv="Content-Security-Policy"', "")


def _with_text(text: str, client: str) -> list[dict[str, object]]:
    events = read_journal(DATA / "demo.jsonl").events
    events[0] = {**events[0], "client": client}
    for e in events:
        if e["type"] == "note" and e.get("text"):
            e["text"] = text
    return events


HOSTILE = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=60
).filter(lambda s: s.strip() and clean(s).strip())


@settings(max_examples=150, deadline=None)
@given(HOSTILE, HOSTILE)
def test_person_text_stays_text_in_every_format(text: str, client: str) -> None:
    note = build_note(_with_text(text, client), "x")
    md, plain, page = (render(note, f, JANE) for f in FORMATS)
    for out in (md, plain, page):
        assert not any(ord(c) < 32 and c != "\n" for c in out)
        assert "\u202e" not in out
    # each quote is one line, and unescaping the Markdown gives the text back
    quote = next(line for line in md.splitlines() if line.startswith("> “"))
    assert _md_unescape(quote).startswith(f"> “{clean(text)}” (")
    assert f"  “{clean(text)}” (0:08, arrive)" in plain
    parser = _Text()
    parser.feed(page)
    assert parser.tags.count("blockquote") == 1 and "script" not in parser.tags
    assert f"“{clean(text)}” (0:08, arrive)" in "".join(parser.data)


def _md_unescape(line: str) -> str:
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and not line[i + 1].isalnum():
            out.append(line[i + 1])
            i += 2
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def test_markdown_of_hostile_text_is_inert() -> None:
    events = _with_text("# [click](http://x) <b>*bold*</b> | `code` -- 1. ok", "=cmd|' /C calc'!A0")
    md = render(build_note(events, "x"), "md", JANE)
    assert r"\# \[click\](http://x) \<b\>\*bold\*\</b\> \| \`code\` -- 1. ok" in md
    assert r"- **Client:** \=cmd\|' /C calc'\!A0" in md


def test_ten_kilobyte_note_renders(tmp_path: Path) -> None:
    events = _with_text("long " * 2000, "Anna")
    for fmt in FORMATS:
        assert "long long" in render(build_note(events, "x"), fmt, JANE)


def test_recorded_journals_are_the_checked_in_ones(tmp_path: Path) -> None:
    """Re-recording gives the same journals (apart from the signing's wall time)."""
    import note_journals

    for name, make in (("demo", note_journals.demo), ("cst", note_journals.cst)):
        target = tmp_path / f"{name}.jsonl"
        make(target)
        assert target.read_text() == (DATA / f"{name}.jsonl").read_text(), name


def test_a_leading_number_is_escaped_at_its_dot_not_its_digit() -> None:
    # CommonMark escapes only punctuation: "\1." would show its backslash in the record
    from sessiontimer.review.note_render import md_escape

    assert md_escape("1. ok") == "1\\. ok"
    assert md_escape("10) ok") == "10\\) ok"
    assert md_escape("0.5 cm") == "0\\.5 cm"
    assert md_escape("- x") == "\\- x"


def _with_pains(*pains: dict) -> list[dict]:  # type: ignore[type-arg]
    events = read_journal(DATA / "demo.jsonl").events
    end = next(i for i, e in enumerate(events) if e["type"] == "session_ended")
    extra = [{"type": "pain", "id": f"p{i}", "t": 5.0 + i, **p} for i, p in enumerate(pains)]
    return events[:end] + extra + events[end:]


def test_pain_given_on_the_end_screen_is_pain_after_even_in_an_early_phase() -> None:
    # the Demo ended early in its first phase: a lone score there was "pain before"
    alone = build_note(_with_pains({"value": 3, "phase": 0}), "demo")
    assert alone.pain_before is not None and alone.pain_after is None
    after = build_note(_with_pains({"value": 3, "phase": 0, "after": True}), "demo")
    assert after.pain_before is None and after.pain_after is not None
    assert after.pain_after.value == 3
    both = _with_pains({"value": 6, "phase": 0}, {"value": 2, "phase": 0, "after": True})
    text = render(build_note(both, "demo"), "text", JANE)
    assert "Pain before: 6/10" in text and "Pain after: 2/10" in text


def test_a_field_that_begins_or_ends_in_breaks_and_controls_has_no_stray_space() -> None:
    # Found by the hostile-text walk: a client typed as "\r" + a letter showed "Client:  X" (two
    # spaces) in the note, and words of only controls and breaks were quoted as spaces.
    assert clean("\r\U000a10bd") == "\U000a10bd"
    assert clean("\x00\x08\x0b\x7f\x85\x9b") == ""
    assert clean(" a\nb ") == "a b"
