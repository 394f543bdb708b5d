// The bridge point's phone page: check in, heartbeat (Socket.IO, HTTP fallback), report
// trouble, crew messages, roll call. All text goes in through el()/setText().
import { connect, request } from "/static/js/lib/socket.js";
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

socket.on("connect", () => setConn("online"));
socket.on("disconnect", () => { if (!revoked) setConn("offline"); });
socket.on("connect_error", (err) => {
  if (err && err.message === "invalid_site_token") return revokedNow();
  setConn("offline");
});
socket.on("site_hello", (data) => {
  renderMessages(data.messages || []);
  incidents.clear();
  (data.incidents || []).forEach((i) => incidents.set(i.id, i));
  renderIncidents();
  renderRollCall(data.roll_call);
  if (data.site && data.site.checked_in_at) showCheckedIn(data.site.checked_in_at);
});
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

// Heartbeat: over the socket when connected, otherwise over HTTP.
async function beat() {
  if (revoked) return;
  const state = reportedState();
  if (socket.connected) {
    const ack = await request(socket, "site_heartbeat", { state }, 4000);
    if (ack && ack.error === "invalid_site_token") revokedNow();
    if (ack && ack.ok) return;
  }
  try {
    const res = await fetch(`/api/v1/sites/${encodeURIComponent(cfg.token)}/heartbeat`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ state }),
    });
    if (res.status === 404) revokedNow();
    else if (res.ok && !socket.connected) setConn("fallback");
  } catch (_) { setConn("offline"); }
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
  const ack = await request(socket, "site_check_in", { video_ok: videoOk, audio_ok: audioOk });
  if (ack.ok) showCheckedIn(ack.site.checked_in_at);
  else setText($("check-in-status"), ack.message || t.error);
});

$("report").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const kind = new FormData(ev.target).get("kind") || document.querySelector('input[name="kind"]:checked')?.value;
  const text = $("report-text").value;
  const ack = await request(socket, "site_report", { kind, text });
  if (ack.ok) {
    incidents.set(ack.incident.id, ack.incident);
    renderIncidents();
    $("report-text").value = "";
    setText($("report-status"), t.sent);
  } else {
    setText($("report-status"), ack.message || t.error);
  }
});

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
  const ack = await request(socket, "roll_call_confirm", {});
  if (ack.ok) renderRollCall(ack.roll_call);
  else setText($("roll-time"), ack.message || t.error);
});
