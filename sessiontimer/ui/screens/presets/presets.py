"""Presets: the list (built-in and the user's), and the edits that need no phase editor.

Every change goes through :class:`ConfigEditor` (validated by the real reader, written
atomically with a backup); the app's settings are reloaded from the file after each save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from sessiontimer.config_edit import (
    ConfigEditor,
)
from sessiontimer.config_edit import presets as edits
from sessiontimer.core.model import Preset
from sessiontimer.core.readable import span
from sessiontimer.ui import navigation, preset_actions
from sessiontimer.ui.app_screen import AppScreen
from sessiontimer.ui.dialogs.presets import NameDialog
from sessiontimer.ui.plain_text import cells
from sessiontimer.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    pass


DEFAULT_MARK = "★"


def preset_total(preset: Preset) -> str:
    return span(preset.planned_seconds) + (" + open" if preset.has_open_phase else "")


class PresetsScreen(AppScreen[None]):
    """Every preset with its total; duplicate, create, rename, delete, mark the default."""

    BINDINGS = [
        Binding("enter,e", "edit", "Edit", id="presets_edit"),
        Binding("c", "duplicate", "Duplicate", id="presets_duplicate"),
        Binding("n", "new", "New", id="presets_new"),
        Binding("r", "rename", "Rename", id="presets_rename"),
        Binding("delete,x", "delete", "Delete", id="presets_delete"),
        Binding("d", "default", "Default", id="presets_default"),
        Binding("k", "note_keys", "Note keys", id="presets_note_keys"),
        Binding("escape", "back", "Back", id="presets_back"),
    ]

    editor: ConfigEditor

    def compose(self) -> Any:
        with Vertical(id="presets-screen"):
            yield Static("Presets", id="presets-title")
            yield DataTable(id="preset-table", cursor_type="row", zebra_stripes=False)
            yield Static(
                "[b]enter[/] edit  [b]c[/] duplicate  [b]n[/] new  [b]r[/] rename  "
                "[b]x[/] delete  [b]d[/] default  [b]k[/] note keys  [b]escape[/] back",
                id="presets-hint",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.editor = ConfigEditor(self.st_app.paths.config_file)
        table = self.query_one("#preset-table", DataTable)
        table.add_columns(" ", "Preset", "Total", "Phases", "Whose")
        self.refresh_view()
        table.focus()

    @property
    def app_settings(self) -> Any:
        return self.st_app.settings

    def is_users(self, name: str) -> bool:
        return self.editor.exists and edits.find_user(self.editor.doc, name) is not None

    def refresh_view(self, select: str | None = None) -> None:
        """Rebuild the table from the app's settings, keeping (or moving) the cursor."""
        table = self.query_one("#preset-table", DataTable)
        current = select or self.selected_name()
        table.clear()
        settings = self.app_settings
        for preset in settings.presets:
            mark = DEFAULT_MARK if preset.name == settings.default_preset else ""
            whose = "yours" if self.is_users(preset.name) else "built-in"
            row = (mark, preset.name, preset_total(preset), str(len(preset.phases)), whose)
            table.add_row(*cells(row), key=preset.name)
        names = [p.name for p in settings.presets]
        if current in names:
            table.move_cursor(row=names.index(current))

    def selected_name(self) -> str | None:
        table = self.query_one("#preset-table", DataTable)
        if table.row_count == 0:
            return None
        presets = self.app_settings.presets
        return str(presets[min(table.cursor_row, len(presets) - 1)].name)

    def _ask(self, question: str, value: str, then: Callable[[str], object]) -> None:
        def answered(name: str | None) -> None:
            if name:
                then(name)

        self.app.push_screen(NameDialog(question, value), answered)

    def _change(self, change: Callable[[Any], Any], select: str | None = None) -> bool:
        done = preset_actions.apply_and_save(self, self.editor, change, self.refresh_view)
        self.refresh_view(select if done else None)
        return done

    @on(DataTable.RowSelected, "#preset-table")
    def _row_selected(self) -> None:
        self.action_edit()  # the table takes enter before the screen's binding sees it

    def action_edit(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        if not self.is_users(name):
            self.notify(f'"{name}" is built in: press c to make your own copy, then edit that.')
            return
        navigation.preset_editor(self.app, self.editor, name, lambda _: self.refresh_view())

    def action_duplicate(self) -> None:
        name = self.selected_name()
        if name is not None:
            self._ask(
                f'A copy of "{name}", named:',
                f"{name} (mine)",
                lambda new: self._change(lambda d: edits.duplicate_preset(d, name, new), new),
            )

    def action_new(self) -> None:
        self._ask(
            "A new preset, named:",
            "",
            lambda new: self._change(lambda d: edits.add_preset(d, new), new),
        )

    def action_rename(self) -> None:
        name = self.selected_name()
        if name is None or not self._own(name, "renamed"):
            return
        self._ask(
            f'Rename "{name}" to:',
            name,
            lambda new: self._change(lambda d: edits.rename_preset(d, name, new), new),
        )

    def action_delete(self) -> None:
        name = self.selected_name()
        if name is None or not self._own(name, "deleted"):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(lambda d: edits.delete_preset(d, name))

        self.st_app.confirm(f'Delete the preset "{name}" from your config file?', answered)

    def action_default(self) -> None:
        name = self.selected_name()
        if name is not None:
            self._change(lambda d: edits.set_default(d, name), name)

    def _own(self, name: str, what: str) -> bool:
        if self.is_users(name):
            return True
        self.notify(f'"{name}" is built in and cannot be {what}; press c to make your own copy.')
        return False

    def on_screen_resume(self) -> None:
        """Back from a dialog or another editor: start from the file as it is now."""
        if getattr(self, "editor", None) is not None and not self.editor.dirty:
            self.editor.reload()
            self.refresh_view()

    def action_note_keys(self) -> None:
        navigation.note_keys(self.app)

    def action_back(self) -> None:
        self.dismiss(None)
