"""Textual's drivers, waiting for input instead of polling it (terminal and browser)."""

from __future__ import annotations

from textual.driver import Driver


def our_driver(textual_choice: type[Driver]) -> type[Driver]:
    """The driver to run on: ours where Textual would use its Linux (and macOS) driver.

    Imported only when the app starts on a terminal, never by the served app or the tests'
    headless driver.
    """
    from textual.drivers.linux_driver import LinuxDriver

    if textual_choice is LinuxDriver:
        from sessiontimer.ui.drivers.terminal import KeyWaitLinuxDriver

        return KeyWaitLinuxDriver
    return textual_choice
