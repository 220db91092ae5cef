"""The garbage collector held off while the app starts, and frozen after its first frame.

Importing Textual and building the first screen allocate ~500k objects that live for the
whole run; the collector would walk them a hundred times before the first frame. The
launcher holds collection off (``hold``); the app freezes what start-up built and turns
collection back on once that frame is drawn (``release``). An app built in tests, never
held, is left alone.
"""

from __future__ import annotations

import gc


def hold() -> None:
    gc.disable()


def release() -> None:
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
