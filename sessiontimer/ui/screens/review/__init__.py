"""The screens that review past sessions: the list, a timeline, a client, stats, a note."""
