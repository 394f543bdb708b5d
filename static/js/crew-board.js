// The crew's bridge-point board: a grid built once, then updated cell by cell (batched per
// animation frame) from Socket.IO events; counters kept incrementally; alerts on drops.
import { api, connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const cfg = JSON.parse(document.getElementById("board-config").textContent);
const t = cfg.i18n;
const $ = (id) => document.getElementById(id);
const ICONS = { online: "●", degraded: "▲", offline: "✕", never_seen: "○" };
const STATES = Object.keys(ICONS);

const sites = new Map();      // id -> {data, cell, fold}
const sections = new Map();   // district -> {node, body}
const incidents = new Map();
const counts = { total: 0, online: 0, degraded: 0, offline: 0, never_seen: 0, checked_in: 0 };
let pending = new Map();
let frame = 0;
let ready = false;
let muted = sessionStorage.getItem("board-muted") === "1";
let rollCall = null;
let selected = null;

export const fold = (s) => (s || "").normalize("NFD").replace(/\p{Mn}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D")
  .toLowerCase().replace(/\s+/g, " ").trim();

// ---- grid -------------------------------------------------------------------------------
function countAdd(data, sign) {
  counts.total += sign;
  counts[data.state] = (counts[data.state] || 0) + sign;
  if (data.checked_in_at) counts.checked_in += sign;
}

function renderCounts() {
  for (const key of ["total", "online", "degraded", "offline", "never_seen", "checked_in"]) setText($(`c-${key}`), counts[key]);
}

function cellLabel(d) { return `${d.code} · ${d.name} · ${t[d.state] || d.state}`; }

function makeCell(d) {
  const icon = el("span", { class: "ico", "aria-hidden": "true" }, ICONS[d.state] || "?");
  const code = el("span", { class: "code" }, d.code);
  const name = el("span", { class: "nm" }, d.name.replace(/^Điểm cầu\s+/i, ""));
  const cell = el("button", { type: "button", class: `site st-${d.state}`, title: cellLabel(d), "aria-label": cellLabel(d),
    dataset: { id: d.id, state: d.state } }, icon, code, name);
  cell.addEventListener("click", () => openDetail(d.id));
  return cell;
}

function section(district) {
  let s = sections.get(district);
  if (!s) {
    const body = el("div", { class: "cells" });
    const node = el("section", { class: "district", dataset: { district } }, el("h3", {}, district || "—"), body);
    s = { node, body };
    sections.set(district, s);
    $("f-district").append(el("option", { value: district }, district || "—"));
    $("msg-district").append(el("option", { value: district }, district || "—"));
  }
  return s;
}

function buildGrid(list) {
  sites.clear(); sections.clear();
  for (const key of Object.keys(counts)) counts[key] = 0;
  $("f-district").replaceChildren($("f-district").firstElementChild);
  $("msg-district").replaceChildren();
  const siteSelect = [];
  const frag = document.createDocumentFragment();
  for (const d of list) {
    const s = section(d.district);
    const cell = makeCell(d);
    s.body.append(cell);
    sites.set(d.id, { data: d, cell, fold: fold(`${d.code} ${d.name} ${d.district} ${d.commune} ${d.contact_name}`) });
    countAdd(d, 1);
    siteSelect.push(el("option", { value: d.id }, `${d.code} · ${d.name}`));
  }
  for (const s of sections.values()) frag.append(s.node);
  $("grid").replaceChildren(frag);
  $("msg-site").replaceChildren(...siteSelect);
  renderCounts();
  applyFilters();
}

function queue(d) {
  if (!ready) { pending.set(d.id, d); return; }
  pending.set(d.id, d);
  if (!frame) frame = requestAnimationFrame(flush);
}

function flush() {
  frame = 0;
  const batch = pending;
  pending = new Map();
  for (const d of batch.values()) applyOne(d);
  renderCounts();
  if (batch.size) applyFilters(batch);
}

function applyOne(d) {
  const entry = sites.get(d.id);
  if (!entry) {
    if (d.active === false) return;
    const s = section(d.district);
    const cell = makeCell(d);
    s.body.append(cell);
    if (!s.node.isConnected) $("grid").append(s.node);
    sites.set(d.id, { data: d, cell, fold: fold(`${d.code} ${d.name} ${d.district} ${d.commune} ${d.contact_name}`) });
    countAdd(d, 1);
    return;
  }
  const old = entry.data;
  if (old.changed_at && d.changed_at && d.changed_at < old.changed_at) return; // stale
  countAdd(old, -1);
  if (d.active === false) { entry.cell.remove(); sites.delete(d.id); return; }
  countAdd(d, 1);
  entry.data = d;
  if (old.state !== d.state) {
    entry.cell.className = `site st-${d.state}`;
    entry.cell.dataset.state = d.state;
    setText(entry.cell.firstChild, ICONS[d.state] || "?");
    if (d.state === "offline" && (old.state === "online" || old.state === "degraded")) alertDrop(d);
  }
  entry.cell.title = cellLabel(d);
  entry.cell.setAttribute("aria-label", cellLabel(d));
  if (selected === d.id) renderDetailState(d);
}

// ---- filters ----------------------------------------------------------------------------
function matches(entry, q, state, district) {
  const d = entry.data;
  if (district && d.district !== district) return false;
  if (state === "problem" ? !(d.state === "degraded" || d.state === "offline") : state && d.state !== state) return false;
  return !q || entry.fold.includes(q);
}

function applyFilters(only) {
  const q = fold($("search").value);
  const state = $("f-state").value;
  const district = $("f-district").value;
  const list = only ? [...only.keys()].map((id) => sites.get(id)).filter(Boolean) : sites.values();
  for (const entry of list) {
    const show = matches(entry, q, state, district);
    if (entry.cell.hidden === show) entry.cell.hidden = !show;
  }
  let shown = 0;
  for (const s of sections.values()) {
    const any = s.body.querySelector(".site:not([hidden])");
    s.node.hidden = !any;
  }
  for (const entry of sites.values()) if (!entry.cell.hidden) shown += 1;
  setText($("shown"), t.shown.replace("{shown}", shown).replace("{total}", sites.size));
}
["search", "f-state", "f-district"].forEach((id) => $(id).addEventListener("input", () => applyFilters()));

// ---- alerts -----------------------------------------------------------------------------
let audio = null;
let lastBeep = 0;
function beep() {
  if (muted || Date.now() - lastBeep < 1000) return;
  lastBeep = Date.now();
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880; gain.gain.value = 0.08;
    osc.connect(gain).connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + 0.25);
  } catch (_) { /* no audio device */ }
}

// A drop's alert comes from the server (persisted, see "alerts that stay" below).
function alertDrop(_d) {}

// ---- alerts that stay -------------------------------------------------------------------
// Every drop and report stays until a crew member acknowledges it; drops pushed together
// (one sweep) are one group with one sound.
const openAlerts = new Map();  // alert id -> alert
let alertGroups = [];          // [{ids, at}] of drops, newest first
const GROUP_WINDOW_MS = 5000;  // drops pushed within this window are one group (one wave, one sound)

function addAlerts(list, sound) {
  const fresh = list.filter((a) => !a.acknowledged_at && !openAlerts.has(a.id));
  fresh.forEach((a) => openAlerts.set(a.id, a));
  const drops = fresh.filter((a) => a.kind === "offline");
  const recent = alertGroups[0] && Date.now() - alertGroups[0].at < GROUP_WINDOW_MS;
  let newGroup = false;
  if (drops.length && recent) alertGroups[0].ids.push(...drops.map((a) => a.id));  // the same wave of drops
  else if (drops.length) { alertGroups.unshift({ ids: drops.map((a) => a.id), at: Date.now() }); newGroup = true; }
  renderAlerts();
  if (sound && (newGroup || fresh.some((a) => a.kind === "report"))) beep();  // one sound per wave
}
function groupOf(drops) {
  const by = new Map();
  drops.forEach((a) => by.set(a.district || "—", (by.get(a.district || "—") || 0) + 1));
  return { count: drops.length, districts: [...by.entries()].sort((a, b) => b[1] - a[1]) };
}
function removeAlerts(ids) {
  ids.forEach((id) => openAlerts.delete(id));
  alertGroups = alertGroups.map((g) => ({ ...g, ids: g.ids.filter((id) => openAlerts.has(id)) })).filter((g) => g.ids.length);
  renderAlerts();
}
function alertSite(a) { return `${a.site_code} · ${a.site_name}`; }
function renderAlerts() {
  const items = [];
  for (const g of alertGroups) {
    const list = g.ids.map((id) => openAlerts.get(id));
    const label = list.length === 1 ? t.dropped.replace("{site}", alertSite(list[0]))
      : `${t.group_drop.replace("{n}", list.length)} — ${groupOf(list).districts.map(([d, n]) => `${d}: ${n}`).join(", ")}`;
    const flap = list.some((a) => a.flapping) ? el("span", { class: "badge flapping" }, t.flapping) : null;
    items.push(el("div", { class: "alert alert-drop", dataset: { ids: g.ids.join(","), count: list.length } },
      el("span", { class: "ico", "aria-hidden": "true" }, "✕"), " ",
      el("a", { href: "#", onclick: (e) => { e.preventDefault(); openDetail(list[0].site_id); } }, label), " ", flap,
      el("button", { class: "btn btn-small", type: "button", onclick: () => ackAlerts(g.ids) }, t.ack_all)));
  }
  for (const a of openAlerts.values()) {
    if (a.kind !== "report") continue;
    items.push(el("div", { class: "alert alert-report", dataset: { ids: String(a.id), count: 1 } },
      el("span", { class: "ico", "aria-hidden": "true" }, "▲"), " ",
      el("a", { href: "#", onclick: (e) => { e.preventDefault(); openDetail(a.site_id); } },
        t.alert_report.replace("{site}", alertSite(a)).replace("{detail}", a.detail)),
      el("button", { class: "btn btn-small", type: "button", onclick: () => ackAlerts([a.id]) }, t.ack_all)));
  }
  $("alerts").replaceChildren(...items);
  document.body.dataset.openAlerts = String(openAlerts.size);
}
async function ackAlerts(ids) {
  const ack = await request(socket, "alert_ack", { ids });
  if (refused($("inc-status"), ack)) removeAlerts(ack.alerts.map((a) => a.id));
}

function renderMute() {
  $("mute").setAttribute("aria-pressed", String(muted));
  setText($("mute"), muted ? t.unmute : t.mute);
}
$("mute").addEventListener("click", () => { muted = !muted; sessionStorage.setItem("board-muted", muted ? "1" : "0"); renderMute(); });
renderMute();

// ---- detail -----------------------------------------------------------------------------
const fmt = (iso) => (iso ? new Date(iso).toLocaleString("vi-VN") : "—");

function renderDetailState(d) {
  const node = $("d-state");
  node.className = `state-label st-${d.state}`;
  setText(node, `${ICONS[d.state]} ${t[d.state]} · ${t.last_beat}: ${fmt(d.last_beat_at)}`);
}

async function openDetail(id) {
  selected = id;
  const ack = await request(socket, "site_detail", { id });
  if (!refused($("inc-status"), ack)) return;
  const d = ack.site;
  $("detail").hidden = false;
  setText($("d-name"), `${d.code} · ${d.name}`);
  setText($("d-meta"), [d.district, d.commune].filter(Boolean).join(" · "));
  renderDetailState(d);
  $("d-contact").replaceChildren(`${t.contact}: ${d.contact_name || "—"} `,
    d.phone ? el("a", { href: `tel:${d.phone.replace(/[^0-9+]/g, "")}` }, d.phone) : "");
  $("d-log").replaceChildren(...ack.log.map((l) => el("li", {}, el("time", {}, fmt(l.at)), " ", el("b", {}, l.kind), " ", l.detail)));
  renderHistory(ack.history);
  openChat(id);
}
$("d-close").addEventListener("click", () => { $("detail").hidden = true; selected = null; });

function renderHistory(h) {
  if (!h) return;
  const parts = [h.uptime_pct === null ? "" : t.uptime.replace("{pct}", `${h.uptime_pct}%`)];
  if (h.flapping) parts.push(t.flapping);
  setText($("d-history"), parts.filter(Boolean).join(" · "));
  $("d-timeline").replaceChildren(...h.timeline.slice(-12).map((s) =>
    el("li", { class: `st-${s.state}` }, el("time", {}, fmt(s.at)), " ", t[s.state] || s.state)));
}

// ---- the conversation with the selected site --------------------------------------------
const unread = new Map();  // site id -> lines from the site the crew has not read
let chatLines = [];

function renderUnread(siteId) {
  const entry = sites.get(siteId);
  if (!entry) return;
  const n = unread.get(siteId) || 0;
  let badge = entry.cell.querySelector(".unread");
  if (!n) { if (badge) badge.remove(); return; }
  if (!badge) { badge = el("span", { class: "unread" }); entry.cell.append(badge); }
  setText(badge, n);
}
function chatLine(l) {
  const photo = l.photo ? el("a", { href: photoUrl(l), target: "_blank" },
    el("img", { src: photoUrl(l), alt: t.photo, class: "chat-photo", loading: "lazy" })) : null;
  const read = l.sender === "crew" && l.read_at ? el("span", { class: "read" }, ` ✓ ${t.read}`) : null;
  return el("li", { class: `chat chat-${l.sender}`, dataset: { id: l.id } }, el("time", {}, fmt(l.created_at)), " ",
    l.sender === "crew" ? el("b", {}, l.author) : null, " ", l.text, photo, read);
}
function photoUrl(l) { return `/events/${cfg.slug}/sites/${l.site_id}/chat/${l.id}/photo`; }
function renderChat() { $("chat-lines").replaceChildren(...chatLines.map(chatLine)); }
async function openChat(id) {
  const ack = await request(socket, "site_chat_history", { id });
  if (!refused($("chat-status"), ack) || selected !== id) return;
  chatLines = ack.lines;
  renderChat();
  if (unread.get(id)) markRead(id);
}
async function markRead(id) {
  const ack = await request(socket, "site_chat_read", { id });
  if (ack.ok) { unread.delete(id); renderUnread(id); }
}
async function sendChat(text) {
  if (!selected || !text.trim()) return;
  const ack = await request(socket, "site_chat_send", { id: selected, text });
  if (refused($("chat-status"), ack)) $("chat-text").value = "";
}
$("chat-form").addEventListener("submit", (ev) => { ev.preventDefault(); sendChat($("chat-text").value); });
$("chat-quick").addEventListener("click", (ev) => { const q = ev.target.dataset.quick; if (q) sendChat(q); });
function onChat(l) {
  if (selected === l.site_id && !$("detail").hidden) {
    if (!chatLines.some((x) => x.id === l.id)) { chatLines.push(l); renderChat(); }
    if (l.sender === "site") markRead(l.site_id);
  } else if (l.sender === "site") {
    unread.set(l.site_id, (unread.get(l.site_id) || 0) + 1);
    renderUnread(l.site_id);
    beep();
  }
}
function onChatRead(r) {
  if (r.reader !== "site" || selected !== r.site_id) return;
  chatLines.forEach((l) => { if (r.ids.includes(l.id)) l.read_at = r.read_at; });
  renderChat();
}

// ---- readiness before the start ---------------------------------------------------------
let readiness = null;
function renderReadiness(r) {
  readiness = r || readiness;
  if (!readiness) return;
  const { ready, total, ready_pct: pct } = readiness;
  setText($("ready-pct"), t.ready_pct.replace("{ready}", ready).replace("{total}", total).replace("{pct}", `${pct}%`));
  $("ready-progress").max = Math.max(1, total);
  $("ready-progress").value = ready;
  $("ready-groups").replaceChildren(...readiness.groups.filter((g) => g.not_ready.length).map((g) =>
    el("details", { class: "ready-group", open: "" }, el("summary", {}, `${g.district || "—"}: ${g.ready}/${g.total}`),
      el("ul", { class: "missing" }, ...g.not_ready.map((s) => el("li", { dataset: { id: s.id } },
        el("a", { href: "#", onclick: (e) => { e.preventDefault(); openDetail(s.id); } }, `${s.code} · ${s.name}`), " — ",
        s.checked_in ? s.missing.map((m) => t[m]).join(", ") : t.not_checked_in, " ",
        s.phone ? el("a", { href: `tel:${s.phone.replace(/[^0-9+]/g, "")}` }, `${s.contact_name || ""} ${s.phone}`.trim()) : ""))))));
  tickCountdown();
}
function tickCountdown() {
  if (!readiness) return;
  if (!readiness.starts_at) return setText($("ready-countdown"), t.no_start);
  const left = Math.round((new Date(readiness.starts_at) - Date.now()) / 1000);
  if (left <= 0) return setText($("ready-countdown"), t.started);
  const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), sec = left % 60;
  setText($("ready-countdown"), t.starts_in.replace("{time}", `${h ? `${h}:` : ""}${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`));
}
setInterval(tickCountdown, 1000);
let readinessTimer = 0;
function refreshReadiness() {  // a check-in changes it: refetch at most every 2 s
  if (readinessTimer) return;
  readinessTimer = setTimeout(async () => {
    readinessTimer = 0;
    const ack = await request(socket, "readiness", {});
    if (ack.ok) renderReadiness(ack.readiness);
  }, 2000);
}

// ---- incidents --------------------------------------------------------------------------
function renderIncidents() {
  const list = [...incidents.values()].sort((a, b) => (a.status === "resolved") - (b.status === "resolved") || b.id - a.id);
  if (!list.length) return $("incidents").replaceChildren(el("li", { class: "muted" }, t.no_incidents));
  $("incidents").replaceChildren(...list.slice(0, 60).map((i) => {
    const actions = [];
    if (i.status === "open") actions.push(el("button", { class: "btn btn-small", type: "button", onclick: () => act("incident_ack", i.id) }, t.ack));
    if (i.status !== "resolved") actions.push(el("button", { class: "btn btn-small", type: "button", onclick: () => act("incident_resolve", i.id) }, t.resolve));
    return el("li", { class: `incident st-${i.status}`, dataset: { id: i.id, status: i.status } },
      el("div", {}, el("b", {}, i.kind_label), " · ", el("a", { href: "#", onclick: (e) => { e.preventDefault(); openDetail(i.site_id); } }, `${i.site_code} ${i.site_name}`)),
      i.text ? el("div", { class: "itext" }, i.text) : null,
      el("div", { class: "muted" }, `${t[i.status]} · ${fmt(i.created_at)}`), el("div", { class: "form-row" }, actions));
  }));
}
async function act(name, id) {
  const ack = await request(socket, name, { id });
  if (refused($("inc-status"), ack)) { incidents.set(ack.incident.id, ack.incident); renderIncidents(); }
}

// Shows the server's message for a refusal (clears it on success); true when the action went through.
function refused(node, ack) {
  setText(node, ack.ok ? "" : ack.message || ack.error);
  return ack.ok;
}

// ---- roll call --------------------------------------------------------------------------
function renderRollCall(r) {
  rollCall = r;
  const live = Boolean(r);
  $("rc-live").hidden = !live;
  $("rc-idle").hidden = Boolean(r && r.open);
  if (!live) return;
  setText($("rc-name"), (r.title || t.roll_default) + (r.open ? "" : ` (${t.closed})`));
  setText($("rc-count"), `${r.confirmed}/${r.total}`);
  $("rc-progress").max = Math.max(1, r.total);
  $("rc-progress").value = r.confirmed;
  $("rc-close").hidden = !r.open;
  $("rc-csv").href = `/events/${cfg.slug}/roll-calls/${r.id}/export.csv`;
  $("rc-xlsx").href = `/events/${cfg.slug}/roll-calls/${r.id}/export.xlsx`;
  if (r.missing) $("rc-missing").replaceChildren(...r.missing.map((m) => el("li", { dataset: { id: m.id } }, `${m.code} · ${m.name}`)));
}
$("rc-start").addEventListener("click", async () => {
  const ack = await request(socket, "roll_call_start", { title: $("rc-title").value });
  if (refused($("rc-status"), ack)) renderRollCall(ack.roll_call);
});
$("rc-close").addEventListener("click", async () => {
  const ack = await request(socket, "roll_call_close", { id: rollCall.id });
  if (refused($("rc-status"), ack)) renderRollCall(ack.roll_call);
});

// ---- messages ---------------------------------------------------------------------------
$("msg-scope").addEventListener("input", () => {
  $("msg-district").hidden = $("msg-scope").value !== "district";
  $("msg-site").hidden = $("msg-scope").value !== "site";
});
$("msg").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const scope = $("msg-scope").value;
  const payload = { scope, text: $("msg-text").value };  // the sent message comes back as ack.crew_message
  if (scope === "district") payload.district = $("msg-district").value;
  if (scope === "site") payload.site_id = Number($("msg-site").value);
  const ack = await request(socket, "site_message_send", payload);
  if (refused($("msg-status"), ack)) $("msg-text").value = "";
});
function addSent(m) {
  $("sent").prepend(el("li", {}, el("time", {}, fmt(m.sent_at)), " ", el("b", {}, m.scope === "all" ? t.all : (m.district || `#${m.site_id}`)), " ", m.text));
}

// ---- wiring -----------------------------------------------------------------------------
const socket = connect("/crew", { event: cfg.slug });
socket.on("site_state", queue);
socket.on("site_states", (p) => p.sites.forEach(queue));
socket.on("incident", (i) => { incidents.set(i.id, i); renderIncidents(); if (i.status === "open") beep(); });
socket.on("roll_call", renderRollCall);
socket.on("roll_call_progress", (p) => {
  if (!rollCall || rollCall.id !== p.id) return;
  Object.assign(rollCall, { confirmed: p.confirmed, total: p.total });
  if (rollCall.missing) rollCall.missing = rollCall.missing.filter((m) => m.id !== p.site_id);
  renderRollCall(rollCall);
});
socket.on("crew_message_sent", addSent);
socket.on("alerts", (p) => addAlerts(p.alerts, true));
socket.on("alerts_acked", (p) => removeAlerts(p.ids));
socket.on("site_chat", onChat);
socket.on("site_chat_read", onChatRead);
socket.on("site_state", refreshReadiness);
socket.on("connect", async () => {
  $("live").dataset.state = "live"; setText($("live"), t.live);
  await load();
});
socket.on("disconnect", () => { $("live").dataset.state = "down"; setText($("live"), t.disconnected); });

async function load() {
  ready = false;
  const [list, state] = await Promise.all([api("GET", `/api/v1/events/${cfg.slug}/sites`), api("GET", `/api/v1/events/${cfg.slug}/bridges/state`)]);
  if (!list.ok) return;
  const early = pending;
  pending = new Map();
  buildGrid(list.data.sites);
  ready = true;
  for (const d of early.values()) queue(d);
  if (state.ok) {
    incidents.clear();
    state.data.incidents.forEach((i) => incidents.set(i.id, i));
    renderIncidents();
    renderRollCall(state.data.roll_call);
    $("sent").replaceChildren();
    state.data.messages.slice().reverse().forEach(addSent);
    openAlerts.clear(); alertGroups = [];
    addAlerts(state.data.alerts, false);
    unread.clear();
    Object.entries(state.data.unread || {}).forEach(([id, n]) => { unread.set(Number(id), n); renderUnread(Number(id)); });
    renderReadiness(state.data.readiness);
  }
  document.body.dataset.boardReady = "1";
}
