"""A stand-in for the app behind the server: textual-serve's packet protocol, nothing else.

It announces itself, echoes every stdin packet back as screen data (prefixed with its pid),
answers the reattach meta with "REPAINT", writes 25 MB of screen data on "flood", and on the
leave meta (or SIGHUP) writes "leave <pid>" (or "hup <pid>") to the file named by
$FAKE_APP_LOG and exits, as the real app suspends its session. With $FAKE_APP_STUBBORN it
ignores both, so the server has to kill it. It starts a child that would outlive it unless
its process group is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

log_path = os.environ["FAKE_APP_LOG"]


def note(text: str) -> None:
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(text + "\n")


def send(kind: bytes, payload: bytes) -> None:
    os.write(1, kind + len(payload).to_bytes(4, "big") + payload)


def on_hup(signum: int, frame: object) -> None:
    note(f"hup {os.getpid()}")
    if not os.environ.get("FAKE_APP_STUBBORN"):
        os._exit(0)


signal.signal(signal.SIGHUP, on_hup)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
note(f"start {os.getpid()} child {child.pid} served={os.environ.get('SESSIONTIMER_SERVED')}")
os.write(1, b"__GANGLION__\n")
buffer = b""
while True:
    data = os.read(0, 65536)
    if not data:
        note(f"eof {os.getpid()}")
        break
    buffer += data
    while len(buffer) >= 5:
        size = int.from_bytes(buffer[1:5], "big")
        if len(buffer) < 5 + size:
            break
        kind, payload, buffer = buffer[:1], buffer[5 : 5 + size], buffer[5 + size :]
        if kind == b"D":
            if payload == b"quit":
                send(b"M", json.dumps({"type": "exit"}).encode())
                time.sleep(0.05)
                sys.exit(0)
            if payload == b"flood":  # a big redraw: the app must never wait on a slow tab
                for _ in range(400):
                    send(b"D", b"x" * 65536)
                note(f"flood done {os.getpid()}")
                continue
            if payload == b"cue":
                meta = {"type": "sessiontimer.cue", "sound": "soft-bell", "volume": 0.5}
                send(b"M", json.dumps(meta).encode())
                continue
            send(b"D", f"{os.getpid()}:".encode() + payload)
        elif kind == b"M" and json.loads(payload).get("type") == "sessiontimer.reattached":
            send(b"D", b"REPAINT")
        elif kind == b"M" and json.loads(payload).get("type") == "sessiontimer.leave":
            note(f"leave {os.getpid()}")
            time.sleep(float(os.environ.get("FAKE_APP_LEAVE_SECONDS", "0")))  # suspending
            if not os.environ.get("FAKE_APP_STUBBORN"):
                sys.exit(0)
