"""Exports: treatment notes (Markdown, text), findings (CSV), events (CSV), JSON (as they are).

The events CSV and the JSON are written one journal line at a time (``write_to``): a session
of a million lines is never held whole.

Files are 0600 unless the user asks otherwise, and each export is recorded (path and clients)
in the state folder so that deleting a client's records can remove the exports made of them.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sessiontimer.core.lines import read_capped
from sessiontimer.core.model import Practitioner
from sessiontimer.core.visible import json_text
from sessiontimer.review import note_read, note_render
from sessiontimer.review.note import TreatmentNote, build_note
from sessiontimer.review.note_csv import csv_cell, csv_writer, findings_csv
from sessiontimer.review.timeline import Timeline

FORMATS = ("md", "text", "csv", "events", "json")
CSV_COLUMNS = (
    "session",
    "client",
    "id",
    "type",
    "at",
    "t",
    "phase",
    "phase_name",
    "tag",
    "text",
    "region",
    "data",
)
_MAIN = {"v", "type", "id", "at", "t", "phase", "tag", "text", "region"}
REGISTRY = "exports.json"
REGISTRY_MAX = 16 << 20  # about 80,000 exports; a larger file is not one the app wrote


def render(timelines: list[Timeline], fmt: str, practitioner: Practitioner | None = None) -> str:
    """md and text: treatment notes; csv: one row per finding; events: every line (CSV)."""
    if fmt in ("md", "text"):
        notes = [note_render.render(note_of(t), fmt, practitioner) for t in timelines]
        return "\n".join(notes)
    if fmt == "csv":
        return findings_csv([note_of(t) for t in timelines])
    if fmt in ("events", "json"):
        out = io.StringIO()
        write_to(out, timelines, fmt)
        return out.getvalue()
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_to(
    out: TextIO, timelines: list[Timeline], fmt: str, practitioner: Practitioner | None = None
) -> None:
    """Write the export to ``out``; events and json stream one journal line at a time."""
    if fmt == "events":
        _events_csv(out, timelines)
    elif fmt == "json":
        _json(out, timelines)
    else:
        out.write(render(timelines, fmt, practitioner))


def note_of(tl: Timeline) -> TreatmentNote:
    """The treatment note of a loaded timeline, its journal read again with a bound."""
    read = note_read.read_for_note(tl.path, tl.summary.id)
    problems = list(tl.summary.problems)
    if read.left_out:
        problems.append(note_read.left_out_line(read.left_out, tl.summary.id))
    return build_note(read.events, tl.summary.id, problems)


def to_csv(timelines: list[Timeline]) -> str:
    return render(timelines, "events")


def _events_csv(out: TextIO, timelines: list[Timeline]) -> None:
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for tl in timelines:
        names = {p.index: p.name for p in tl.phases}
        for e in tl.each_event():
            rest = {k: v for k, v in e.items() if k not in _MAIN}
            phase = e.get("phase")
            writer.writerow(
                csv_cell(cell)
                for cell in [
                    tl.summary.id,
                    tl.summary.client or "",
                    e.get("id", ""),
                    e.get("type"),
                    e.get("at", ""),
                    e.get("t", ""),
                    "" if phase is None else phase,
                    names.get(phase, "") if isinstance(phase, int) else "",
                    e.get("tag") or "",
                    e.get("text") or "",
                    e.get("region") or "",
                    json_text(rest, sort_keys=True) if rest else "",
                ]
            )


def to_json(timelines: list[Timeline]) -> str:
    return render(timelines, "json")


def _json(out: TextIO, timelines: list[Timeline]) -> None:
    """{"format", "v", "sessions": [{id, file, client, problems, events: [...]}]}, one event
    a line; the problems are the summary's (read before the events)."""
    out.write('{"format": "sessiontimer-export", "v": 1, "sessions": [')
    for n, t in enumerate(timelines):
        head = {"id": t.summary.id, "file": t.summary.rel, "client": t.summary.client,
                "problems": t.summary.problems}  # fmt: skip
        out.write(("," if n else "") + "\n " + json_text(head)[:-1])
        out.write(', "events": [')
        for i, e in enumerate(t.each_event()):
            out.write(("," if i else "") + "\n  " + json_text(e))
        out.write("\n ]}")
    out.write("\n]}\n")


def write_export(
    text: str | Callable[[TextIO], None],
    target: Path,
    clients: list[str],
    cache_dir: Path,
    mode: int = 0o600,
) -> None:
    """Write an export file with ``mode`` (0600 by default), recorded for deletion later;
    ``text`` is the export or a function that writes it to the open file.

    Recorded first, then written all at once (a temporary name beside it, fsync, rename): a
    full disk or a kill mid-write leaves the earlier file whole and never half a file of
    health records that a client's deletion would not find. An OSError names ``target``.
    """
    from sessiontimer.core.atomic import fsync_dir

    record_export(cache_dir, target, clients)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), mode)  # mkstemp's 0600, or what --mode asked
            out.write(text) if isinstance(text, str) else text(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, target)  # a symlink there is replaced, never written through
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(name)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        raise
    fsync_dir(target.parent)


def record_export(cache_dir: Path, target: Path, clients: list[str]) -> None:
    """Remember which clients an export file holds (so their deletion can remove it)."""
    entries = [e for e in load_registry(cache_dir) if e.get("path") != str(target.resolve())]
    entries.append({"path": str(target.resolve()), "clients": sorted(set(clients))})
    save_registry(cache_dir, entries)


def load_registry(cache_dir: Path) -> list[dict[str, Any]]:
    try:
        entries = json.loads(read_capped(cache_dir / REGISTRY, REGISTRY_MAX))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def save_registry(cache_dir: Path, entries: list[dict[str, Any]]) -> None:
    """Replace the registry all at once (temporary file, fsync, rename): a kill mid-write
    leaves the old registry, so a later ``logs delete --client`` still finds every export."""
    from sessiontimer.core.atomic import atomic_write

    atomic_write(cache_dir / REGISTRY, json.dumps(entries, ensure_ascii=False).encode())
