// The bridge point's phone page: check in, heartbeat, report trouble, crew messages, roll call.
// Every action goes over the socket, or over HTTP (/api/v1/sites/<token>/...) when the socket is
// down or does not answer; both answer {ok, ...} or {ok: false, error, message} and the page
// shows the server's message. Check-in, report and roll-call answer carry a client_id, so a
// double tap or a retry over HTTP is one action. All text goes in through el()/setText().
import { clientMessage, connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const cfg = JSON.parse(document.getElementById("phone-config").textContent);
const t = cfg.i18n;
const $ = (id) => document.getElementById(id);
const incidents = new Map();
let videoOk = cfg.video_ok !== false;
let audioOk = cfg.audio_ok !== false;
let revoked = false;
let rollCall = null;

const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" }) : "");

function reportedState() {
  const openTrouble = [...incidents.values()].some((i) => i.status !== "resolved");
  return openTrouble || !videoOk || !audioOk ? "degraded" : "ok";
}

function setConn(state) {
  const node = $("conn");
  node.dataset.state = state;
  setText(node, t[state] || state);
}

const socket = connect("/site", { token: cfg.token });
globalThis.bcSiteSocket = socket;  // shared with site-chat.js (the conversation): one connection per phone

socket.on("connect", () => setConn("online"));
socket.on("disconnect", () => { if (!revoked) setConn("offline"); });
socket.on("connect_error", (err) => {
  if (err && err.message === "invalid_site_token") return revokedNow();
  setConn("offline");
});
socket.on("site_hello", (data) => showState(data));

function showState(data) {
  renderMessages(data.messages || []);
  incidents.clear();
  (data.incidents || []).forEach((i) => incidents.set(i.id, i));
  renderIncidents();
  renderRollCall(data.roll_call);
  if (data.site && data.site.checked_in_at) showCheckedIn(data.site.checked_in_at);
}
socket.on("crew_message", (m) => {
  const list = $("messages");
  list.querySelector(".ph-empty")?.remove();
  list.prepend(messageItem(m, true));
  if (navigator.vibrate) navigator.vibrate(200);
});
socket.on("incident_update", (i) => { incidents.set(i.id, i); renderIncidents(); beat(); });
socket.on("roll_call", (r) => renderRollCall(r));
socket.on("site_revoked", () => revokedNow());

function revokedNow() {
  revoked = true;
  socket.disconnect();
  $("revoked").hidden = false;
  document.querySelectorAll("form button, #roll-confirm").forEach((b) => { b.disabled = true; });
  setConn("offline");
}

const siteUrl = (action) => `/api/v1/sites/${encodeURIComponent(cfg.token)}/${action}`;

function newClientId() {
  const random = window.crypto && crypto.getRandomValues ? [...crypto.getRandomValues(new Uint32Array(2))]
    : [Math.random() * 2 ** 32, Math.random() * 2 ** 32];
  return `p-${Date.now().toString(36)}-${random.map((n) => Math.floor(n).toString(36)).join("")}`;
}

// The site's own REST route; answers the socket ack's shape.
async function http(method, action, payload) {
  try {
    const res = await fetch(siteUrl(action), {
      method, headers: { "Content-Type": "application/json" },
      body: method === "GET" ? undefined : JSON.stringify(payload || {}),
    });
    let body = {};
    try { body = await res.json(); } catch (_) { /* no JSON body */ }
    return { ...body, ok: res.ok && body.ok === true };
  } catch (_) {
    return { ok: false, error: "offline", message: clientMessage("offline") };
  }
}

// One action: the socket event when it answers, else the same command over HTTP.
async function act(event, action, payload) {
  let ack = { ok: false, error: "offline" };
  if (socket.connected) ack = await request(socket, event, payload, 4000);
  if (ack.error === "offline" || ack.error === "timeout") {
    ack = await http("POST", action, payload);
    if (ack.ok && !socket.connected) setConn("fallback");
  }
  if (ack.error === "invalid_site_token") revokedNow();
  return ack;
}

// Without a socket nothing is pushed: read the phone's state over HTTP instead.
async function poll() {
  const state = await http("GET", "state");
  if (state.ok) showState(state);
  else if (state.error === "invalid_site_token") revokedNow();
}

async function beat() {
  if (revoked) return;
  const ack = await act("site_heartbeat", "heartbeat", { state: reportedState() });
  if (!ack.ok && !revoked && !socket.connected) setConn("offline");
  if (ack.ok && !socket.connected) await poll();
}
setInterval(beat, Math.max(1, cfg.heartbeat_s) * 1000);

function showCheckedIn(iso) {
  const node = $("check-in-status");
  node.hidden = false;
  setText(node, t.checked_in.replace("{time}", clock(iso)));
}

$("check-in").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  videoOk = $("video-ok").checked;
  audioOk = $("audio-ok").checked;
  const ack = await act("site_check_in", "check-in", { video_ok: videoOk, audio_ok: audioOk, test_call_ok: $("test-call-ok")?.checked, client_id: newClientId() });
  if (ack.ok) showCheckedIn(ack.site.checked_in_at);
  else showError($("check-in-status"), ack);
});

$("report").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const kind = new FormData(ev.target).get("kind") || document.querySelector('input[name="kind"]:checked')?.value;
  const text = $("report-text").value;
  const button = ev.target.querySelector("button[type=submit], button:not([type])");
  if (button) button.disabled = true;  // a double tap is one report anyway (client_id); this is for the eye
  const ack = await act("site_report", "report", { kind, text, client_id: newClientId() });
  if (button && !revoked) button.disabled = false;
  if (ack.ok) {
    incidents.set(ack.incident.id, ack.incident);
    renderIncidents();
    $("report-text").value = "";
    setText($("report-status"), t.sent);
  } else {
    showError($("report-status"), ack);
  }
});

// The server's message for a refusal; the page's own only when there is none.
function showError(node, ack) {
  node.hidden = false;
  setText(node, ack.message || t.error);
}

function renderIncidents() {
  const list = $("incidents");
  list.replaceChildren(...[...incidents.values()].sort((a, b) => b.id - a.id).slice(0, 5).map((i) =>
    el("li", { class: `ph-incident st-${i.status}`, dataset: { id: i.id, status: i.status } },
      el("strong", {}, i.kind_label), i.text ? ` — ${i.text}` : "", " ",
      el("span", { class: "ph-status" }, `${t[i.status] || i.status}${i.acknowledged_at && i.status === "acknowledged" ? ` (${clock(i.acknowledged_at)})` : ""}`))));
}

function messageItem(m, fresh = false) {
  return el("li", { class: fresh ? "ph-fresh" : "" }, el("time", {}, clock(m.sent_at)), " ", el("span", {}, m.text));
}

function renderMessages(items) {
  const list = $("messages");
  if (!items.length) return list.replaceChildren(el("li", { class: "ph-empty" }, t.no_messages));
  list.replaceChildren(...items.map((m) => messageItem(m)));
}

function renderRollCall(r) {
  rollCall = r;
  const box = $("roll-call");
  if (!r || !r.open) { box.hidden = true; return; }
  box.hidden = false;
  setText($("roll-title"), r.title || $("roll-title").dataset.default);
  $("roll-confirm").hidden = Boolean(r.confirmed_at);
  $("roll-done").hidden = !r.confirmed_at;
  setText($("roll-time"), clock(r.confirmed_at));
}

$("roll-confirm").addEventListener("click", async () => {
  const ack = await act("roll_call_confirm", "roll-call", { client_id: newClientId() });
  if (ack.ok) renderRollCall(ack.roll_call);
  else showError($("roll-time"), ack);
});
