// sessiontimer's part of the served page, loaded before textual-serve's terminal (textual.js).
// It watches the terminal's WebSocket for our own messages: another tab has the session
// ("busy"), this tab lost it ("taken_over"), a cue to play here, whether a session runs (for
// the screen wake lock). Nothing here talks to any host but this page's own.
(() => {
  "use strict";
  const NativeWebSocket = window.WebSocket;
  let socket = null;
  let takenOver = false;
  let running = false;
  let wakeLock = null;
  let audio = null; // an AudioContext, made on the first tap (browsers need a gesture)
  const buffers = new Map();
  const state = { cuesPlayed: 0, sessionRunning: false }; // read by the browser tests
  window.sessiontimerPage = state;

  class SessionSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      socket = this;
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string") onText(event.data);
      });
      this.addEventListener("close", () => {
        running = false;
        updateWakeLock();
      });
    }
  }
  window.WebSocket = SessionSocket;

  function onText(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (error) {
      return;
    }
    if (!Array.isArray(message) || message[0] !== "sessiontimer") return;
    const body = message[1] || {};
    switch (body.type) {
      case "busy":
        document.body.classList.add("-busy");
        break;
      case "taken_over":
        takenOver = true;
        document.getElementById("closed-message").textContent =
          "This session is now shown in another tab or on another device.";
        document.getElementById("reconnect").textContent = "Show it here again";
        break;
      case "app_ended":
        document.getElementById("closed-message").textContent =
          "The app was closed. A session that was running is saved and offered for resume.";
        document.getElementById("reconnect").textContent = "Open the app again";
        break;
      case "sessiontimer.cue":
        play(String(body.sound || ""), Number(body.volume));
        break;
      case "sessiontimer.session":
        running = Boolean(body.running);
        state.sessionRunning = running;
        updateWakeLock();
        break;
    }
  }

  // One change at a time: a second request while the first is on its way would hold two
  // locks, and a session that ended meanwhile would keep the screen on.
  let wakeLockChain = Promise.resolve();
  function updateWakeLock() {
    wakeLockChain = wakeLockChain.then(syncWakeLock, syncWakeLock);
  }

  async function syncWakeLock() {
    if (!("wakeLock" in navigator)) return;
    const wanted = running && document.visibilityState === "visible";
    try {
      if (wanted && !wakeLock) {
        const lock = await navigator.wakeLock.request("screen");
        lock.addEventListener("release", () => {
          if (wakeLock === lock) wakeLock = null; // the browser let go (page hidden)
        });
        wakeLock = lock.released ? null : lock; // ended meanwhile? the queued call releases it
      } else if (!running && wakeLock) {
        const lock = wakeLock;
        wakeLock = null;
        await lock.release();
      }
    } catch (error) {
      // not a secure context, or the battery saver said no: asked again when next shown
    }
  }

  function unlockAudio() {
    if (audio) return;
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = new Context();
    audio.resume();
  }

  async function play(name, volume) {
    if (!audio || !/^[a-z0-9-]{1,40}$/.test(name)) return;
    try {
      let buffer = buffers.get(name);
      if (!buffer) {
        const response = await fetch("/sounds/" + name + ".wav", { credentials: "same-origin" });
        if (!response.ok) return;
        buffer = await audio.decodeAudioData(await response.arrayBuffer());
        buffers.set(name, buffer);
      }
      const source = audio.createBufferSource();
      const gain = audio.createGain();
      gain.gain.value = Number.isFinite(volume) ? Math.max(0, Math.min(volume, 1)) : 0.6;
      source.buffer = buffer;
      source.connect(gain).connect(audio.destination);
      source.start();
      state.cuesPlayed += 1;
    } catch (error) {
      // the laptop plays the cue too; a page that cannot is not an error worth a dialog
    }
  }

  window.addEventListener("pointerdown", unlockAudio, { capture: true });
  window.addEventListener("keydown", unlockAudio, { capture: true });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    updateWakeLock();
    // A tablet that slept lost its connection; the session ran on: come back to it.
    if (document.body.classList.contains("-closed") && !takenOver) window.location.reload();
  });

  window.addEventListener("DOMContentLoaded", () => {
    document.getElementById("reconnect").addEventListener("click", () => {
      window.location.replace("/");
    });
    document.getElementById("take-over").addEventListener("click", () => {
      document.body.classList.remove("-busy");
      if (socket) socket.send(JSON.stringify(["take_over"]));
    });
  });
})();
