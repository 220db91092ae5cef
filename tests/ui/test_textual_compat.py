"""Each private Textual name the app uses still exists and still means what we rely on."""

from __future__ import annotations

from textual import events

from sessiontimer.ui import textual_compat as compat


def test_the_key_parser_has_the_escape_deadline_we_sleep_until() -> None:
    parser = compat.XTermParser(False)
    assert compat.has_deadline(parser)
    assert compat.parser_deadline(parser) is None and compat.seconds_to_deadline(parser) is None
    assert list(parser.feed("\x1b")) == []  # a lone Escape waits for its deadline
    wait = compat.seconds_to_deadline(parser)
    assert wait is not None and 0 < wait <= 1.0
    deadline = compat.parser_deadline(parser)
    assert deadline is not None and deadline > compat.get_time() - 1


def test_the_parser_turns_text_into_keys() -> None:
    keys = [e for e in compat.XTermParser(False).feed("s") if isinstance(e, events.Key)]
    assert [k.key for k in keys] == ["s"]


def test_the_packet_stream_splits_data_and_meta() -> None:
    stream = compat.ByteStream()
    packet = b"D" + (2).to_bytes(4, "big") + b"hi" + b"M" + (2).to_bytes(4, "big") + b"{}"
    assert list(stream.feed(packet)) == [("D", b"hi"), ("M", b"{}")]


def test_the_web_driver_stops_its_input_loop_with_this_exception() -> None:
    assert issubclass(compat.ExitInput, Exception)


def test_the_app_keeps_its_driver_where_we_read_it() -> None:
    from textual.app import App

    app: App[None] = App()
    assert compat.app_driver(app) is None  # not started: no driver yet
    assert "_driver" in vars(app)
