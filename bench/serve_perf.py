"""``sessiontimer serve`` against the terminal app: page load, key to note, idle CPU.

Runs, side by side: the terminal app in tmux (100x30, "Craniosacral 60") and the served app
(``sessiontimer serve`` on 127.0.0.1, one headless Chromium tab, Debian's chromium through
Playwright). Measures page load (navigation with the key to the Start screen drawn in the
tab), key to note (a key pressed in the page to its line in the journal, and to "Saved"
drawn in the page), and idle CPU of both app processes over the same windows, first while a
session runs, then paused, with the wake-ups of the served app's input thread
(``textual-input``, its context switches) in each window. The server's and the browser's own
CPU are printed apart (on a tablet the browser is the tablet's). Needs tmux, chromium and
playwright. Run: ``.venv/bin/python bench/serve_perf.py`` (``--window S``, ``--notes N``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import ui_perf  # noqa: E402  (the tmux helpers and the CPU reader)

from tests.serve.served_app import ServedApp, journal_events  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KEYS = "rfhtpbgl"


def wakeups(pid: int, name: str = "textual-input") -> int:
    """Context switches of the thread called ``name`` (each wake-up from a wait is one)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "comm").read_text().strip() != name:
                continue
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def cpu_percent(pids: dict[str, int], window: float) -> dict[str, float]:
    before = {name: sum(ui_perf.cpu_ns(pid)) for name, pid in pids.items()}
    t0 = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - t0
    after = {name: sum(ui_perf.cpu_ns(pid)) for name, pid in pids.items()}
    return {name: 100.0 * (after[name] - before[name]) / 1e9 / elapsed for name in pids}


def note_count(home: Path) -> int:
    return sum(sum(e["type"] == "note" for e in events) for events in journal_events(home))


async def browser_side(served: ServedApp, notes: int) -> tuple[float, list[float], object]:
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = await browser.new_page(viewport={"width": 1100, "height": 700})
    screen = bytearray()

    def on_socket(socket: object) -> None:
        socket.on("framereceived", lambda p: screen.extend(p) if isinstance(p, bytes) else None)  # type: ignore[attr-defined]

    page.on("websocket", on_socket)

    async def wait_text(text: str, timeout: float = 30.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text.encode() in ui_perf_strip(bytes(screen)):
                return time.monotonic()
            await asyncio.sleep(0.002)
        raise RuntimeError(f"{text!r} never appeared")

    await asyncio.sleep(5.0)  # the app starts with the server; a tablet joins seconds later
    t0 = time.monotonic()
    await page.goto(served.key_url)
    load = await wait_text("Craniosacral 60") - t0
    await page.focus(".xterm-helper-textarea")  # as a tap on the screen does
    await page.keyboard.press("Enter")
    await wait_text("left in this phase")
    await asyncio.sleep(3.0)
    latencies = []
    for i in range(notes):
        key = KEYS[i % len(KEYS)]
        before = note_count(served.home)
        t0 = time.monotonic()
        await page.keyboard.press(key)
        while note_count(served.home) == before and time.monotonic() - t0 < 10:
            await asyncio.sleep(0.001)
        latencies.append(time.monotonic() - t0)
        await asyncio.sleep(0.3)
    return load, latencies, (playwright, browser, page)


def ui_perf_strip(data: bytes) -> bytes:
    from tests.reliability.ptyapp import ANSI

    return ANSI.sub(b"", data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=60.0, help="idle window, s")
    parser.add_argument("--notes", type=int, default=20)
    options = parser.parse_args()
    ui_perf.compile_package()
    root = Path(tempfile.mkdtemp(prefix="st-serve-bench-"))
    term_home = ui_perf.fresh_home(root, 1)
    served = ServedApp(root / "served")
    loop = asyncio.new_event_loop()
    try:
        load, latencies, handles = loop.run_until_complete(browser_side(served, options.notes))
        ui_perf.start("serve-term", ui_perf.app_command(term_home, "Craniosacral 60"))
        ui_perf.wait_text("serve-term", "left in this phase")
        time.sleep(8.0)
        (app_pid,) = served.app_pids()
        pids = {"terminal app": ui_perf.pane_pid("serve-term"), "served app": app_pid,
                "server": served.proc.pid}  # fmt: skip
        print(f"page load to Start screen: {load * 1000:.0f} ms")
        print(f"key to journal (n={len(latencies)}): median "
              f"{statistics.median(latencies) * 1000:.1f} ms, "
              f"max {max(latencies) * 1000:.1f} ms")  # fmt: skip
        for state in ("running", "paused"):
            if state == "paused":
                ui_perf.tmux("send-keys", "-t", "serve-term", "space")
                page = handles[2]  # type: ignore[index]
                loop.run_until_complete(page.keyboard.press(" "))
                time.sleep(3.0)
            woke = wakeups(app_pid)
            cpu = cpu_percent(pids, options.window)
            woke = wakeups(app_pid) - woke
            ratio = cpu["served app"] / cpu["terminal app"] if cpu["terminal app"] else float("nan")
            print(f"idle CPU {state} ({options.window:.0f} s): " + ", ".join(
                f"{name} {value:.3f} %" for name, value in cpu.items())
                + f"; served/terminal {ratio:.2f}x; input thread wake-ups {woke}")  # fmt: skip
        playwright, browser, _ = handles  # type: ignore[misc]
        loop.run_until_complete(browser.close())
        loop.run_until_complete(playwright.stop())
    finally:
        ui_perf.tmux("kill-server")
        served.stop()
        served.close()
        loop.close()
    print(f"(machine: {os.cpu_count()} CPUs; data in {root})")


if __name__ == "__main__":
    main()
