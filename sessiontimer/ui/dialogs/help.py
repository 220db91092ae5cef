"""Every key, what it does, and where the config and logs live."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sessiontimer.core.rhythm import QUALITY_KEYS
from sessiontimer.ui import key_bindings
from sessiontimer.ui.dialogs.modal import Modal
from sessiontimer.ui.plain_text import visible_controls

if TYPE_CHECKING:
    pass


LONG = {
    "pause": "Pause / resume",
    "next": "Next phase (after the last: end, asks first)",
    "previous": "Previous phase again, with its full time",
    "extend": "+1m: extend this phase by a minute (also =)",
    "shorten": "-1m: shorten this phase by a minute",
    "note": "Note: free text, optionally for another region",
    "undo": "Undo the last note (a typed one asks first)",
    "redo": "Redo: bring back the note undone last",
    "volume_down": "Vol-: volume down",
    "volume_up": "Vol+: volume up",
    "mute": "Mute: visual cues only",
    "dim": "Dim: almost nothing lit; note keys still work",
    "end": "End the session (asks first)",
    "help": "Help: this screen",
    "pain": "Pain: then 0-10 (Enter, or a pause after 1); first and last phase",
    "rhythm": "Rhythm: one press per cycle; the rate shows after 3 (usual 6-12/min)",
    "felt_at": "Felt at: then a region digit: where the next finding showed",
    "words": "Words: a note in the client's own words (quoted in the note)",
}


class HelpScreen(Modal[None]):
    """Opened with ?; any of escape, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help_close")]

    def compose(self) -> Any:
        app = self.st_app
        remapped = dict(app.settings.keys)
        rows: list[tuple[str, str]] = []
        for binding in key_bindings.bindings(key_bindings.SESSION):
            keys = remapped.get(binding.id or "") or binding.key_display or binding.key
            rows.append((keys, LONG.get(binding.id or "", binding.description)))
        rows.append(("ctrl+q", "Quit (asks; the session is kept for resume)"))
        regions = ", ".join(f"{(i + 1) % 10} {name}" for i, name in enumerate(app.settings.regions))
        rows.append(("1-9, 0", f"Hands at region: {regions}"))
        rows.append(("1-9 after c", f"While the rhythm rate shows: {QUALITY_KEYS}"))
        toggle = " (press again to end; records how long)"
        notes = [(k.key, k.tag + (toggle if k.toggle else "")) for k in app.settings.note_keys]
        where = [
            ("config file", str(app.paths.config_file)),
            ("session logs", str(app.paths.sessions_dir)),
            ("error log", str(app.paths.error_log)),
        ]
        start = [
            (b.key_display or b.key, b.description)
            for b in key_bindings.bindings(key_bindings.START)
        ]
        start += [("f2", "Theme: dark room or daylight (remembered)"), ("ctrl+q", "Quit")]
        with VerticalScroll(classes="dialog help"):
            yield Static(_table("Session keys", rows))
            yield Static(_table("Start screen keys", start))
            yield Static(_table("Quick notes (one key each)", notes))
            yield Static(_table("Reviewing past sessions", _review(remapped)))
            yield Static(_table("Where things live", where, width=14))
            yield Static(Content.styled("escape closes this help", "dim"))

    def action_close(self) -> None:
        self.dismiss(None)


def _review(remapped: dict[str, str]) -> list[tuple[str, str]]:
    """The keys of the Sessions, timeline, client history and stats screens, as remapped."""
    rows: list[tuple[str, str]] = []
    for where, screen_keys in key_bindings.REVIEW_HELP:
        for b in key_bindings.bindings(screen_keys):
            if b.show and b.key != "escape":
                keys = remapped.get(b.id or "") or b.key_display or b.key
                rows.append((keys, f"{where}: {b.description}"))
    rows.append(("escape", "Back to the previous screen"))
    return rows


def _table(title: str, rows: list[tuple[str, str]], width: int = 12) -> Content:
    """A titled two-column list; built as Content so keys like [ are never read as markup.

    Tags, regions, remapped keys and paths come from the config: controls are shown as
    escapes (an ESC ] in a tag reached the terminal as the start of a title sequence).
    """
    lines = [Content.styled(title, "bold")]
    for key, what in rows:
        key, what = visible_controls(key, newlines=False), visible_controls(what, newlines=False)
        lines.append(Content.assemble(("  " + key.ljust(width), "bold"), " ", what))
    return Content("\n").join(lines)
