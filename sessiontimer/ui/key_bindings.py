"""Every screen's key bindings, in one registry: the screens bind them, help lists them.

Help reads the keys from here, never from the screens (it imported six of them to do so).
A binding's ``id`` is what a user's ``[keys]`` remaps (core.config).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

# SessionScreen (session.py)
SESSION: list[BindingType] = [
    Binding("space", "pause", "Pause", id="pause"),
    Binding("right", "next", "Next", id="next"),
    Binding("left", "previous", "Prev", id="previous"),
    Binding("plus,equals_sign", "extend", "+1m", id="extend", key_display="+"),
    Binding("minus", "shorten", "-1m", id="shorten", key_display="-"),
    Binding("n", "note", "Note", id="note"),
    Binding("u", "undo", "Undo", id="undo"),
    Binding("U", "redo", "Redo", id="redo"),
    Binding("left_square_bracket", "volume(-1)", "Vol-", id="volume_down", key_display="["),
    Binding("right_square_bracket", "volume(1)", "Vol+", id="volume_up", key_display="]"),
    Binding("m", "mute", "Mute", id="mute"),
    Binding("d", "dim", "Dim", id="dim"),
    Binding("e", "end", "End", id="end"),
    Binding("question_mark", "help", "Help", id="help", key_display="?"),
    Binding("v", "pain", "Pain", id="pain"),
    Binding("c", "rhythm", "Rhythm", id="rhythm"),
    Binding("comma", "felt_at", "Felt", id="felt_at", key_display=","),
    Binding("apostrophe", "words", "Words", id="words", key_display="'"),
]

# StartScreen (start.py)
START: list[BindingType] = [
    Binding("enter", "start", "Start", id="start", priority=True),
    Binding("ctrl+t", "test_chime", "Test chime", id="test_chime"),
    Binding("ctrl+o", "toggle_last_visit", "Last visit", id="last_visit"),
    Binding("ctrl+l", "sessions", "Sessions", id="sessions"),
    # priority: the client field takes ctrl+e (end of line) for itself when it has the cursor
    Binding("ctrl+e", "presets", "Presets", id="presets", priority=True),
    Binding("f1", "help", "Help", id="start_help"),
]

# EndScreen (end.py)
END: list[BindingType] = [
    Binding("escape", "done", "Done without note", id="end_skip"),
    Binding("ctrl+s", "sign", "Save and sign", id="end_sign"),
    Binding("ctrl+t", "treatment_note", "Treatment note", id="end_treatment_note"),
]

# SessionsScreen (sessions.py)
SESSIONS: list[BindingType] = [
    Binding("escape", "back", "Back", id="sessions_back"),
    Binding("enter", "open", "Timeline", id="sessions_open", priority=True),
    Binding("f4", "history", "Client history", id="sessions_history"),
    Binding("f3", "stats", "Stats", id="sessions_stats"),
    Binding("ctrl+n", "page(1)", "Next page", id="sessions_next_page"),
    Binding("ctrl+p", "page(-1)", "Prev page", id="sessions_prev_page"),
    Binding("down", "to_table", show=False, id="sessions_to_table"),
]

# SessionDetailScreen (session_detail.py)
TIMELINE: list[BindingType] = [
    Binding("escape", "back", "Back", id="detail_back"),
    Binding("a", "amend", "Amend note", id="detail_amend"),
    Binding("t", "treatment_note", "Treatment note", id="detail_treatment_note"),
    Binding("f4", "history", "Client history", id="detail_history"),
    Binding("right_square_bracket", "page(1)", "More", id="detail_later", key_display="]"),
    Binding("left_square_bracket", "page(-1)", "Earlier events", id="detail_earlier", show=False),
]

# ClientHistoryScreen (client_history.py)
CLIENT_HISTORY: list[BindingType] = [
    Binding("escape", "back", "Back", id="history_back"),
    Binding("enter", "open", "Timeline", id="history_open", priority=True),
    Binding("r", "rename", "Rename / merge", id="history_rename"),
    Binding("x,delete", "delete", "Delete client", id="history_delete"),
]

# StatsScreen (stats.py)
STATS: list[BindingType] = [
    Binding("escape", "back", "Back", id="stats_back"),
    Binding("w", "period('4w')", "4 weeks", id="stats_4_weeks"),
    Binding("m", "period('3m')", "3 months", id="stats_3_months"),
    Binding("y", "period('12m')", "12 months", id="stats_12_months"),
    Binding("a", "period('all')", "All", id="stats_all"),
]

# TreatmentNoteScreen (treatment_note.py)
TREATMENT_NOTE: list[BindingType] = [
    Binding("c", "copy", "Copy", id="note_copy"),
    Binding("escape", "back", "Back", id="note_back"),
]

# What help lists under "Reviewing past sessions", screen by screen, in this order.
REVIEW_HELP: tuple[tuple[str, list[BindingType]], ...] = (
    ("Sessions", SESSIONS),
    ("Timeline", TIMELINE),
    ("Client history", CLIENT_HISTORY),
    ("Stats", STATS),
    ("End", END),
    ("Treatment note", TREATMENT_NOTE),
)


def bindings(keys: list[BindingType]) -> list[Binding]:
    """The Binding objects of a list (BINDINGS may also hold plain tuples)."""
    return [b for b in keys if isinstance(b, Binding)]
