"""The fast path of review: the few events of a journal the Sessions list needs, in one pass.

Reading 20,000 journals (a gigabyte) must take well under a second, so a file the app wrote,
in its compact form, takes a fast path: one regular-expression pass finds the lines review
uses (notes, toggles, closing note, ends, amendments, signatures, findings, the plan) and
checks that every line has the writer's form (starts ``{"v":1,"type":"`` and ends ``}``);
only those lines, the first and the last are decoded, and the first line's preset and plan,
the same in most sessions, are decoded once per distinct text. Checkpoints and cues are
never decoded. Any surprise (other spacing, a foreign or half-written line, bad UTF-8, a bad
value) falls back to the tolerant reader of the core, so a damaged file is listed with what
could be read, and never modified.

What the fast path trusts without decoding: a line it skips is a valid event of a type review
ignores when it starts and ends as the writer writes, and ``t`` never decreases (the largest
``t`` is on the last line). Lines run together are caught by counting line starts against
newlines (a JSON string cannot hold the unescaped quotes of ``{"v":1,"type":"``): two
``bytes.count`` passes in C. tests/review/test_fast_summary.py and test_fast_scan.py hold
the fast path to the full reader on real journals and on many mutations of them.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from sessiontimer.core.field_kinds import wrong_field

Event = dict[str, Any]
_HEAD = b'{"v":1,"type":"session_started"'
# From the second line on, each match is a run of lines review skips (checkpoints, cues...)
# in the writer's form, then one of: a line review needs, in that form (group 1); the end of
# the file (both groups empty); or the first byte of a line in any other form (group 2). The
# runs of skipped lines stay inside the regular-expression engine: one pass, in C.
_LINE = rb'\{"v":1,"type":"'
_KINDS_READ = (
    rb"(?:note|toggle_started|closing_note|session_ended|amended|resumed_after_crash|signed"
    rb"|pain|rhythm|plan)"
)
# Possessive (``*+``, never backtracking) needs Python 3.11; on 3.10 a greedy ``*`` finds
# the same match (the last alternative takes any byte, so it never backtracks into the run).
_RUN = rb"*+" if sys.version_info >= (3, 11) else rb"*"
_SKIPPED = rb"(?:" + _LINE + rb"(?!" + _KINDS_READ + rb")[^\n]*\}\n)"
_SCAN = re.compile(
    _SKIPPED + _RUN + rb"(?:(" + _LINE + _KINDS_READ + rb"[^\n]*\}\n)|\Z|(.))", re.DOTALL
)
# (length, start, end) of a preset / plan / client text -> (the text, its decoded value)
_MEMO: dict[tuple[int, str, str], tuple[str, Any]] = {}  # values shared, never mutated
_MEMO_MAX = 512


def fast_events(data: bytes) -> list[Event] | None:
    """The events review needs, or None when the file is not in the writer's exact form."""
    end = data.find(b"\n")
    if not data.startswith(_HEAD) or not data.endswith(b"}\n") or data[end - 1] != 0x7D:
        return None  # 0x7D: "}", the end of the first line
    if not data.isascii() and not _is_utf8(data):
        return None  # the tolerant reader reads such bytes as U+FFFD, or not at all
    parts = []
    for line, bad in _SCAN.findall(data, end + 1):
        if bad:
            return None  # a line not in the writer's form: the tolerant reader takes over
        parts.append(line)
    parts.pop()  # the empty match at the end of the file
    if data.count(b'{"v":1,"type":"') != data.count(b"\n"):
        return None  # a line holding a second line's start: lines run together
    last = data[data.rfind(b"\n", 0, -1) + 1 :]
    if end + 1 < len(data) and (not parts or parts[-1] != last):
        parts.append(last)  # the largest t is on the last line, whatever its type
    try:
        rest = json.loads(b"[" + b",".join(parts) + b"]")
        events: list[Event] = [_start_event(data[:end].decode()), *rest]
    except (ValueError, RecursionError):  # RecursionError: nested too deep (planted)
        return None
    if len(rest) != len(parts):
        return None  # a line holding two values, e.g. two lines run together
    return events if _plausible(events) else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def _plausible(events: list[Any]) -> bool:
    """Every event an object with a type, and none later than the last line.

    The skipped lines' ``t`` is taken to be at most the last line's (the writer's clock never
    goes back); a decoded line later than the last is a sign that it did, so the tolerant
    reader takes over.
    """
    last = events[-1].get("t") if isinstance(events[-1], dict) else None
    if not isinstance(last, (int, float)):
        return False
    for e in events:
        if not isinstance(e, dict) or not isinstance(e.get("type"), str):
            return False
        if wrong_field(e) is not None:
            return False  # the tolerant reader skips it and says why
        t = e.get("t")
        if isinstance(t, (int, float)) and not t <= last:
            return False
    return True


def _start_event(line: str) -> Any:
    """Decode the session_started line; its preset and plan are decoded once per text.

    The line is cut as ``H,"preset":X,"client":C,"planned":Y}``; when ``H}``, X, C and Y
    each decode on their own, JSON's grammar leaves one way to read the whole line, and it
    is the object of H's members then those three (a later duplicate key wins, as in
    ``json.loads``). Any other shape is decoded whole.
    """
    k = line.rfind(',"planned":')  # searched from the end: the preset in between is long
    j = line.rfind(',"client":', 0, k)
    i = line.find(',"preset":', 0, j)
    if i < 0 or j < 0 or k < 0 or not line.endswith("}"):
        return json.loads(line)
    event = json.loads(line[:i] + "}")
    if not isinstance(event, dict):
        return event
    event["preset"] = _memo(line[i + 10 : j])
    event["client"] = _memo(line[j + 10 : k])
    event["planned"] = _memo(line[k + 11 : -1])
    return event


def _memo(text: str) -> Any:
    """``json.loads(text)``, shared between equal texts. Keyed by the length and both ends of
    the text, then checked whole: hashing a 2 KB preset on every journal costs more."""
    key = (len(text), text[:48], text[-48:])
    known = _MEMO.get(key)
    if known is not None and known[0] == text:
        return known[1]
    value = json.loads(text)
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (text, value)
    return value


# -- the first stage of a cold build: what a list row needs, from two short reads ---------
_ENDED = b'{"v":1,"type":"session_ended"'
_AMENDED = b'{"v":1,"type":"amended"'


def listable_events(head: bytes, tail: bytes) -> list[Event] | None:
    """The events a list row needs, from the file's first line (``head``, ending in its
    newline) and its last bytes (``tail``): the start, then the last ``session_ended`` and
    every line after it (signatures and amendments are only ever appended there), the last
    line giving the session's length. None when these bytes cannot tell (no
    ``session_ended`` in the tail, a line not in the writer's form): read the file whole.

    What these lines cannot tell: the notes, marks, findings, texts, whether the session was
    resumed after a crash (a line further in) and whether a line in between is damaged, nor
    an amendment made before a resume; the row is partial until the full read.
    """
    if not head.startswith(_HEAD) or not head.endswith(b"}\n") or not tail.endswith(b"}\n"):
        return None
    ended_at = tail.rfind(_ENDED)
    if ended_at < 0 or (ended_at and tail[ended_at - 1] != 0x0A):
        return None  # no session_ended here (unfinished, or far from the end), or cut
    return _with_tail(head, tail[ended_at:])


def unfinished_events(head: bytes, tail: bytes) -> list[Event] | None:
    """:func:`listable_events` for a file the caller found no ``session_ended`` in: the
    start, then every whole line of the tail (the last giving the session's length)."""
    if not head.startswith(_HEAD) or not head.endswith(b"}\n") or not tail.endswith(b"}\n"):
        return None
    return _with_tail(head, tail)


def holds_end(data: bytes) -> bool:
    """Whether these bytes of a journal hold the start of a ``session_ended`` line (inside
    a text it would be escaped: ``\\"type\\"``)."""
    return _ENDED in data


def _with_tail(head: bytes, after: bytes) -> list[Event] | None:
    try:
        events: list[Event] = [_start_event(head[:-1].decode())]
        if after.count(b'{"v":1,"type":"') != after.count(b"\n"):
            return None  # a line holding a second line's start: lines run together
        rest = json.loads(b"[" + after[:-1].replace(b"\n", b",") + b"]")
    except (ValueError, RecursionError):
        return None
    if not isinstance(rest, list) or len(rest) != after.count(b"\n"):
        return None
    events += rest
    return events if _plausible(events) else None
