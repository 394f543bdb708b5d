// The live-safety strip in the header of every staff page of an event (templates/_macros.html live_strip):
// - the browser ↔ Bridgecast link: while it is down, the page's commands are disabled and say why, and
//   nothing is queued to be replayed on reconnect (lib/socket.js request() refuses while offline);
// - for the crew, the Bridgecast ↔ OBS link, ON AIR, REC and the stream's health from the mirrored
//   OBS state of the OBS on air (obs_state, its `side`), with an audible, mutable alarm on OBS loss and
//   on a stream that stops by itself.
import { connect } from "./lib/socket.js";

const strip = document.getElementById("live-strip");
if (strip) start(strip);

function start(root) {
  const L = JSON.parse(root.dataset.labels || "{}");
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const socket = connect(root.dataset.namespace, { event: root.dataset.event });
  let state = null;
  let muted = localStorage.getItem("bc-alarm-muted") === "1";
  let audio = null;

  const show = (name, text, tone) => {
    const el = part(name);
    if (!el) return;
    el.textContent = text;
    el.dataset.tone = tone || "";
  };

  const beep = () => {
    if (muted) return;
    try {
      audio = audio || new AudioContext();
      for (const [at, freq] of [[0, 880], [0.25, 660], [0.5, 880]]) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = freq;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + 0.18);
      }
    } catch (_) { /* no audio device: the strip still shows the alarm */ }
  };

  const alarm = (message) => {
    root.dataset.alarm = message;
    root.title = message;
    beep();
  };

  // ---- browser ↔ Bridgecast ----------------------------------------------------------------
  const lockCommands = (locked) => {
    document.body.classList.toggle("server-lost", locked);
    for (const el of document.querySelectorAll("main button, main input[type=submit], main select")) {
      if (el.hasAttribute("data-keep-enabled")) continue;
      if (locked) {
        if (!el.disabled) { el.disabled = true; el.dataset.lockedByStrip = "1"; el.title = L.server_lost_hint; }
      } else if (el.dataset.lockedByStrip) {
        el.disabled = false;
        delete el.dataset.lockedByStrip;
        el.removeAttribute("title");
      }
    }
  };
  socket.on("connect", () => { show("server", L.server_ok, "ok"); lockCommands(false); });
  socket.on("disconnect", () => {
    show("server", L.server_lost, "danger");
    lockCommands(true);
    // what OBS does is unknown from here: never show the last state as if it were current
    show("obs", L.obs_unknown, "warn");
    show("air", L.air_unknown, "warn");
    show("rec", L.rec_unknown, "warn");
    state = null;
  });

  // ---- Bridgecast ↔ OBS, ON AIR, REC ---------------------------------------------------------
  const render = (previous) => {
    const status = state.status;
    const stream = state.stream || {};
    const record = state.record || {};
    if (status === "connected") show("obs", L.obs_ok, "ok");
    else if (status === "not_configured") show("obs", L.obs_not_configured, "warn");
    else show("obs", L.obs_lost, "danger");
    if (stream.state === "live") {
      const extra = [stream.timecode, stream.bitrate_kbps ? `${stream.bitrate_kbps} kbit/s` : ""].filter(Boolean);
      show("air", [L.on_air, ...extra].join(" · "), "live");
    } else if (stream.state === "reconnecting") show("air", L.reconnecting, "danger");
    else if (stream.state === "unknown" || stream.state == null) show("air", L.air_unknown, "warn");
    else show("air", L.off_air, "");
    if (record.state === "recording" || record.state === "paused") {
      show("rec", [L.rec, record.timecode].filter(Boolean).join(" · "), "rec");
    } else if (record.state === "unknown" || record.state == null) show("rec", L.rec_unknown, "warn");
    else show("rec", L.rec_off, "");
    if (!previous) return;
    if (previous.status === "connected" && status !== "connected" && status !== "not_configured") alarm(L.alarm_obs);
    const wasLive = (previous.stream || {}).state === "live";
    if (wasLive && ["stopped", "reconnecting", "unknown"].includes(stream.state) && !root.dataset.stopping) {
      alarm(L.alarm_stream);
    }
  };
  // the OBS on air (`side`): a switch brings a full state, not an alarm; news from the other
  // OBS (a process that has not seen the switch yet) are not this strip's
  let side = null;
  socket.on("obs_state", (msg) => {
    const from = msg.side || "primary";
    if (!msg.full && state && from !== side) return;
    const previous = msg.full && from !== side ? null : state;
    side = from;
    state = msg.full || !state ? { ...msg.diff } : { ...state, ...msg.diff };
    render(previous);
  });
  // ---- the standby OBS (shown only when the event has one) ---------------------------------------
  let standby = null;
  const renderStandby = () => {
    const el = part("standby");
    if (!el || !standby) return;
    el.hidden = !standby.configured;
    const status = (standby.backup || {}).status;
    if (standby.on_air === "backup") show("standby", L.standby_on_air, "live");
    else if (status === "connected") show("standby", L.standby_ok, "ok");
    else show("standby", L.standby_lost, "danger");
  };
  socket.on("standby_state", (msg) => {
    if (msg.configured !== undefined) standby = { ...msg };
    else if (standby && msg.backup) standby = { ...standby, backup: { ...standby.backup, ...msg.backup } };
    renderStandby();
  });
  socket.on("standby_alert", (msg) => alarm(msg.message || ""));

  // a stop the crew asked for is not an alarm: control.js marks it
  document.addEventListener("bc:stream-stopping", () => {
    root.dataset.stopping = "1";
    setTimeout(() => delete root.dataset.stopping, 15000);
  });

  const muteButton = part("mute");
  const renderMute = () => { if (muteButton) muteButton.textContent = muted ? L.unmute : L.mute; };
  if (muteButton) {
    muteButton.addEventListener("click", () => {
      muted = !muted;
      localStorage.setItem("bc-alarm-muted", muted ? "1" : "0");
      renderMute();
    });
  }
  renderMute();
}
