"""The playback worker: ``python -m sessiontimer.audio.worker``.

simpleaudio's C code has crashed processes before (1.0.4 segfaults on Python 3.12+), so it
runs here, in its own process, never in the app. The protocol is one JSON object per line on
stdin and one reply per line on stdout:

    {"cmd": "load", "path": P}            warm the cache (no reply)
    {"cmd": "play", "id": N, "path": P}   -> "started N T", later "done N"; or "error N message"
    {"cmd": "play", "id": N, "path": P, "at": A}   the same, heard at A (see below)
    {"cmd": "cancel", "id": N}            drop N if not yet heard, else fade it; -> "done N"
    {"cmd": "quit"}                       stop everything and exit (EOF on stdin does the same)

At start the worker prints "ready", or "error 0 message" if simpleaudio cannot be used. On
Linux the sounds are streamed to the same ALSA device through ``alsa_stream`` (piece by piece,
so that a sound cut short by quit or by a newer cue fades out over 200 ms instead of clicking);
elsewhere simpleaudio plays them. ``T`` is the sound's onset (``time.monotonic()``, one clock
for every process on Linux). A play with ``at`` comes ahead of its moment: on Linux the
stream opens the device at once and writes silence up to ``A`` on the device's clock
(``alsa_stream``), so the onset does not wait on this process being scheduled; elsewhere a
timer starts it at ``A``. A newer cue fades the one still sounding at its own onset. It never
polls: the main thread blocks reading stdin, and a
reaper thread sleeps until the next sound's nominal end (indefinitely when nothing plays). It
refuses network sockets.
"""

from __future__ import annotations

import heapq
import json
import signal
import sys
import threading
import time
import wave

TYPE_CHECKING = False  # typing is not imported at run time: it adds ~5 ms to a restart
if TYPE_CHECKING:
    from typing import Any

_out_lock = threading.Lock()


def reply(line: str) -> None:
    """Write one reply line; the lock keeps lines from the two threads whole."""
    with _out_lock:
        sys.stdout.write(line.replace("\n", " ") + "\n")
        sys.stdout.flush()


def _forbid_network() -> None:
    """An audit hook that makes any IP socket fail: the worker has no business on a network."""

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "socket.__new__" and len(args) > 1 and args[1] in (2, 10):  # AF_INET(6)
            raise RuntimeError("sessiontimer's audio worker opens no network sockets")

    sys.addaudithook(hook)


class Reaper:
    """Reports "done" for each sound once it has finished, without polling when idle."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Any]] = []
        threading.Thread(target=self._run, daemon=True, name="reaper").start()

    def add(self, play_id: int, obj: Any, seconds: float) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + seconds, play_id, obj))
            self._cond.notify()

    def busy(self) -> bool:
        with self._cond:
            return any(obj.is_playing() for _, _, obj in self._heap)

    def cancel(self, play_id: int) -> None:
        """Drop a sound not yet heard (a scheduled one), or fade it out; "done" soon."""
        with self._cond:
            found = [obj for _, i, obj in self._heap if i == play_id]
            soon = time.monotonic() + 0.3
            self._heap = [(min(e, soon) if i == play_id else e, i, o) for e, i, o in self._heap]
            heapq.heapify(self._heap)
            self._cond.notify()
        for obj in found:
            obj.stop()

    def stop_all(self, wait: float = 0.0, keep: Any = None) -> None:
        """Stop (a stream: fade out) every sound but ``keep``; wait up to ``wait`` s."""
        with self._cond:
            playing = [obj for _, _, obj in self._heap if obj is not keep]
            soon = time.monotonic() + 0.3  # a fade's length: "done" then, not at the old end
            self._heap = [
                (end if obj is keep else min(end, soon), i, obj) for end, i, obj in self._heap
            ]
            heapq.heapify(self._heap)
            self._cond.notify()
        for obj in playing:
            obj.stop()
        for obj in playing:
            if wait > 0 and hasattr(obj, "wait_done"):
                obj.wait_done(wait)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()  # idle: sleeps until a sound is added
                end, play_id, obj = self._heap[0]
                delay = end - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                if obj.is_playing():  # the device runs a little behind the nominal length
                    heapq.heappush(self._heap, (time.monotonic() + 0.02, play_id, obj))
                    continue
            reply(f"done {play_id}")


class Player:
    """Loads WAV files once and plays them with simpleaudio."""

    def __init__(self, sa: Any, alsa: Any = None) -> None:
        self._sa = sa
        self._alsa = alsa  # libasound through ctypes: sounds that can fade (Linux)
        self._cache: dict[str, tuple[bytes, int, int]] = {}
        self._reaper = Reaper()

    def _start(
        self, play_id: int, frames: bytes, channels: int, rate: int, at: float | None
    ) -> Any:
        if self._alsa is None:
            if at is not None and at > time.monotonic():
                return _Later(self._sa, play_id, frames, channels, rate, at)
            obj = self._sa.play_buffer(frames, channels, 2, rate)
            reply(f"started {play_id} {time.monotonic():.6f}")
            return obj
        from sessiontimer.audio.alsa_stream import AlsaStream

        holder: list[Any] = []

        def heard() -> None:
            stream = holder[0] if holder else None
            if stream is not None and stream.cancelled:
                return  # dropped before its onset: it never sounded
            if at is not None:  # a newer cue: the one still sounding fades as this begins
                self._reaper.stop_all(keep=stream)
            reply(f"started {play_id} {stream.onset if stream else time.monotonic():.6f}")

        def onset(when: float) -> None:
            wait = when - time.monotonic()  # a planned sound is told at its onset, not ahead
            if wait <= 0:
                heard()
                return
            timer = threading.Timer(wait, heard)
            timer.daemon = True
            timer.start()

        def failed(why: str) -> None:
            reply(f"error {play_id} {why}")

        stream = AlsaStream(self._alsa, frames, channels, rate, at, onset, failed)
        holder.append(stream)
        return stream

    def load(self, path: str) -> tuple[bytes, int, int]:
        if path not in self._cache:
            with wave.open(path, "rb") as w:
                frames = w.readframes(w.getnframes())
                self._cache[path] = (frames, w.getnchannels(), w.getframerate())
        return self._cache[path]

    def play(self, play_id: int, path: str, at: float | None = None) -> None:
        try:
            frames, channels, rate = self.load(path)
            if self._alsa is not None and at is None:
                self._reaper.stop_all()  # a newer cue: the one still sounding fades out
            try:
                obj = self._start(play_id, frames, channels, rate, at)
            except Exception:
                if not self._reaper.busy():
                    raise
                self._reaper.stop_all(wait=0.5)  # a device without mixing: make room, retry
                obj = self._start(play_id, frames, channels, rate, at)
        except Exception as exc:
            reply(f"error {play_id} {exc}")
            return
        wait = max(0.0, at - time.monotonic()) if at is not None else 0.0
        self._reaper.add(play_id, obj, wait + len(frames) / (2 * channels * rate))

    def cancel(self, play_id: int) -> None:
        self._reaper.cancel(play_id)

    def stop(self) -> None:
        """Quit: every sound fades out (streams) before the worker exits; bounded."""
        self._reaper.stop_all(wait=1.0)


class _Later:
    """A scheduled sound where there is no ALSA stream: simpleaudio started by a timer at
    its moment (the onset then waits on this process being scheduled)."""

    def __init__(self, sa: Any, play_id: int, frames: bytes, ch: int, rate: int, at: float) -> None:
        self._sa, self._id, self._args = sa, play_id, (frames, ch, 2, rate)
        self._lock = threading.Lock()
        self._obj: Any = None
        self._dropped = False
        self._timer = threading.Timer(max(0.0, at - time.monotonic()), self._go)
        self._timer.daemon = True
        self._timer.start()

    def _go(self) -> None:
        with self._lock:
            if self._dropped:
                return
            try:
                self._obj = self._sa.play_buffer(*self._args)
            except Exception as exc:
                self._dropped = True
                reply(f"error {self._id} {exc}")
                return
        reply(f"started {self._id} {time.monotonic():.6f}")

    def is_playing(self) -> bool:
        with self._lock:
            if self._obj is None:
                return not self._dropped
            return bool(self._obj.is_playing())

    def stop(self) -> None:
        with self._lock:
            self._dropped = True
            self._timer.cancel()
            obj = self._obj
        if obj is not None:
            obj.stop()


def serve(player: Player) -> None:
    """Read commands until EOF or quit; a bad line gets an error reply, never a crash."""
    for raw in iter(sys.stdin.buffer.readline, b""):
        try:
            cmd = json.loads(raw)
            kind = cmd["cmd"]
            if kind == "play":
                at = cmd.get("at")
                player.play(int(cmd["id"]), str(cmd["path"]), None if at is None else float(at))
            elif kind == "cancel":
                player.cancel(int(cmd["id"]))
            elif kind == "load":
                player.load(str(cmd["path"]))
            elif kind == "quit":
                break
            else:
                reply(f"error 0 unknown command {kind!r}")
        except Exception as exc:
            reply(f"error 0 bad command: {exc}")
    player.stop()


def main() -> int:
    """Start: refuse the network, ignore ctrl+c (the app owns it), load simpleaudio, serve."""
    _forbid_network()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.setswitchinterval(0.001)  # the stream's thread starts a sound: no 5 ms wait for it
    try:
        import simpleaudio  # type: ignore[import-untyped,unused-ignore]
    except Exception as exc:
        reply(f"error 0 simpleaudio cannot be loaded: {exc}")
        return 1
    from sessiontimer.audio import alsa_stream

    reply("ready")
    serve(Player(simpleaudio, alsa_stream.load()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
