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

function alertDrop(d) {
  const box = $("alerts");
  const item = el("div", { class: "alert", dataset: { id: d.id } }, el("span", { class: "ico", "aria-hidden": "true" }, "✕"), " ",
    t.dropped.replace("{site}", `${d.code} · ${d.name}`));
  item.addEventListener("click", () => { openDetail(d.id); item.remove(); });
  box.prepend(item);
  while (box.children.length > 6) box.lastChild.remove();
  setTimeout(() => item.remove(), 15000);
  beep();
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
}
$("d-close").addEventListener("click", () => { $("detail").hidden = true; selected = null; });

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
  }
  document.body.dataset.boardReady = "1";
}
