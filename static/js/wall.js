// The crew chief's wall: every active event as a tile, polled from GET /api/v1/overview every 2 s.
// A tile turns amber or red for trouble (OBS down, not streaming while the programme runs, sites
// offline, open alerts) and links to the event's own pages. Errors show the server's message.
import { api, clientMessage } from "./lib/socket.js";
import { el } from "./lib/dom.js";

const POLL_MS = 2000;
const root = document.getElementById("wall");
const status = document.getElementById("wall-status");
const L = JSON.parse(root.dataset.labels || "{}");
const LINKS = JSON.parse(root.dataset.links || "[]");
const SLUG = root.dataset.slug;
let lastOk = null;

function fmt(label, values) {
  return String(label || "").replace(/%\((\w+)\)s/g, (_m, key) => String(values[key] ?? ""));
}

function stateLabel(state) {
  return (L.states || {})[state] || state || "";
}

function clock(date) {
  return date.toLocaleTimeString(document.documentElement.lang || "vi", { hour12: false });
}

// [level, reason] pairs; level is "warn" or "danger".
export function troubles(tile) {
  const out = [];
  const obs = tile.obs || {};
  if (obs.status !== "connected") out.push([obs.status === "not_configured" ? "warn" : "danger", obsText(obs)]);
  const running = tile.current_item !== null && tile.current_item !== undefined;
  if (running && tile.stream && tile.stream.state !== "live") out.push(["danger", L.trouble_stream]);
  const sites = tile.sites || {};
  if (sites.offline > 0) out.push([sites.offline * 10 >= Math.max(sites.total, 1) ? "danger" : "warn", L.trouble_offline]);
  if (sites.open_alerts > 0) out.push(["danger", L.trouble_alerts]);
  return out;
}

function level(list) {
  if (list.some(([lvl]) => lvl === "danger")) return "danger";
  return list.length ? "warn" : "ok";
}

function obsText(obs) {
  if (obs.status === "connected") return L.obs_connected;
  if (obs.status === "not_configured") return L.obs_not_configured;
  if (obs.status === "connecting") return L.obs_connecting;
  return L.obs_down;
}

function drift(item) {
  if (item.drift_s === null || item.drift_s === undefined) return "";
  const minutes = Math.round(item.drift_s / 60);
  if (minutes > 0) return fmt(L.late, { n: minutes });
  if (minutes < 0) return fmt(L.early, { n: -minutes });
  return L.on_time;
}

function row(label, value, tone, part) {
  return el("div", { class: "wall-row" + (tone ? ` tone-${tone}` : ""), dataset: { part } },
    el("span", { class: "wall-label" }, label), el("span", { class: "wall-value" }, value));
}

function links(slug) {
  return el("nav", { class: "wall-links" },
    LINKS.map((link) => el("a", { href: link.url.split(SLUG).join(encodeURIComponent(slug)) }, link.label)));
}

function render(tile) {
  const list = troubles(tile);
  const lvl = level(list);
  const obs = tile.obs || {};
  const sites = tile.sites || {};
  const q = tile.questions || {};
  const d = tile.destinations || {};
  const streamLive = tile.stream.state === "live";
  const control = LINKS.length ? LINKS[0].url.split(SLUG).join(encodeURIComponent(tile.slug)) : "#";
  const item = tile.current_item;
  return el("article", { class: `wall-tile level-${lvl}`, dataset: { slug: tile.slug, level: lvl } },
    el("header", {},
      el("h2", {}, el("a", { href: control }, tile.name)),
      el("div", { class: "wall-troubles" }, list.length
        ? list.map(([lvl2, why]) => el("span", { class: `badge badge-${lvl2}` }, why))
        : el("span", { class: "badge badge-ok" }, "✓"))),
    row(L.obs, obsText(obs) + (obs.side === "backup" ? ` · ${L.obs_backup}` : "")
      + (obs.program_scene ? ` · ${L.scene}: ${obs.program_scene}` : ""),
      obs.status === "connected" ? "ok" : (obs.status === "not_configured" ? "warn" : "danger"), "obs"),
    row(L.stream, stateLabel(tile.stream.state), streamLive ? "ok" : (item ? "danger" : null), "stream"),
    row(L.record, stateLabel(tile.record.state), tile.record.state === "recording" ? "ok" : null, "record"),
    row(L.pages, `${d.live}/${d.total}`, d.total && d.live < d.total && streamLive ? "warn" : null, "destinations"),
    el("div", { class: "wall-sites", dataset: { part: "sites" } },
      el("span", { class: "wall-label" }, `${L.sites} (${sites.total})`),
      el("span", { class: "st st-online", title: L.online }, `● ${sites.online}`),
      el("span", { class: "st st-degraded", title: L.degraded }, `▲ ${sites.degraded}`),
      el("span", { class: "st st-offline" + (sites.offline ? " hot" : ""), title: L.offline }, `✕ ${sites.offline}`),
      el("span", { class: "st st-never_seen", title: L.never_seen }, `○ ${sites.never_seen}`),
      el("span", { class: "st st-alerts" + (sites.open_alerts ? " hot" : ""), title: L.alerts },
        `⚠ ${sites.open_alerts}`)),
    row(L.questions, `${L.pending} ${q.pending} · ${L.on_air} ${q.on_air}`, null, "questions"),
    row(L.current, item ? `${item.title}${drift(item) ? " · " + drift(item) : ""}` : L.nothing,
      item && item.drift_s > 300 ? "warn" : null, "current"),
    links(tile.slug));
}

function show(events) {
  const tiles = events.map(render);
  if (!tiles.length) tiles.push(el("p", { class: "muted" }, L.no_events));
  root.replaceChildren(...tiles);
}

function setStatus(state, text) {
  status.dataset.state = state;
  status.className = "badge" + (state === "ok" ? " badge-ok" : state === "stale" ? " badge-danger" : "");
  status.textContent = text;
}

async function poll() {
  try {
    const { ok, data } = await api("GET", root.dataset.url);
    if (ok && data.ok) {
      show(data.events || []);
      lastOk = new Date();
      setStatus("ok", fmt(L.updated, { time: clock(lastOk) }));
    } else {
      setStatus("stale", data.message || clientMessage("offline"));
    }
  } catch (_) {
    setStatus("stale", lastOk ? fmt(L.stale, { time: clock(lastOk) }) : clientMessage("offline"));
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
