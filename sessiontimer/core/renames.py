"""Whose session it is now: the one rule every reader follows for a client renamed later.

``logs rename`` (and the app's rename) append an ``amended`` line aimed at the
session_started line's id. Apart from the journal's schema (core/journal) so that review's
summaries, and with them every `logs list`, need not import the schema and the model.
"""

from __future__ import annotations

from typing import Any


def renamed_client(event: dict[str, Any], start_id: object) -> str | None:
    """The client name an ``amended`` line gives its session, or None if it renames nothing.

    ``logs rename`` (and the app's rename) append an ``amended`` line aimed at the
    session_started line's id; "" means the name was removed. Every reader follows this one
    rule, so `logs list`, the screens and the resume offer show the same, current name.
    """
    fields = event.get("fields")
    if event.get("type") != "amended" or not isinstance(fields, dict) or start_id is None:
        return None
    name = fields.get("client")
    return name if isinstance(name, str) and event.get("note") == start_id else None
