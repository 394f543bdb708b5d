// OBS control panel: mirrors the event's OBS over Socket.IO (/crew) and sends crew commands.
// What it shows (state, monitors, scenes, outputs) is the OBS on air: every obs_state and
// obs_thumbnails message names its `side` ("primary", or "backup" after a switch to the standby
// OBS); a full state sets the side, news from the other side are not shown (a process that has
// not seen the switch yet) and make the panel ask for the current state.
// User and OBS text only ever goes into the page as text nodes (el/setText), never as HTML.
import { connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const root = document.getElementById("control");
const slug = root.dataset.event;
const T = JSON.parse(document.getElementById("i18n").textContent);
const $ = (id) => document.getElementById(id);
const socket = connect("/crew", { event: slug });

let state = null;
let side = null;                   // the OBS the panel shows: "primary" | "backup"
let standbyConfigured = false;     // the side badge is shown when the event has a standby OBS
const thumbs = new Map();          // scene -> data URI (scene buttons)
const big = new Map();             // scene -> larger data URI (program/preview monitors)
const bitrates = [];               // last 60 samples for the sparkline
const visible = new Set();         // scenes whose buttons are on screen

// ---------------------------------------------------------------- commands
function toast(text, ok = false) {
  const node = $("toast");
  setText(node, text);
  node.classList.toggle("ok", ok);
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { node.hidden = true; }, ok ? 2500 : 6000);
}

// Stream/record start answers once OBS reports the outcome (up to 10 s on the server).
const OUTPUT_TIMEOUT_MS = 15000;

async function send(name, payload = {}, timeout = 8000) {
  const ack = await request(socket, name, payload, timeout);
  if (!ack || !ack.ok) toast((ack && ack.message) || (ack && ack.error) || "error");
  return ack || { ok: false };
}

function pickScene(name) {
  if (!state) return;
  if (state.studio_mode) send("obs_set_preview", { scene: name });
  else send("obs_take_scene", { scene: name });
}

$("btn-take").addEventListener("click", () => send("obs_take"));
$("btn-cut").addEventListener("click", () => send("obs_cut", state && !state.studio_mode ? { scene: state.program_scene } : {}));
$("studio-mode").addEventListener("change", (e) => send("obs_studio_mode", { enabled: e.target.checked }));
$("transition").addEventListener("change", (e) => send("obs_transition", { name: e.target.value }));
$("duration").addEventListener("change", (e) => send("obs_transition", { duration: Number(e.target.value) }));
$("stream-start").addEventListener("click", () => send("obs_stream", { action: "start" }, OUTPUT_TIMEOUT_MS));
$("record-start").addEventListener("click", () => send("obs_record", { action: "start" }, OUTPUT_TIMEOUT_MS));

// Stopping the stream or the recording takes a second press within 4 s, or a 1.2 s hold:
// one stray click never ends a broadcast.
const ARM_MS = 4000;
const HOLD_MS = 1200;
function armedStop(button, fire) {
  const idle = button.textContent;
  let disarmTimer = null; let holdTimer = null; let held = false;
  const disarm = () => {
    clearTimeout(disarmTimer);
    delete button.dataset.armed;
    setText(button, idle);
  };
  const go = () => { disarm(); fire(); };
  button.addEventListener("click", () => {
    if (held) { held = false; return; }
    if (button.dataset.armed) { go(); return; }
    button.dataset.armed = "1";
    setText(button, button.dataset.armedLabel);
    disarmTimer = setTimeout(disarm, ARM_MS);
  });
  button.addEventListener("pointerdown", () => {
    clearTimeout(holdTimer);
    holdTimer = setTimeout(() => { held = true; go(); }, HOLD_MS);
  });
  for (const type of ["pointerup", "pointerleave", "pointercancel"]) {
    button.addEventListener(type, () => clearTimeout(holdTimer));
  }
}
armedStop($("stream-stop"), () => {
  // the live strip must not sound its alarm for a stop the crew asked for
  document.dispatchEvent(new Event("bc:stream-stopping"));
  send("obs_stream", { action: "stop" }, OUTPUT_TIMEOUT_MS);
});
armedStop($("record-stop"), async () => {
  const ack = await send("obs_record", { action: "stop" }, OUTPUT_TIMEOUT_MS);
  if (ack.ok) toast(ack.path ? `${T.record_saved}: ${ack.path}` : T.record_saved, true);
});
$("btn-pack").addEventListener("click", async () => {
  const ack = await send("obs_apply_scene_pack", { pack: "congress" });
  if (ack.ok) {
    const r = ack.report;
    const created = r.created_scenes.length + r.created_inputs.length + r.created_items.length;
    setText($("pack-report"), created ? `${T.pack_done}: ${r.created_scenes.length} / ${r.created_inputs.length} / ${r.created_items.length}` : T.pack_nothing);
  }
});
$("target-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const ack = await send("obs_stream_target", { server: $("target-server").value, key: $("target-key").value });
  if (ack.ok) { $("target-key").value = ""; toast(T.target_saved, true); }
});

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.code === "Space") { e.preventDefault(); send("obs_take"); return; }
  if (/^[1-9]$/.test(e.key) && state) {
    const name = state.scenes[Number(e.key) - 1];
    if (name) { e.preventDefault(); pickScene(name); }
  }
});

// ------------------------------------------------------------------ render
function renderBadge() {
  const status = state ? state.status : "connecting";
  const badge = $("obs-badge");
  badge.dataset.status = status;
  setText(badge, `OBS: ${T[status] || status}`);
  const err = state && state.error;
  setText($("obs-error"), err ? (document.documentElement.lang === "en" ? err.message_en : err.message_vi) : "");
  const down = status !== "connected";
  for (const b of root.querySelectorAll("button, select, #duration, #studio-mode")) b.disabled = down;
}

function renderSide() {
  const badge = $("on-air-side");
  const current = side || "primary";
  badge.dataset.side = current;
  setText(badge, T[`side_${current}`]);
  badge.hidden = !standbyConfigured && current === "primary";
}

function renderScenes() {
  const grid = $("scenes");
  const names = state.scenes || [];
  const existing = new Map([...grid.children].map((n) => [n.dataset.scene, n]));
  grid.replaceChildren(...names.map((name, i) => {
    let node = existing.get(name);
    if (!node) {
      node = el("button", { type: "button", class: "scene", dataset: { scene: name }, onclick: () => pickScene(name) },
        el("img", { alt: "", hidden: true }), el("div", { class: "thumb-empty" }),
        el("span", { class: "key" }), el("span", { class: "scene-name" }, name));
      observer.observe(node);
    }
    setText(node.querySelector(".key"), i < 9 ? String(i + 1) : "");
    node.classList.toggle("tally-program", name === state.program_scene);
    node.classList.toggle("tally-preview", state.studio_mode && name === state.preview_scene && name !== state.program_scene);
    node.setAttribute("aria-pressed", name === state.program_scene ? "true" : "false");
    showThumb(node, thumbs.get(name));
    return node;
  }));
}

function showThumb(node, uri) {
  const img = node.querySelector("img");
  const empty = node.querySelector(".thumb-empty");
  if (uri && uri.startsWith("data:image/")) {
    if (img.getAttribute("src") !== uri) img.src = uri;
    img.hidden = false; if (empty) empty.hidden = true;
  }
}

function renderMonitors() {
  setText($("program-name"), state.program_scene || "—");
  setText($("preview-name"), state.studio_mode ? (state.preview_scene || "—") : "—");
  const image = (scene) => big.get(scene) || thumbs.get(scene);
  const p = image(state.program_scene);
  if (p && $("program-img").getAttribute("src") !== p) $("program-img").src = p;
  const showPreview = state.studio_mode;
  const pv = image(state.preview_scene);
  $("preview-img").hidden = !showPreview || !pv;
  $("preview-empty").hidden = showPreview && !!pv;
  if (showPreview && pv && $("preview-img").getAttribute("src") !== pv) $("preview-img").src = pv;
  $("studio-mode").checked = !!state.studio_mode;
  $("btn-take").disabled = state.status !== "connected" || !state.studio_mode;
}

function renderTransition() {
  const sel = $("transition");
  const names = state.transitions || [];
  if ([...sel.options].map((o) => o.value).join("\n") !== names.join("\n")) {
    sel.replaceChildren(...names.map((n) => el("option", { value: n }, n)));
  }
  sel.value = (state.transition && state.transition.name) || "";
  const d = $("duration");
  if (document.activeElement !== d) d.value = (state.transition && state.transition.duration) || "";
}

function renderOutputs() {
  for (const kind of ["stream", "record"]) {
    const o = state[kind];
    const badge = $(`${kind}-state`);
    badge.dataset.state = o.state;
    setText(badge, T[o.state] || o.state);
    setText($(`${kind}-time`), o.timecode ? o.timecode.split(".")[0] : "");
  }
  const t = state.stream_target || {};
  setText($("target-current"), t.server ? `${t.server} · ${t.key_masked || "—"}` : "—");
}

function renderHealth() {
  const s = state.stats || {}; const st = state.stream || {};
  setText($("h-bitrate"), st.active ? `${st.bitrate_kbps} ${T.kbps}` : "—");
  setText($("h-fps"), s.fps != null ? String(s.fps) : "—");
  setText($("h-cpu"), s.cpu != null ? `${s.cpu} %` : "—");
  setText($("h-dropped"), `${st.skipped_frames || 0} / ${st.total_frames || 0}`);
  setText($("h-congestion"), st.active ? `${Math.round((st.congestion || 0) * 100)} %` : "—");
  setText($("h-disk"), s.disk_free_mb != null ? `${(s.disk_free_mb / 1024).toFixed(1)} GB` : "—");
  $("warnings").replaceChildren(...(state.warnings || []).map((w) => el("li", {}, T[`w_${w}`] || w)));
  const svg = $("sparkline");
  const max = Math.max(1000, ...bitrates);
  const pts = bitrates.map((b, i) => `${(i / 59) * 300},${60 - (b / max) * 56}`).join(" ");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", pts);
  svg.replaceChildren(line);
}

// Audio: one strip per input (mute, fader in dB, live level); nodes are kept by name so a
// fader being dragged is never replaced by a re-render.
const strips = new Map();
function audioStrip(name) {
  const level = el("div", { class: "vu-level" });
  const peak = el("div", { class: "vu-peak" });
  const fader = el("input", { type: "range", min: "-60", max: "6", step: "0.5", class: "fader",
    "aria-label": `${T.volume}: ${name}` });
  const db = el("span", { class: "fader-db" });
  const mute = el("button", { type: "button", class: "btn btn-small mute" });
  fader.addEventListener("input", () => setText(db, `${fader.value} dB`));
  fader.addEventListener("change", () => send("obs_volume", { input: name, volume_db: Number(fader.value) }));
  mute.addEventListener("click", () => {
    const a = (state.audio || []).find((x) => x.name === name);
    if (a) send("obs_mute", { input: name, muted: !a.muted });
  });
  const node = el("div", { class: "strip", dataset: { input: name } },
    el("span", { class: "strip-name", title: name }, name),
    el("div", { class: "vu", role: "meter", "aria-label": `${T.level}: ${name}`, "aria-valuemin": "-60", "aria-valuemax": "0" }, level, peak),
    el("div", { class: "fader-row" }, fader, db), mute);
  return { node, level, peak, fader, db, mute };
}

function renderAudio() {
  const list = state.audio || [];
  for (const name of [...strips.keys()]) if (!list.some((a) => a.name === name)) strips.delete(name);
  $("audio").replaceChildren(...list.map((a) => {
    if (!strips.has(a.name)) strips.set(a.name, audioStrip(a.name));
    const s = strips.get(a.name);
    s.node.classList.toggle("muted-on", a.muted);
    s.mute.setAttribute("aria-pressed", a.muted ? "true" : "false");
    setText(s.mute, a.muted ? T.unmute : T.mute);
    if (a.volume_db != null && document.activeElement !== s.fader) {
      s.fader.value = String(Math.max(-60, a.volume_db));
      setText(s.db, `${a.volume_db} dB`);
    }
    s.fader.hidden = a.volume_db == null;
    return s.node;
  }));
  renderMedia();
}

const pct = (db) => `${Math.max(0, Math.min(100, ((db + 60) / 60) * 100))}%`;
function renderMeters(levels) {
  for (const [name, v] of Object.entries(levels || {})) {
    const s = strips.get(name);
    if (!s) continue;
    s.level.style.width = pct(v.mag);
    s.peak.style.left = pct(v.peak);
    s.level.classList.toggle("hot", v.peak > -6);
    s.node.querySelector(".vu").setAttribute("aria-valuenow", String(v.peak));
  }
}

// Media: state in words and the time left, counted down here between OBS's reports.
const mediaSeen = new Map();  // name -> {cursor, at}
function clock(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60); const s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}
function remaining(m) {
  if (!m.duration_ms || m.cursor_ms == null || m.duration_ms < 0) return "";
  const seen = mediaSeen.get(m.name);
  let cursor = m.cursor_ms;
  if (seen && seen.cursor === m.cursor_ms && m.state === "playing") cursor += performance.now() - seen.at;
  if (!seen || seen.cursor !== m.cursor_ms) mediaSeen.set(m.name, { cursor: m.cursor_ms, at: performance.now() });
  return `−${clock(m.duration_ms - cursor)} ${T.remaining}`;
}
function renderMedia() {
  $("media").replaceChildren(...(state.media || []).map((m) => el("div", { class: "media-item", dataset: { input: m.name, state: m.state } },
    el("span", { class: "media-name", title: m.name }, m.name),
    el("span", { class: "badge media-state" }, T[`m_${m.state}`] || T.m_none),
    el("span", { class: "media-left muted" }, remaining(m)),
    ...["play", "pause", "stop", "restart"].map((action) => el("button", {
      type: "button", class: "btn btn-small", dataset: { action }, onclick: () => send("obs_media", { input: m.name, action }),
    }, T[action])))));
}
setInterval(() => {
  if (!state) return;
  for (const node of $("media").children) {
    const m = (state.media || []).find((x) => x.name === node.dataset.input);
    if (m && m.state === "playing") setText(node.querySelector(".media-left"), remaining(m));
  }
}, 500);

function render() {
  renderBadge();
  renderSide();
  if (!state) return;
  renderScenes(); renderMonitors(); renderTransition(); renderOutputs(); renderHealth(); renderAudio();
}

// ------------------------------------------------------------ live updates
function adopt(full, from) {
  if (from !== side) { thumbs.clear(); big.clear(); bitrates.length = 0; }  // another OBS's pictures
  side = from;
  state = { ...full };
}
let resyncing = false;
async function resync() {
  if (resyncing) return;
  resyncing = true;
  try {
    const ack = await request(socket, "obs_state", {}, 8000);
    if (ack && ack.ok) { const { ok, side: from, ...full } = ack; adopt(full, from || "primary"); render(); }
  } finally { resyncing = false; }
}
socket.on("obs_state", (msg) => {
  if (!msg || msg.event !== slug) return;
  const from = msg.side || "primary";
  if (msg.full || !state) adopt(msg.diff, from);
  else if (from !== side) { resync(); return; }
  else state = { ...state, ...msg.diff };
  if (msg.diff.stream) { bitrates.push(state.stream.bitrate_kbps || 0); if (bitrates.length > 60) bitrates.shift(); }
  render();
});
socket.on("standby_state", (msg) => {
  if (!msg || (msg.event && msg.event !== slug) || msg.configured === undefined) return;
  standbyConfigured = !!msg.configured;
  if (state) renderSide();
});
socket.on("obs_thumbnails", (msg) => {
  if (!msg || msg.event !== slug || !state || (msg.side || "primary") !== side) return;
  for (const [name, uri] of Object.entries(msg.images || {})) if (uri) thumbs.set(name, uri);
  const mon = msg.monitors || {};
  if (mon.program && mon.program_scene) big.set(mon.program_scene, mon.program);
  if (mon.preview && mon.preview_scene) big.set(mon.preview_scene, mon.preview);
  for (const node of $("scenes").children) showThumb(node, thumbs.get(node.dataset.scene));
  renderMonitors();
});
socket.on("obs_meters", (msg) => {
  if (msg && msg.event === slug) renderMeters(msg.levels);
});
socket.on("connect", () => { watch(); });
socket.on("disconnect", () => { if (state) { state = { ...state, status: "disconnected" }; render(); } });

// Thumbnails flow only while this page is visible, for the scene buttons on screen.
const observer = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting) visible.add(e.target.dataset.scene); else visible.delete(e.target.dataset.scene);
  }
  watch();
});
function watch() {
  if (!socket.connected) return;
  if (document.visibilityState !== "visible") { socket.emit("obs_unwatch_thumbnails", {}); return; }
  socket.emit("obs_watch_thumbnails", { scenes: [...visible] });
}
document.addEventListener("visibilitychange", watch);
window.addEventListener("pagehide", () => socket.emit("obs_unwatch_thumbnails", {}));
setInterval(watch, 5000);
render();
