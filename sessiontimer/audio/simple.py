"""simpleaudio, played in a worker process that may crash without taking the app down.

A crashed worker is restarted at once. A cue the worker had not confirmed as started is sent
again to the new worker; a cue it had confirmed is not, so a crash after the sound began never
makes it ring twice. A worker that stops answering (hung in a device call, stopped) is
treated as crashed: a play it has not answered within ``answer_timeout`` gets it killed and
replaced, so cues never go unheard with no word. After ``max_crashes`` crashes the backend
gives up and every waiting cue fails, which makes the service move on to the next backend;
the service's periodic retry calls :meth:`revive` to try again later.
"""

from __future__ import annotations

import heapq
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from sessiontimer.audio.base import Done, PlayJob, PlayResult
from sessiontimer.audio.sound import ScaledSound

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
Restarted = Callable[[str, float], None]  # (why it died, seconds until the new one was ready)


@dataclass
class _Pending:
    job: PlayJob
    done: Done
    started: bool = False


def _onset(text: str) -> float:
    """The onset the worker told ("started N T"), or now if it told none."""
    try:
        return float(text)
    except ValueError:
        return time.monotonic()


def _describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


class SimpleaudioWorkerBackend:
    """Plays through ``python -m sessiontimer.audio.worker`` (simpleaudio in a subprocess)."""

    name = "simpleaudio"
    schedules = True  # a job's ``at`` is kept by the worker (see its docstring)

    def __init__(
        self, max_crashes: int = 3, ready_timeout: float = 5.0, answer_timeout: float = 3.0
    ) -> None:
        self.max_crashes = max_crashes
        self.ready_timeout = ready_timeout
        self.answer_timeout = answer_timeout  # a play unanswered this long: the worker hung
        self.on_restart: Restarted | None = None
        self.on_broken: Callable[[str], None] | None = None  # gave up: the service moves on
        self.crashes = 0
        self.sent: list[int] = []  # ids of play commands written, in order (replays repeat)
        self._proc: subprocess.Popen[bytes] | None = None
        self._pending: dict[int, _Pending] = {}
        self._withdrawn: dict[int, _Pending] = {}  # cancelled ahead: until "done", never replayed
        self._cond = threading.Condition(threading.RLock())
        self._broken: str | None = None
        self._closing = False
        self._hung: subprocess.Popen[bytes] | None = None  # killed for not answering
        self._watchdog = _Watchdog()

    @property
    def pid(self) -> int | None:
        """The worker's process id (for tests and the benchmark)."""
        return self._proc.pid if self._proc is not None else None

    def unavailable(self) -> str | None:
        if self._broken:
            return self._broken
        if importlib.util.find_spec("simpleaudio") is None:  # never imported in the app itself
            return "simpleaudio is not installed"
        return None

    def revive(self) -> None:
        """Give a backend that gave up another chance (the service's periodic retry)."""
        with self._cond:
            if self._broken and not self._closing and self._proc is None:
                self._broken, self.crashes = None, 0

    def start(self) -> str | None:
        with self._cond:
            if self._closing:
                return "the audio worker was closed"
            if self._broken or self._proc is not None:  # a crash is the reader's to handle
                return self._broken
            error = self._spawn()
            if error:
                self._broken = error
            return error

    def _spawn(self) -> str | None:
        """Start a worker and wait for "ready" (held under the lock: plays wait for it)."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        cmd = [sys.executable, "-s", "-m", "sessiontimer.audio.worker"]
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError as exc:
            return f"the audio worker could not start ({exc})"
        assert proc.stdout is not None
        first = _ReadyLine(proc.stdout)
        line = first.wait(self.ready_timeout)
        if line != "ready":
            proc.kill()
            proc.wait()
            return (line or "the audio worker did not answer").removeprefix("error 0 ")
        self._proc = proc
        threading.Thread(target=self._read, args=(proc,), daemon=True, name="audio-reader").start()
        self._watchdog.begin()
        return None

    def preload(self, sound: ScaledSound) -> None:
        self._send({"cmd": "load", "path": str(sound.wav)})

    def play(self, job: PlayJob, done: Done) -> None:
        with self._cond:
            if self._broken:
                done(PlayResult(None, self._broken))
                return
            if self._proc is None and self.start():
                done(PlayResult(None, self._broken))
                return
            self._pending[job.id] = _Pending(job, done)
            self._send_play(job)

    def play_now(self, job: PlayJob, done: Done) -> bool:
        """Send ``job`` from the caller's thread if the worker is running and free: a pipe
        write. False (nothing sent) when it is starting, restarting or broken: the caller
        then queues the cue as usual, so the UI never waits here."""
        if not self._cond.acquire(blocking=False):
            return False
        try:
            if self._broken or self._closing or self._proc is None:
                return False
            self._pending[job.id] = _Pending(job, done)
            self._send_play(job)
            return True
        finally:
            self._cond.release()

    def cancel(self, play_id: int) -> None:
        """Drop a cue handed over ahead if it has not begun (else it fades): no answer."""
        with self._cond:
            pending = self._pending.pop(play_id, None)
            if pending is None:
                return
            if not pending.started:  # too late to drop, it fades: its "started" still counts
                self._withdrawn[play_id] = pending
            self._cond.notify_all()
        self._send({"cmd": "cancel", "id": play_id})

    def _send_play(self, job: PlayJob) -> None:
        self.sent.append(job.id)
        cmd: dict[str, object] = {"cmd": "play", "id": job.id, "path": str(job.sound.wav)}
        if job.at is not None:
            cmd["at"] = job.at
        self._send(cmd)
        self._watchdog.watch(self.answer_timeout, partial(self._unanswered, job.id, self._proc))

    def _unanswered(self, play_id: int, proc: subprocess.Popen[bytes] | None) -> None:
        """No "started" nor "error" in time: the worker hung. Kill it; the reader restarts it
        and sends the cue again, as after a crash."""
        with self._cond:
            pending = self._pending.get(play_id)
            if proc is None or proc is not self._proc or pending is None or pending.started:
                return
            self._hung = proc
        proc.kill()

    def _send(self, cmd: dict[str, object]) -> None:
        with self._cond:
            stdin: IO[bytes] | None = self._proc.stdin if self._proc else None
            if stdin is None:
                return
            try:
                stdin.write(json.dumps(cmd).encode() + b"\n")
                stdin.flush()
            except OSError:
                pass  # the worker died; the reader sees EOF and replays what did not start

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        """Blocking reads of the worker's replies until EOF, then handle the crash."""
        assert proc.stdout is not None
        for raw in iter(proc.stdout.readline, b""):
            self._on_line(raw.decode(errors="replace").strip())
        code = proc.wait()
        callbacks: list[Callable[[], None]] = []
        with self._cond:
            if not self._closing and proc is self._proc:
                why = _describe_exit(code)
                if proc is self._hung:
                    why = f"it did not answer for {self.answer_timeout:g} s"
                callbacks = self._on_crash(why)
        for callback in callbacks:  # outside the lock: they may call back into the service
            callback()

    def _on_line(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        id_text, _, message = rest.partition(" ")
        if not id_text.isdigit():
            return
        callback: Callable[[], None] | None = None
        with self._cond:
            pending = self._pending.get(int(id_text))
            if pending is None:
                late = self._withdrawn.pop(int(id_text), None)  # an answer, once, then gone
                if late is not None and word == "started":
                    callback = partial(late.done, PlayResult(_onset(message)))
            elif word == "started":
                pending.started = True
                callback = partial(pending.done, PlayResult(_onset(message)))
            elif word in ("done", "error"):
                del self._pending[int(id_text)]
                self._cond.notify_all()
                if word == "error":
                    error = message or "the audio worker could not play it"
                    callback = partial(pending.done, PlayResult(None, error))
        if callback is not None:
            callback()

    def _on_crash(self, why: str) -> list[Callable[[], None]]:
        """Restart the worker and replay what never started, or give up after too many."""
        self.crashes += 1
        self._proc = None
        unstarted = [p for p in self._pending.values() if not p.started]
        cut = [p.job.on_lost for p in self._pending.values() if p.started and p.job.on_lost]
        lost: list[Callable[[], None]] = [
            partial(f, f"cut short: the audio worker stopped ({why})") for f in cut
        ]
        self._pending.clear()
        self._withdrawn.clear()
        self._cond.notify_all()
        t0 = time.monotonic()
        error = None if self.crashes >= self.max_crashes else self._spawn()
        if self.crashes >= self.max_crashes or error:
            self._broken = f"the audio worker crashed {self.crashes} times ({why})"
            if error:
                self._broken += f" and could not restart: {error}"
            failed = PlayResult(None, self._broken)
            callbacks: list[Callable[[], None]] = [partial(p.done, failed) for p in unstarted]
            if self.on_broken is not None:
                callbacks.insert(0, partial(self.on_broken, self._broken))
            return lost + callbacks
        seconds = time.monotonic() - t0
        for p in unstarted:
            self._pending[p.job.id] = p
            self._send_play(p.job)
        on_restart = self.on_restart
        return lost + ([partial(on_restart, why, seconds)] if on_restart else [])

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending, timeout)

    def close(self) -> None:
        self._watchdog.stop()
        with self._cond:
            self._closing = True
            proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.write(b'{"cmd": "quit"}\n')
                proc.stdin.close()
            proc.wait(timeout=1.0)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()


class _Watchdog:
    """Runs each check at its deadline on one thread, started with the worker (so arming a
    check, even from the UI's thread, never waits for a new thread to start)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._count = 0
        self._thread: threading.Thread | None = None
        self._stopped = False

    def watch(self, seconds: float, check: Callable[[], None]) -> None:
        with self._cond:
            if self._stopped:
                return
            self._count += 1
            heapq.heappush(self._heap, (time.monotonic() + seconds, self._count, check))
            self._cond.notify()
        self.begin()

    def begin(self) -> None:
        """Start the thread if it is not running (the worker's start calls this)."""
        with self._cond:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, daemon=True, name="watchdog")
                self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    self._cond.wait(self._heap[0][0] - time.monotonic() if self._heap else None)
                if self._stopped:
                    return
                _, _, check = heapq.heappop(self._heap)
            check()


class _ReadyLine:
    """Reads the worker's first line in a thread, so waiting for it can time out."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._line: str | None = None
        self._event = threading.Event()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        self._line = stream.readline().decode(errors="replace").strip()
        self._event.set()

    def wait(self, timeout: float) -> str | None:
        self._event.wait(timeout)
        return self._line
