"""Reports from other threads reach the app's loop, and never break the thread that sends
them once the app has gone (seen: a cue's outcome after the app had exited killed the audio
thread with "Event loop is closed")."""

from __future__ import annotations

import asyncio
import threading

from sessiontimer.ui.session_flow import loop_hand_over


def test_a_report_runs_on_the_loop_and_one_after_the_loop_closed_is_dropped() -> None:
    loop = asyncio.new_event_loop()
    hand_over = loop_hand_over(loop)
    ran: list[str] = []
    errors: list[BaseException] = []

    def report(name: str) -> None:
        try:
            hand_over(lambda: ran.append(name))
        except BaseException as exc:
            errors.append(exc)

    sender = threading.Thread(target=report, args=("before",))
    sender.start()
    sender.join(5)
    loop.run_until_complete(asyncio.sleep(0))  # the loop takes the report in its next turn
    loop.close()
    late = threading.Thread(target=report, args=("after",))
    late.start()
    late.join(5)
    assert ran == ["before"]
    assert errors == []


def test_a_sound_ready_after_the_app_has_gone_does_not_break_the_audio_thread() -> None:
    """The start waits for the first cue's sound; if the app's loop closed first, the audio
    thread's "prepared" must not raise there (seen as an unhandled thread exception)."""
    from types import SimpleNamespace

    from sessiontimer.ui import service_glue

    ready: list[object] = []
    app = SimpleNamespace(
        pending_start=None,
        audio=SimpleNamespace(when_prepared=ready.append),
        set_timer=lambda delay, callback: SimpleNamespace(stop=lambda: None),
    )
    session = SimpleNamespace(engine=SimpleNamespace(started=False))

    async def start() -> None:
        service_glue.start_when_ready(app, session, None)  # type: ignore[arg-type]

    loop = asyncio.new_event_loop()
    loop.run_until_complete(start())
    loop.close()
    errors: list[BaseException] = []

    def sound_ready() -> None:
        try:
            ready[0]()  # type: ignore[operator]
        except BaseException as exc:
            errors.append(exc)

    audio_thread = threading.Thread(target=sound_ready)
    audio_thread.start()
    audio_thread.join(5)
    assert len(ready) == 1 and errors == []


def test_call_soon_says_whether_the_loop_took_the_work() -> None:
    """The served app's driver falls back to SIGHUP when the loop can no longer take its
    "connection lost"; that choice reads this answer."""
    from sessiontimer.ui.loop_calls import call_soon

    loop = asyncio.new_event_loop()
    ran: list[int] = []
    assert call_soon(loop, ran.append, 1) is True
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    assert call_soon(loop, ran.append, 2) is False
    assert ran == [1]
