"""Quick-note keys (key, tag, toggle) and the region names on the digit keys.

Same rules as presets: each change is validated by the real reader (a key that collides with a
session key is refused with the reader's reason) and saved atomically with a backup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from sessiontimer.config_edit import ConfigEditor
from sessiontimer.config_edit import notes as note_edits
from sessiontimer.core.model import NoteKey
from sessiontimer.ui import preset_actions
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.dialogs.presets import NoteKeyDialog
from sessiontimer.ui.plain_text import cells
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    pass

REGION_KEYS = "1234567890"


class NoteKeysScreen(AppScreen[None]):
    """The quick-note keys on the left, the ten regions on the right."""

    BINDINGS = [
        Binding("a", "add", "Add key", id="notes_add"),
        Binding("x,delete", "remove", "Remove", id="notes_remove"),
        Binding("t", "toggle_kind", "Toggle", id="notes_toggle"),
        Binding("ctrl+s", "save_regions", "Save regions", id="notes_save", priority=True),
        Binding("escape", "back", "Back", id="notes_back"),
    ]

    editor: ConfigEditor

    def compose(self) -> Any:
        with Vertical(id="notes-screen"):
            yield Static("Quick-note keys and regions", id="notes-title")
            with Horizontal(id="notes-body"):
                yield DataTable(id="note-table", cursor_type="row")
                with Vertical(id="region-form"):
                    yield Label("Regions on the digit keys (ctrl+s saves)")
                    for index, key in enumerate(REGION_KEYS):
                        with Horizontal(classes="field-row"):
                            yield Label(key, classes="region-key")
                            yield Input(id=f"region-{index}", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.editor = ConfigEditor(self.st_app.paths.config_file)
        self.query_one("#note-table", DataTable).add_columns("Key", "Tag", "Toggle")
        self.refresh_view()
        self.query_one("#note-table", DataTable).focus()

    @property
    def settings(self) -> Any:
        app = self.st_app
        return app.settings

    def refresh_view(self) -> None:
        table = self.query_one("#note-table", DataTable)
        row = table.cursor_row
        table.clear()
        for note in self.settings.note_keys:
            table.add_row(*cells((note.key, note.tag, "yes" if note.toggle else "")), key=note.key)
        table.move_cursor(row=min(row, max(0, table.row_count - 1)))
        regions = list(self.settings.regions)
        for index in range(len(REGION_KEYS)):
            value = regions[index] if index < len(regions) else ""
            self.query_one(f"#region-{index}", Input).value = value

    def reload_drafts(self) -> None:
        """After a reload from disk (the file changed elsewhere)."""
        self.refresh_view()

    def selected(self) -> NoteKey | None:
        notes = self.settings.note_keys
        table = self.query_one("#note-table", DataTable)
        return notes[table.cursor_row] if notes and table.row_count else None

    def _save(self, change: Any) -> None:
        preset_actions.apply_and_save(self, self.editor, change, self.reload_drafts)
        self.refresh_view()

    def _put(self, note: NoteKey | None, old: NoteKey | None = None) -> None:
        if note is None:
            return

        def change(doc: Any) -> None:
            if old is not None and old.key != note.key:
                note_edits.remove_note_key(doc, old.key)
            moved = old is None or old.key != note.key
            note_edits.set_note_key(doc, note.key, note.tag, note.toggle, replace=not moved)

        self._save(change)

    def action_add(self) -> None:
        self.app.push_screen(NoteKeyDialog(), self._put)

    @on(DataTable.RowSelected, "#note-table")
    def _edit(self) -> None:
        old = self.selected()
        if old is not None:
            self.app.push_screen(NoteKeyDialog(old), lambda new: self._put(new, old))

    def action_toggle_kind(self) -> None:
        note = self.selected()
        if note is not None:
            self._put(NoteKey(note.key, note.tag, not note.toggle), note)

    def action_remove(self) -> None:
        note = self.selected()
        if note is not None:
            self._save(lambda doc: note_edits.remove_note_key(doc, note.key))

    def action_save_regions(self) -> None:
        """Save once the focused field has taken every key typed before ctrl+s."""
        (self.focused or self).call_later(self._save_regions_now)

    def _save_regions_now(self) -> None:
        names = [self.query_one(f"#region-{i}", Input).value.strip() for i in range(10)]
        self._save(lambda doc: note_edits.set_regions(doc, [n for n in names if n]))

    def action_back(self) -> None:
        table = self.query_one("#note-table", DataTable)
        if self.focused is not table:
            table.focus()
        else:
            self.dismiss(None)
