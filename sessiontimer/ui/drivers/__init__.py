"""Textual's drivers, waiting for input instead of polling it (terminal and browser)."""
