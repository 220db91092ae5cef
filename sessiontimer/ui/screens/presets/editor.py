"""The preset editor: phases in order, one phase's fields below, the real reader as the judge.

Each keystroke re-runs the config reader on the would-be file, so a message next to a field is
exactly what ``sessiontimer config check`` would say, and saving is refused while any remains.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Select, Static

from sessiontimer.config_edit import ON_END_CHOICES, SOUND_CHOICES, ConfigEditor, PhaseDraft
from sessiontimer.config_edit import presets as edits
from sessiontimer.core.config import ConfigError, parse_duration
from sessiontimer.core.readable import count, span
from sessiontimer.ui import preset_actions
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.plain_text import cells, plain, styled
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    pass

FIELDS = (
    ("name", "Name", "what the screen shows"),
    ("duration", "Length", '"10m", "1:30", or "open"'),
    ("on_end", "At the end", ""),
    ("start", "Start cue", "as set for the preset; or off, " + ", ".join(SOUND_CHOICES[:3])),
    ("warn_before", "Warning lead", 'as set for the preset; or off, or a length like "1m"'),
    ("interval_every", "Interval bell", 'as set for the preset; or off, or "10m"'),
    ("overtime_every", "Overtime every", 'hold phases: as set, off, or "5m"'),
)
_KEY = re.compile(r"^presets\[(\d+)\]\.phases\[(\d+)\](?:\.([a-z_]+))?")
_FIELD_OF_KEY = {"target": "duration", "duration": "duration", "on_end": "on_end", "name": "name"}


def shown(value: str) -> str:
    return value if value else "·"


@dataclass
class PreviewPlayed(Message):
    """What became of a previewed cue (the audio service's outcome)."""

    outcome: Any


class PresetEditorScreen(AppScreen[None]):
    """Edit one of the user's presets; ctrl+s saves through the validated writer."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="editor_save", priority=True),
        Binding("a", "add", "Add phase", id="editor_add"),
        Binding("x,delete", "remove", "Remove", id="editor_remove"),
        Binding("shift+up,alt+up", "move(-1)", "Move up", id="editor_move_up"),
        Binding("shift+down,alt+down", "move(1)", "Move down", id="editor_move_down"),
        Binding("p", "preview", "Hear cue", id="editor_preview"),
        Binding("escape", "escape", "Back", id="editor_back"),
    ]

    def __init__(self, editor: ConfigEditor, preset: str) -> None:
        super().__init__()
        self.editor, self.preset = editor, preset
        self.drafts: list[PhaseDraft] = edits.phase_drafts(editor.doc, preset)
        self.saved = copy.deepcopy(self.drafts)
        self.field_errors: dict[tuple[int, str], str] = {}
        self.other_errors: list[str] = []

    def compose(self) -> Any:
        with Vertical(id="editor-screen"):
            yield Static(id="editor-title")
            yield DataTable(id="phase-table", cursor_type="row")
            with Vertical(id="phase-form"):
                for field, label, hint in FIELDS:
                    with Horizontal(classes="field-row"):
                        yield Label(label, classes="field-label")
                        if field == "on_end":
                            options = [(c, c) for c in ON_END_CHOICES]
                            yield Select(options, allow_blank=False, id=f"f-{field}", compact=True)
                        else:
                            yield Input(placeholder=hint, id=f"f-{field}", compact=True)
                    yield Static(id=f"e-{field}", classes="field-error")
            yield Static(id="editor-problems")
            yield Static(
                "[b]a[/] add  [b]x[/] remove  [b]shift+↑↓[/] move  [b]enter[/] edit fields  "
                "[b]p[/] hear cue  [b]ctrl+s[/] save  [b]escape[/] back",
                id="editor-hint",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#phase-table", DataTable)
        table.add_columns(
            " ", "#", "Phase", "Length", "At end", "Start", "Warn", "Interval", "Overtime"
        )
        self.refresh_view()
        table.focus()

    # --- the view ---------------------------------------------------------------------------

    @property
    def selected(self) -> int:
        table = self.query_one("#phase-table", DataTable)
        return max(0, min(table.cursor_row, len(self.drafts) - 1))

    def refresh_view(self, row: int | None = None) -> None:
        """Validate, then redraw the table, the form of the selected phase and the messages."""
        self.validate()
        table = self.query_one("#phase-table", DataTable)
        row = self.selected if row is None else row
        table.clear()
        for index, d in enumerate(self.drafts):
            bad = "!" if any(i == index for i, _ in self.field_errors) else ""
            cues = tuple(map(shown, (d.start, d.warn_before, d.interval_every, d.overtime_every)))
            table.add_row(*cells((bad, str(index + 1), d.name, d.duration, d.on_end, *cues)))
        table.move_cursor(row=max(0, min(row, len(self.drafts) - 1)))
        self.fill_form()
        self.show_messages()

    def fill_form(self) -> None:
        if not self.drafts:
            return
        draft = self.drafts[self.selected]
        with self.prevent(Input.Changed, Select.Changed):
            for field, _, _ in FIELDS:
                value = getattr(draft, field)
                if field == "on_end":
                    select = self.query_one(f"#f-{field}", Select)
                    select.value = value if value in ON_END_CHOICES else "advance"
                else:
                    self.query_one(f"#f-{field}", Input).value = value

    def show_messages(self) -> None:
        total = sum(_seconds(d) for d in self.drafts)
        opened = any(d.on_end == "open" for d in self.drafts)
        star = " (unsaved)" if self.dirty else ""
        rest = f"{star}   total {span(total)}" + (" + open" if opened else "")
        self.query_one("#editor-title", Static).update(
            styled(
                "[b]$name[/]$rest",
                name=self.preset,
                rest=f"{rest}   {count(len(self.drafts), 'phase')}",
            )
        )
        for field, _, _ in FIELDS:
            message = self.field_errors.get((self.selected, field), "")
            widget = self.query_one(f"#e-{field}", Static)
            widget.update(plain(message))
            widget.display = bool(message)
        problems = self.query_one("#editor-problems", Static)
        problems.update(plain("\n".join(self.other_errors)))
        problems.display = bool(self.other_errors)

    @property
    def dirty(self) -> bool:
        return self.drafts != self.saved

    # --- validation by the real reader ------------------------------------------------------

    def validate(self) -> None:
        """Run the reader on the file as it would be saved; place each message at its field."""
        self.field_errors, self.other_errors = {}, []
        errors = self.editor.trial(lambda d: edits.set_phases(d, self.preset, self.drafts))
        here = edits.find_user(self.editor.doc, self.preset)
        for error in errors:
            placed = self._place(error, here)
            if placed is not None:
                self.field_errors.setdefault(placed, error.message)
        if not self.field_errors:
            self.other_errors = [str(e) for e in errors[:3]]
        elif any(i != self.selected for i, _ in self.field_errors):
            rows = sorted({i + 1 for i, _ in self.field_errors})
            self.other_errors = [f"Phases to fix (marked !): {', '.join(map(str, rows))}"]

    def _place(self, error: ConfigError, preset_index: int | None) -> tuple[int, str] | None:
        match = _KEY.match(error.key or "")
        if match is None or int(match[1]) != preset_index:
            return None
        key = match[3]
        if key in _FIELD_OF_KEY:
            field = _FIELD_OF_KEY[key]
        elif key in {f for f, _, _ in FIELDS}:
            field = key
        else:
            field = "duration" if "duration" in error.message else "name"
        return int(match[2]), field

    # --- editing ----------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._set_field(event.input.id, event.value)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        self._set_field(event.select.id, str(event.value))

    def _set_field(self, widget_id: str | None, value: str) -> None:
        if not widget_id or not self.drafts:
            return
        field = widget_id.removeprefix("f-")
        draft = self.drafts[self.selected]
        if getattr(draft, field) != value:
            setattr(draft, field, value)
            self._redraw_keep_focus()

    def _redraw_keep_focus(self) -> None:
        focused = self.focused
        self.refresh_view()
        if focused is not None:
            focused.focus()

    @on(DataTable.RowHighlighted, "#phase-table")
    def _highlighted(self) -> None:
        self.fill_form()
        self.show_messages()

    @on(DataTable.RowSelected, "#phase-table")
    def _selected_row(self) -> None:
        self.query_one("#f-name", Input).focus()

    def action_add(self) -> None:
        at = self.selected + 1 if self.drafts else 0
        self.drafts.insert(at, PhaseDraft(name="new phase", duration="5m"))
        self.refresh_view(at)
        # The table keeps the keys: in the Name field a second `a` would rename the phase.
        self.query_one("#phase-table", DataTable).focus()

    def action_remove(self) -> None:
        if len(self.drafts) <= 1:
            self.notify("A preset needs at least one phase.", severity="warning")
            return
        at = self.selected
        del self.drafts[at]
        self.refresh_view(min(at, len(self.drafts) - 1))

    def action_move(self, delta: int) -> None:
        at, to = self.selected, self.selected + delta
        if 0 <= to < len(self.drafts):
            self.drafts[at], self.drafts[to] = self.drafts[to], self.drafts[at]
            focused = self.focused
            self.refresh_view(to)
            if focused is not None:
                focused.focus()

    def action_preview(self) -> None:
        """Play the selected phase's start cue as the session would (after the reader)."""
        app = self.st_app
        settings, _errors = self.editor.dry_run(
            lambda d: edits.set_phases(d, self.preset, self.drafts)
        )
        if settings is None:
            self.notify("Fix the marked fields first, then the cue can be heard.")
            return
        cue = settings.preset(self.preset).phases[self.selected].cues.start
        if cue is None:
            self.notify("This phase's start cue is off.")
            return
        state = app.ui_state
        app.audio.play(cue, state.volume, app.muted, self._preview_result)

    def _preview_result(self, outcome: Any) -> None:
        """Called by the audio service, from its thread or this one: a message serves both."""
        self.post_message(PreviewPlayed(outcome))

    def on_preview_played(self, message: PreviewPlayed) -> None:
        outcome = message.outcome
        if getattr(outcome, "outcome", "") == "failed":
            self.notify(f"The cue could not play: {getattr(outcome, 'message', '')}")

    def action_save(self) -> None:
        """Save once the focused field has taken every key typed before ctrl+s (a priority key
        can overtake them)."""
        (self.focused or self).call_later(self._save_now)

    def _save_now(self) -> None:
        self.validate()
        if self.field_errors or self.other_errors:
            self.show_messages()
            self.notify("Not saved: fix the marked fields first.", severity="warning")
            return
        drafts = copy.deepcopy(self.drafts)
        if preset_actions.apply_and_save(
            self,
            self.editor,
            lambda d: edits.set_phases(d, self.preset, drafts),
            self.reload_drafts,
        ):
            self.reload_drafts()
            self.notify(f'Saved "{self.preset}".', timeout=3)

    def reload_drafts(self) -> None:
        """Start again from the file (after a save or a reload from disk)."""
        try:
            self.drafts = edits.phase_drafts(self.editor.doc, self.preset)
        except edits.PresetNotFound:
            self.notify(f'"{self.preset}" is no longer in your config file.', severity="warning")
            self.dismiss(None)
            return
        self.saved = copy.deepcopy(self.drafts)
        self.refresh_view()

    def action_escape(self) -> None:
        table = self.query_one("#phase-table", DataTable)
        if self.focused is not table:
            table.focus()
            return
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.st_app.confirm("Leave without saving your changes to this preset?", answered)


def _seconds(draft: PhaseDraft) -> float:
    """The draft's target in seconds for the live total; 0 while it is not a valid length."""
    try:
        return parse_duration(draft.duration.strip()) or 0.0
    except ValueError:
        return 0.0
