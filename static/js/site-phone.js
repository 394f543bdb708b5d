// The bridge point's phone page: check in, heartbeat, report trouble, crew messages, roll call,
// the question on air. Built for a cheap phone on a bad network:
// - every action (check-in, report, roll-call answer) goes into an outbox kept in localStorage
//   with a client_id, is sent over the socket or over HTTP (/api/v1/sites/<token>/...), and is
//   retried (backoff, on `online`, on reconnect, on reload) until the server answers; the
//   client_id makes a retry the stored result, never a second action. A refusal (the server's
//   message) drops the item and shows the message.
// - the page shows each item's real state (queued, sent, acknowledged by the crew, resolved)
//   and what the crew sees (online/degraded, open incidents), and keeps the last state it
//   knew across reloads; the check-in boxes are rendered from the server's state.
// - the Socket.IO module is loaded with a dynamic import(): when it cannot load, heartbeats
//   and actions go over HTTP and the page reads its state over HTTP.
// - a Screen Wake Lock keeps the screen on (toggle; a hint where unsupported), and the page
//   beats at once when it becomes visible again or the network comes back.
// All text goes in through el()/setText().
import { el, setText } from "/static/js/lib/dom.js";

const cfg = JSON.parse(document.getElementById("phone-config").textContent);
const t = cfg.i18n;
const $ = (id) => document.getElementById(id);
const OUTBOX_KEY = `bc-outbox-${cfg.token}`;
const STATE_KEY = `bc-phone-${cfg.token}`;
const ACTIONS = {  // outbox kind -> [socket event, REST action]
  check_in: ["site_check_in", "check-in"],
  report: ["site_report", "report"],
  roll_call: ["roll_call_confirm", "roll-call"],
};

let net = null;  // the socket.js module, once loaded
let socket = null;
let revoked = false;
let state = load(STATE_KEY, { site: cfg.site || {}, incidents: [], messages: [], roll_call: null });
let outbox = load(OUTBOX_KEY, []);
state.site = cfg.site;  // the server's view as the page was served: fresher than the stored one

function load(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch (_) { return fallback; }
}
function save(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch (_) { /* private mode: memory only */ }
}

const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" }) : "");
const connected = () => Boolean(socket && socket.connected);
const offlineMessage = () => (net ? net.clientMessage("offline") : t.queued);

function setConn(value) {
  const node = $("conn");
  node.dataset.state = value;
  setText(node, t[value] || value);
}

// The server answered (socket connected, or an HTTP beat acknowledged).
function ready() {
  document.body.dataset.ready = "1";
}

// ---- transports --------------------------------------------------------------------------

const siteUrl = (action) => `/api/v1/sites/${encodeURIComponent(cfg.token)}/${action}`;

// The site's own REST route; answers the socket ack's shape (plus the HTTP status).
async function http(method, action, payload) {
  try {
    const res = await fetch(siteUrl(action), {
      method, headers: { "Content-Type": "application/json" }, cache: "no-store",
      body: method === "GET" ? undefined : JSON.stringify(payload || {}),
    });
    let body = {};
    try { body = await res.json(); } catch (_) { /* no JSON body */ }
    return { ...body, ok: res.ok && body.ok === true, status: res.status };
  } catch (_) {
    return { ok: false, error: "offline", message: offlineMessage() };
  }
}

// One command: the socket event when it answers, else the same command over HTTP.
async function act(event, action, payload) {
  let ack = { ok: false, error: "offline" };
  if (connected()) ack = await net.request(socket, event, payload, 4000);
  if (ack.error === "offline" || ack.error === "timeout") {
    ack = await http("POST", action, payload);
    if (ack.ok && !connected()) setConn("fallback");
  }
  if (ack.error === "invalid_site_token") revokedNow();
  return ack;
}

// Worth another try later: no answer, the server failing, or "too fast".
const retriable = (ack) => ["offline", "timeout"].includes(ack.error) || ack.status >= 500 || ack.status === 429;

// ---- the outbox --------------------------------------------------------------------------

function newClientId() {
  const random = window.crypto && crypto.getRandomValues ? [...crypto.getRandomValues(new Uint32Array(2))]
    : [Math.random() * 2 ** 32, Math.random() * 2 ** 32];
  return `p-${Date.now().toString(36)}-${random.map((n) => Math.floor(n).toString(36)).join("")}`;
}

function enqueue(kind, payload) {
  const item = { kind, payload: { ...payload, client_id: newClientId() }, at: new Date().toISOString() };
  outbox.push(item);
  save(OUTBOX_KEY, outbox);
  renderAll();
  flush();
  return item;
}

let flushing = false;
let retryTimer = null;
let backoff = 1000;
let failing = false;  // the last send found no server: say so next to what waits

async function flush() {
  if (flushing || revoked) return;
  flushing = true;
  clearTimeout(retryTimer);
  try {
    while (outbox.length && !revoked) {
      const item = outbox[0];
      const [event, action] = ACTIONS[item.kind];
      const ack = await act(event, action, item.payload);
      failing = !ack.ok && retriable(ack);
      if (failing) {
        retryTimer = setTimeout(flush, backoff);
        backoff = Math.min(backoff * 2, 30000);
        break;
      }
      backoff = 1000;
      outbox = outbox.filter((i) => i !== item);
      save(OUTBOX_KEY, outbox);
      if (ack.ok) stored(item.kind, ack);
      else refused(item, ack);
    }
  } finally {
    flushing = false;
    renderAll();
  }
}

function stored(kind, ack) {
  if (kind === "check_in") state.site = ack.site;
  if (kind === "report") {
    upsertIncident(ack.incident);
    setText($("report-status"), t.sent);
  }
  if (kind === "roll_call") state.roll_call = ack.roll_call;
  remember();
}

// The server's message for a refusal; the page's own only when there is none.
function refused(item, ack) {
  const kind = item.kind;
  if (kind === "report" && !$("report-text").value) $("report-text").value = item.payload.text || "";
  const node = { check_in: $("check-in-status"), report: $("report-status"), roll_call: $("roll-status") }[kind];
  node.hidden = false;
  setText(node, ack.message || t.error);
  if (kind === "roll_call") $("roll-confirm").hidden = false;
}

// ---- state -------------------------------------------------------------------------------

function remember() {
  save(STATE_KEY, state);
}

function showState(data) {
  state = { site: data.site || state.site, incidents: data.incidents || [], messages: data.messages || [],
    roll_call: data.roll_call ?? null };
  remember();
  renderAll();
}

function upsertIncident(incident) {
  state.incidents = [incident, ...state.incidents.filter((i) => i.id !== incident.id)];
  remember();
}

async function readState() {
  const data = await http("GET", "state");
  if (data.ok) showState(data);
  else if (data.error === "invalid_site_token") revokedNow();
  return data.ok;
}

// ---- heartbeat ---------------------------------------------------------------------------

function reportedState() {
  const openTrouble = state.incidents.some((i) => i.status !== "resolved")
    || outbox.some((i) => i.kind === "report");
  const site = pendingCheckIn() || state.site || {};
  return openTrouble || site.video_ok === false || site.audio_ok === false ? "degraded" : "ok";
}

async function beat() {
  if (revoked) return;
  const ack = await act("site_heartbeat", "heartbeat", { state: reportedState() });
  if (ack.ok) {
    state.site = { ...state.site, state: ack.state };
    renderCrewView();
    if (!connected()) { ready(); await readState(); }
    flush();
  } else if (!revoked && !connected()) {
    setConn("offline");
  }
}

let beatTimer = null;
function scheduleBeats() {
  clearInterval(beatTimer);
  beatTimer = setInterval(beat, Math.max(1, cfg.heartbeat_s) * 1000);
}

// ---- the socket (optional) ---------------------------------------------------------------

async function startSocket() {
  try {
    net = await import("/static/js/lib/socket.js");
  } catch (_) {
    return;  // no Socket.IO: the heartbeat and the outbox go over HTTP
  }
  socket = net.connect("/site", { token: cfg.token }, { reconnect: "site" });
  // one connection per phone: the conversation (site-chat.js) follows the same socket
  globalThis.bcSiteSocket = socket;
  document.dispatchEvent(new CustomEvent("bc:site-socket", { detail: socket }));
  socket.on("connect", () => { setConn("online"); ready(); backoff = 1000; flush(); });
  socket.on("disconnect", (reason) => {
    if (revoked) return;
    setConn("offline");
    beat();  // over HTTP now: "fallback" if that works
    if (reason === "io server disconnect") setTimeout(() => { if (!revoked) socket.connect(); }, 2000);
  });
  // Socket.IO retries by itself; meanwhile the HTTP heartbeat says whether the server answers.
  socket.on("connect_error", (err) => { if (err && err.message === "invalid_site_token") revokedNow(); });
  socket.on("site_hello", (data) => showState(data));
  socket.on("crew_message", (m) => {
    state.messages = [m, ...state.messages];
    remember();
    const list = $("messages");
    list.querySelector(".ph-empty")?.remove();
    list.prepend(messageItem(m, true));
    if (navigator.vibrate) navigator.vibrate(200);
  });
  socket.on("incident_update", (i) => { upsertIncident(i); renderAll(); beat(); });
  socket.on("roll_call", (r) => { state.roll_call = r; remember(); renderAll(); });
  socket.on("question_on_air", (data) => renderOnAir(data && data.question));
  socket.on("site_revoked", () => revokedNow());
}

function revokedNow() {
  revoked = true;
  if (socket) socket.disconnect();
  $("revoked").hidden = false;
  document.querySelectorAll("form button, #roll-confirm").forEach((b) => { b.disabled = true; });
  setConn("offline");
}

// ---- rendering ---------------------------------------------------------------------------

const pendingCheckIn = () => [...outbox].reverse().find((i) => i.kind === "check_in")?.payload;

function renderAll() {
  renderCheckIn();
  renderIncidents();
  renderMessages();
  renderRollCall();
  renderCrewView();
}

function renderCheckIn() {
  const site = pendingCheckIn() || state.site || {};
  $("video-ok").checked = site.video_ok !== false;
  $("audio-ok").checked = site.audio_ok !== false;
  const node = $("check-in-status");
  const queued = Boolean(pendingCheckIn());
  node.dataset.status = queued ? "queued" : (state.site && state.site.checked_in_at ? "sent" : "none");
  node.hidden = node.dataset.status === "none";
  if (queued) setText(node, `${t.check_in_queued} ${failing ? t.queued : ""}`.trim());
  else if (state.site && state.site.checked_in_at) setText(node, t.checked_in.replace("{time}", clock(state.site.checked_in_at)));
}

function renderCrewView() {
  const node = $("crew-view");
  const siteState = (state.site && state.site.state) || "never_seen";
  const open = state.incidents.filter((i) => i.status !== "resolved").length;
  node.dataset.state = siteState;
  node.dataset.open = String(open);
  setText(node, `${t[`crew_${siteState}`] || siteState}${open ? ` · ${t.crew_open.replace("{n}", open)}` : ""}`);
}

function renderIncidents() {
  const queued = outbox.filter((i) => i.kind === "report").map((i) => el("li",
    { class: "ph-incident st-queued", dataset: { status: "queued", clientId: i.payload.client_id } },
    el("strong", {}, document.querySelector(`input[name=kind][value="${CSS.escape(i.payload.kind)}"]`)
      ?.parentElement.textContent.trim() || i.payload.kind),
    i.payload.text ? ` — ${i.payload.text}` : "", " ", el("span", { class: "ph-status" }, t.queued)));
  const known = [...state.incidents].sort((a, b) => b.id - a.id).slice(0, 5).map((i) =>
    el("li", { class: `ph-incident st-${i.status}`, dataset: { id: i.id, status: i.status } },
      el("strong", {}, i.kind_label), i.text ? ` — ${i.text}` : "", " ",
      el("span", { class: "ph-status" }, `${t[i.status] || i.status}${i.acknowledged_at && i.status === "acknowledged" ? ` (${clock(i.acknowledged_at)})` : ""}`)));
  $("incidents").replaceChildren(...queued.reverse(), ...known);
}

function messageItem(m, fresh = false) {
  return el("li", { class: fresh ? "ph-fresh" : "" }, el("time", {}, clock(m.sent_at)), " ", el("span", {}, m.text));
}

function renderMessages() {
  const list = $("messages");
  if (!state.messages.length) return list.replaceChildren(el("li", { class: "ph-empty" }, t.no_messages));
  list.replaceChildren(...state.messages.map((m) => messageItem(m)));
}

function renderRollCall() {
  const r = state.roll_call;
  const box = $("roll-call");
  if (!r || !r.open) { box.hidden = true; return; }
  box.hidden = false;
  const queued = outbox.some((i) => i.kind === "roll_call");
  setText($("roll-title"), r.title || $("roll-title").dataset.default);
  $("roll-confirm").hidden = Boolean(r.confirmed_at) || queued;
  $("roll-done").hidden = !r.confirmed_at;
  setText($("roll-time"), clock(r.confirmed_at));
  const status = $("roll-status");
  status.hidden = !queued;
  if (queued) setText(status, t.roll_queued);
}

function renderOnAir(question) {
  const box = $("on-air");
  box.hidden = !question;
  if (!question) return;
  setText($("on-air-text"), question.text);
  setText($("on-air-who"), [question.author, question.unit, question.site].filter(Boolean).join(" – "));
  if (navigator.vibrate) navigator.vibrate(100);
}

// ---- the official's actions --------------------------------------------------------------

$("check-in").addEventListener("submit", (ev) => {
  ev.preventDefault();
  enqueue("check_in", { video_ok: $("video-ok").checked, audio_ok: $("audio-ok").checked,
                        test_call_ok: $("test-call-ok") ? $("test-call-ok").checked : undefined });
});

$("report").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const kind = new FormData(ev.target).get("kind") || document.querySelector('input[name="kind"]:checked')?.value;
  setText($("report-status"), "");
  enqueue("report", { kind, text: $("report-text").value });
  $("report-text").value = "";  // kept in the outbox until the server has it
});

$("roll-confirm").addEventListener("click", () => {
  $("roll-confirm").hidden = true;
  enqueue("roll_call", {});
});

// ---- staying present ---------------------------------------------------------------------

let wakeLock = null;
let wakeWanted = true;

async function takeWakeLock() {
  if (!("wakeLock" in navigator) || !wakeWanted || document.visibilityState !== "visible" || wakeLock) return;
  try {
    wakeLock = await navigator.wakeLock.request("screen");
    wakeLock.addEventListener("release", () => { wakeLock = null; renderWake(); });
  } catch (_) {
    wakeLock = null;
  }
  renderWake();
}

function renderWake() {
  const button = $("wake");
  button.setAttribute("aria-pressed", wakeLock ? "true" : "false");
  setText(button, wakeLock ? t.wake_on : t.wake_off);
}

function setUpWakeLock() {
  if (!("wakeLock" in navigator)) { $("wake-hint").hidden = false; return; }
  const button = $("wake");
  button.hidden = false;
  button.addEventListener("click", async () => {
    wakeWanted = !wakeLock;
    if (wakeLock) await wakeLock.release();
    else await takeWakeLock();
    renderWake();
  });
  takeWakeLock();
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") return;
  beat();
  takeWakeLock();
});
window.addEventListener("online", () => { beat(); backoff = 1000; flush(); });

// ---- start -------------------------------------------------------------------------------

renderAll();
setUpWakeLock();
scheduleBeats();
beat();  // at once: HTTP until the socket is up, so the board sees the site without waiting
readState();
startSocket();
document.body.dataset.interactive = "1";  // actions from here on are kept and sent when they can be
