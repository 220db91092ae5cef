"""The served page keeps a tablet's screen on while a session runs, and only then.

Headless Chromium grants a real screen wake lock on 127.0.0.1 but never hides a page, so the
page's ``navigator.wakeLock`` is wrapped before it loads: every request goes to the real API
(and is counted, with the lock it returned); the test can hold a grant back, as a busy tablet
might take its time.
The page's visibility is the test's to set: hiding it lets go of every lock, as a browser
does when the tablet sleeps or the tab goes to the background. Were the real API refused, a
stand-in lock would be handed back instead and the test would say so.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.serve.browser.conftest import Page
from tests.serve.served_app import ServedApp

WAKE_LOCK_SPY = """
(() => {
  const log = { requests: 0, released: 0, locks: [], refused: [], hidden: false };
  log.grants = Promise.resolve();
  window.holdGrants = () => {
    log.grants = new Promise((grant) => { window.grant = grant; });
  };
  const real = navigator.wakeLock;
  class StandIn extends EventTarget {
    constructor(type) { super(); this.type = type; this.released = false; }
    async release() {
      if (this.released) return;
      this.released = true;
      this.dispatchEvent(new Event("release"));
    }
  }
  const wakeLock = {
    async request(type) {
      log.requests += 1;
      await log.grants; // held back while the test says so, as a busy tablet might
      let lock = null;
      try {
        lock = await real.request(type);
      } catch (error) {
        log.refused.push(error.name);
        lock = new StandIn(type);
      }
      lock.addEventListener("release", () => { log.released += 1; });
      log.locks.push(lock);
      return lock;
    },
  };
  Object.defineProperty(Navigator.prototype, "wakeLock", { get: () => wakeLock });
  Object.defineProperty(Document.prototype, "visibilityState", {
    get: () => (log.hidden ? "hidden" : "visible"),
  });
  Object.defineProperty(Document.prototype, "hidden", { get: () => log.hidden });
  window.setHidden = (hidden) => {
    log.hidden = hidden;
    if (hidden) for (const lock of log.locks) lock.release(); // the browser lets go
    document.dispatchEvent(new Event("visibilitychange"));
  };
  window.wakeState = () => ({
    requests: log.requests,
    released: log.released,
    held: log.locks.filter((lock) => !lock.released).length,
    real: log.locks.filter((lock) => lock instanceof WakeLockSentinel).length,
    refused: log.refused,
  });
})();
"""


async def _state(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = await page.page.evaluate("window.wakeState()")
    return state


async def _until(page: Page, condition: str, timeout: float = 20.0) -> dict[str, Any]:
    """Wait for ``condition`` (JavaScript over ``s``, the spy's state); the state then.

    Polled with ``evaluate``: the page's Content-Security-Policy forbids the ``eval`` that
    Playwright's ``wait_for_function`` would use.
    """
    check = f"(() => {{ const s = window.wakeState(); return {condition}; }})()"
    deadline = asyncio.get_running_loop().time() + timeout
    while not await page.page.evaluate(check):
        assert asyncio.get_running_loop().time() < deadline, (condition, await _state(page))
        await asyncio.sleep(0.05)
    return await _state(page)


async def _settled(page: Page) -> dict[str, Any]:
    """The state a moment later: a request or a release the page was about to make is in."""
    await asyncio.sleep(1.0)
    return await _state(page)


async def test_the_page_holds_a_wake_lock_while_a_session_runs_and_only_then(
    served: ServedApp, browser: Any
) -> None:
    context = await browser.new_context(viewport={"width": 1100, "height": 700})
    await context.add_init_script(WAKE_LOCK_SPY)
    page = Page(await context.new_page(), [])
    await page.page.goto(served.key_url)
    assert await page.wait_for("Craniosacral 60")
    assert (await _settled(page))["requests"] == 0  # no session, the screen may sleep

    await page.page.evaluate("window.holdGrants()")
    await page.focus()
    await page.page.keyboard.press("Enter")
    assert await page.wait_for("left in this phase")
    await _until(page, "s.requests >= 1")
    # the tab comes to the front again while the lock is still on its way: one lock, not two
    await page.page.evaluate("window.setHidden(false)")
    await asyncio.sleep(0.5)
    await page.page.evaluate("window.grant()")
    await _until(page, "s.held >= 1")
    state = await _settled(page)
    assert (state["requests"], state["held"]) == (1, 1), state
    if not state["refused"]:  # headless Chromium grants a real one on 127.0.0.1
        assert state["real"] == 1, state
    await page.shot("6-session-wake-lock")

    # the tablet sleeps: the browser lets go; nothing is asked while hidden; awake, asked again
    await page.page.evaluate("window.setHidden(true)")
    state = await _settled(page)
    assert (state["requests"], state["held"]) == (1, 0), state
    await page.page.evaluate("window.setHidden(false)")
    state = await _until(page, "s.held >= 1")
    state = await _settled(page)
    assert (state["requests"], state["held"]) == (2, 1), state

    await page.page.keyboard.press("Space")  # paused is still a session at the table
    assert await page.wait_for("PAUSED")
    assert (await _settled(page))["held"] == 1
    await page.page.keyboard.press("Space")

    # the session ends: the lock goes at once (the End screen is not a running session)
    await page.page.keyboard.press("e")
    assert await page.wait_for("End the session now?")
    await page.page.keyboard.press("Enter")
    state = await _until(page, "s.held === 0")
    assert state["requests"] == 2, state
    await page.page.evaluate("window.setHidden(true)")
    await page.page.evaluate("window.setHidden(false)")
    assert (await _settled(page))["requests"] == 2  # ended: not asked again on wake

    # a new session asks again; quitting suspends it, the app closes: the lock goes
    await page.page.keyboard.press("Enter")  # End screen: saved, back to Start
    assert await page.wait_for("Session saved")
    await page.page.keyboard.press("Enter")
    state = await _until(page, "s.held === 1")
    assert state["requests"] == 3, state
    await page.page.keyboard.press("Control+q")
    assert await page.wait_for("Quit? The session is saved")
    await page.page.keyboard.press("Enter")
    await page.page.wait_for_selector("#reconnect", state="visible", timeout=20000)
    state = await _until(page, "s.held === 0")
    assert state["requests"] == 3, state
    await context.close()
