"""The screens of a session: Start, the running session, End."""
