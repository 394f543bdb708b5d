// The crew's bridge-point board: a grid built once, then updated cell by cell (batched per
// animation frame) from Socket.IO events; counters kept incrementally, per group too; alerts
// on drops. For thousands of sites (a national conference) groups draw their cells only when
// scrolled near, and a wall mode shows one tile per group (province or cụm) on one screen.
import { api, connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const cfg = JSON.parse(document.getElementById("board-config").textContent);
const t = cfg.i18n;
const $ = (id) => document.getElementById(id);
const ICONS = { online: "●", degraded: "▲", background: "◐", offline: "✕", never_seen: "○" };
const STATES = Object.keys(ICONS);
const LAZY_ABOVE = 800;       // more sites than this: groups draw their cells when scrolled near
const WALL_ABOVE = 800;       // ... and the board opens on the wall of groups
const collator = new Intl.Collator("vi", { sensitivity: "base" });

const sites = new Map();      // id -> {data, cell (null until its group is drawn), fold, group}
const groups = new Map();     // group name -> {node, body, head, tile, ids: Set, counts, drawn}
const incidents = new Map();
const counts = { total: 0, online: 0, degraded: 0, background: 0, offline: 0, never_seen: 0, checked_in: 0 };
let pending = new Map();
let frame = 0;
let ready = false;
let muted = sessionStorage.getItem("board-muted") === "1";
let rollCall = null;
let selected = null;
let lazy = false;
let observer = null;
let dirtyGroups = new Set();

export const fold = (s) => (s || "").normalize("NFD").replace(/\p{Mn}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D")
  .toLowerCase().replace(/\s+/g, " ").trim();

// The group a site is shown in: its free group (cụm), else its province, else its district.
const groupOf = (d) => d.group_name || d.province || d.district || "—";
const searchText = (d) => fold(`${d.code} ${d.name} ${d.province || ""} ${d.district} ${d.commune} ${d.group_name || ""} ` +
  `${d.contact_name} ${d.phone || ""} ${(d.phone || "").replace(/[^0-9]/g, "")}`);

// ---- counters ---------------------------------------------------------------------------
function countAdd(data, sign) {
  counts.total += sign;
  counts[data.state] = (counts[data.state] || 0) + sign;
  if (data.checked_in_at) counts.checked_in += sign;
  const g = groups.get(groupOf(data));
  if (g) { g.counts.total += sign; g.counts[data.state] = (g.counts[data.state] || 0) + sign; dirtyGroups.add(g); }
}

function renderCounts() {
  for (const key of ["total", "online", "degraded", "background", "offline", "never_seen", "checked_in"]) setText($(`c-${key}`), counts[key]);
  for (const g of dirtyGroups) renderGroupCounts(g);
  dirtyGroups = new Set();
}

// The worst state with sites in it colours a group's tile.
function groupTone(c) {
  if (c.offline) return "offline";
  if (c.degraded) return "degraded";
  if (c.background) return "background";
  if (c.online) return "online";
  return "never_seen";
}

function renderGroupCounts(g) {
  const c = g.counts;
  const connected = c.online + c.degraded + c.background;
  const parts = STATES.filter((s) => c[s]).map((s) => `${ICONS[s]} ${c[s]}`).join("  ");
  setText(g.headCount, `${connected}/${c.total} · ${parts}`);
  setText(g.tileCount, `${connected}/${c.total}`);
  g.tile.className = `tile tone-${groupTone(c)}`;
  g.tile.dataset.tone = groupTone(c);
  g.tileBar.replaceChildren(...STATES.filter((s) => c[s]).map((s) => el("span", { class: `bar st-${s}`,
    style: `flex-grow:${c[s]}`, title: `${t[s]}: ${c[s]}` })));
  setText(g.tileDetail, STATES.filter((s) => s !== "online" && c[s]).map((s) => `${ICONS[s]} ${c[s]}`).join(" "));
}

// ---- grid (groups of cells) and wall (one tile per group) -------------------------------
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

function group(name) {
  let g = groups.get(name);
  if (g) return g;
  const body = el("div", { class: "cells" });
  const headCount = el("span", { class: "gcount muted" });
  const node = el("section", { class: "district", dataset: { district: name, group: name } },
    el("h3", {}, el("span", {}, name), " ", headCount), body);
  const tileCount = el("b", { class: "tcount" });
  const tileBar = el("span", { class: "tbar", "aria-hidden": "true" });
  const tileDetail = el("span", { class: "tdetail" });
  const tile = el("button", { type: "button", class: "tile", dataset: { group: name } },
    el("span", { class: "tname" }, name), tileCount, tileBar, tileDetail);
  tile.addEventListener("click", () => drill(name));
  g = { name, node, body, headCount, tile, tileCount, tileBar, tileDetail, ids: new Set(), drawn: false,
    counts: { total: 0, online: 0, degraded: 0, background: 0, offline: 0, never_seen: 0 } };
  groups.set(name, g);
  $("f-district").append(el("option", { value: name }, name));
  return g;
}

// A group's cells exist once it is drawn (at once on small boards, when scrolled near on large ones).
function drawGroup(g) {
  if (g.drawn) return;
  g.drawn = true;
  g.node.classList.remove("lazy");
  g.node.style.minHeight = "";
  const frag = document.createDocumentFragment();
  const filter = currentFilter();
  for (const id of g.ids) {
    const entry = sites.get(id);
    entry.cell = makeCell(entry.data);
    entry.cell.hidden = !matches(entry, filter);
    frag.append(entry.cell);
  }
  g.body.append(frag);
  if (observer) observer.unobserve(g.node);
}

function placeholder(g) {
  g.node.classList.add("lazy");
  g.node.style.minHeight = `${Math.ceil(g.ids.size / 8) * 34 + 28}px`;  // about its drawn height
  observer.observe(g.node);
}

function addSite(d) {
  const g = group(groupOf(d));
  const entry = { data: d, cell: null, fold: searchText(d), group: g };
  sites.set(d.id, entry);
  g.ids.add(d.id);
  countAdd(d, 1);
  if (d.district) addDistrictOption(d.district);
  return entry;
}

const messageDistricts = new Set();
function addDistrictOption(district) {
  if (messageDistricts.has(district)) return;
  messageDistricts.add(district);
  $("msg-district").append(el("option", { value: district }, district));
}

function buildGrid(list) {
  sites.clear(); groups.clear(); messageDistricts.clear(); dirtyGroups = new Set();
  for (const key of Object.keys(counts)) counts[key] = 0;
  $("f-district").replaceChildren($("f-district").firstElementChild);
  $("msg-district").replaceChildren();
  if (observer) observer.disconnect();
  lazy = list.length > LAZY_ABOVE;
  observer = lazy ? new IntersectionObserver((seen) => seen.forEach((e) => {
    if (e.isIntersecting) drawGroup(groups.get(e.target.dataset.group));
  }), { rootMargin: "600px 0px" }) : null;
  const siteSelect = [];
  for (const d of list) {
    addSite(d);
    siteSelect.push(el("option", { value: d.id }, `${d.code} · ${d.name}`));
  }
  // The server sends groups in Vietnamese order; keep it.
  const frag = document.createDocumentFragment();
  const tiles = document.createDocumentFragment();
  for (const g of groups.values()) {
    frag.append(g.node);
    tiles.append(g.tile);
    if (lazy) placeholder(g); else drawGroup(g);
  }
  $("grid").replaceChildren(frag);
  $("wall").replaceChildren(tiles);
  $("msg-site").replaceChildren(...siteSelect);
  renderCounts();
  applyFilters();
  setMode(sessionStorage.getItem(`board-mode:${cfg.slug}`) || (list.length > WALL_ABOVE ? "wall" : "grid"));
}

// A new group (an imported site) goes where Vietnamese order puts it.
const bare = (name) => name.replace(/^(thành phố|tỉnh|tp\.?)\s+/i, "");
function insertGroup(g) {
  const after = [...groups.values()].filter((o) => o !== g && o.node.isConnected)
    .find((o) => collator.compare(bare(o.name), bare(g.name)) > 0);
  $("grid").insertBefore(g.node, after ? after.node : null);
  $("wall").insertBefore(g.tile, after ? after.tile : null);
  drawGroup(g);
}

function queue(d) {
  pending.set(d.id, d);
  if (ready && !frame) frame = requestAnimationFrame(flush);
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
    const fresh = addSite(d);
    if (!fresh.group.node.isConnected) insertGroup(fresh.group);
    else if (fresh.group.drawn) { fresh.cell = makeCell(d); fresh.group.body.append(fresh.cell); }
    return;
  }
  const old = entry.data;
  if (old.changed_at && d.changed_at && d.changed_at < old.changed_at) return; // stale
  countAdd(old, -1);
  if (d.active === false) {
    if (entry.cell) entry.cell.remove();
    entry.group.ids.delete(d.id);
    sites.delete(d.id);
    return;
  }
  if (groupOf(d) !== entry.group.name) {  // moved to another group: redraw it there
    if (entry.cell) entry.cell.remove();
    entry.group.ids.delete(d.id);
    sites.delete(d.id);
    applyOne(d);
    return;
  }
  countAdd(d, 1);
  entry.data = d;
  entry.fold = searchText(d);
  if (old.state !== d.state) {
    if (entry.cell) {
      entry.cell.className = `site st-${d.state}`;
      entry.cell.dataset.state = d.state;
      setText(entry.cell.firstChild, ICONS[d.state] || "?");
    }
    if (d.state === "offline" && ["online", "degraded", "background"].includes(old.state)) alertDrop(d);
  }
  if (entry.cell) {
    entry.cell.title = cellLabel(d);
    entry.cell.setAttribute("aria-label", cellLabel(d));
  }
  if (selected === d.id) renderDetailState(d);
}

// ---- wall mode and drilling into a group -------------------------------------------------
function setMode(mode) {
  const wall = mode === "wall";
  document.body.dataset.boardMode = mode;
  $("wall").hidden = !wall;
  $("grid").hidden = wall;
  $("mode").setAttribute("aria-pressed", String(wall));
  setText($("mode"), wall ? t.grid_mode : t.wall_mode);
  sessionStorage.setItem(`board-mode:${cfg.slug}`, mode);
}
$("mode").addEventListener("click", () => setMode(document.body.dataset.boardMode === "wall" ? "grid" : "wall"));

function drill(name) {
  $("f-district").value = name;
  setMode("grid");
  applyFilters();
  const g = groups.get(name);
  drawGroup(g);
  g.node.scrollIntoView({ block: "start" });
}

// ---- filters ----------------------------------------------------------------------------
function currentFilter() {
  return { q: fold($("search").value), digits: $("search").value.replace(/[^0-9]/g, ""),
    state: $("f-state").value, group: $("f-district").value };
}

function matches(entry, f) {
  const d = entry.data;
  if (f.group && entry.group.name !== f.group) return false;
  if (f.state === "problem" ? !(d.state === "degraded" || d.state === "offline") : f.state && d.state !== f.state) return false;
  return !f.q || entry.fold.includes(f.q) || (f.digits.length >= 4 && entry.fold.includes(f.digits));
}

// Only the sites of a batch are re-checked after a push; a filter change checks them all
// (data only: cells not drawn yet are filtered when their group is drawn).
function applyFilters(only) {
  const f = currentFilter();
  const list = only ? [...only.keys()].map((id) => sites.get(id)).filter(Boolean) : sites.values();
  const touched = new Set();
  for (const entry of list) {
    const show = matches(entry, f);
    entry.visible = show;
    touched.add(entry.group);
    if (entry.cell && entry.cell.hidden === show) entry.cell.hidden = !show;
  }
  let shown = 0;
  for (const g of (only ? touched : groups.values())) {
    let any = false;
    for (const id of g.ids) if (sites.get(id).visible) { any = true; break; }
    g.node.hidden = !any;
    g.tile.hidden = !any;
  }
  for (const entry of sites.values()) if (entry.visible) shown += 1;
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
function dropsByGroup(drops) {
  const by = new Map();
  drops.forEach((a) => { const g = a.group || a.district || "—"; by.set(g, (by.get(g) || 0) + 1); });
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
      : `${t.group_drop.replace("{n}", list.length)} — ${dropsByGroup(list).districts.map(([d, n]) => `${d}: ${n}`).join(", ")}`;
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
  setText($("d-meta"), [d.province, d.district, d.commune, d.group_name].filter(Boolean).join(" · "));
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
