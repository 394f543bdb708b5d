// Fan pages (restream) on the control panel: the event's pages with their live state, one
// press to go live everywhere or stop, and start/stop per page. Talks to /crew with the
// restream commands; the server pushes `destinations` changes. Text only through setText/el.
import { connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const root = document.getElementById("fan-pages");
const slug = root.dataset.event;
const T = JSON.parse(document.getElementById("fan-i18n").textContent);
const $ = (id) => document.getElementById(id);
const socket = connect("/crew", { event: slug });
const pages = new Map(); // id -> destination
const PRESS_TIMEOUT_MS = 20000; // the one press waits for OBS to report its stream live

function showError(ack) {
  setText($("fan-error"), ack && !ack.ok ? (ack.message || ack.error || "") : "");
}

async function send(name, payload = {}, timeout = 8000) {
  const ack = (await request(socket, name, payload, timeout)) || { ok: false };
  showError(ack);
  if (ack.ok) absorb(ack);
  return ack;
}

function absorb(ack) {
  if (ack.destinations) { pages.clear(); for (const d of ack.destinations) pages.set(d.id, d); }
  if (ack.destination) pages.set(ack.destination.id, { ...pages.get(ack.destination.id), ...ack.destination });
  if (ack.ingest) {
    const i = ack.ingest;
    setText($("fan-ingest"), i.running ? `${T.ingest}: ${i.server} · ${i.stream_key}` : "");
  }
  render();
}

function uptime(s) {
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return `${h ? `${h}:` : ""}${String(m).padStart(h ? 2 : 1, "0")}:${String(sec).padStart(2, "0")}`;
}

function row(d) {
  const running = ["connecting", "live", "retrying", "waiting"].includes(d.state);
  const err = d.last_error && d.state !== "live" ? d.last_error.message : "";
  return el("tr", { dataset: { id: String(d.id), state: d.state } },
    el("td", {}, el("strong", {}, d.name), " ", el("span", { class: "muted" }, d.enabled ? d.kind : `${d.kind}, ${T.disabled}`)),
    el("td", {}, el("span", { class: "badge fan-state", dataset: { state: d.state } }, T[d.state] || d.state)),
    el("td", { class: "fan-rate" }, d.state === "live" ? `${d.bitrate_kbps} ${T.kbps} · ${uptime(d.uptime_s || 0)}` : ""),
    el("td", { class: "muted" }, d.restarts ? `${d.restarts} ${T.restarts}` : ""),
    el("td", { class: "fan-reason" }, err),
    el("td", {}, el("button", {
      type: "button", class: `btn btn-small${running ? " btn-danger" : ""}`, disabled: !d.enabled && !running,
      onclick: () => send(running ? "destination_stop" : "destination_start", { id: d.id }),
    }, running ? T.stop : T.start)));
}

function render() {
  const list = [...pages.values()].sort((a, b) => (a.position - b.position) || (a.id - b.id));
  $("fan-list").replaceChildren(...list.map(row));
  $("fan-empty").hidden = list.length > 0;
}

$("fan-start").addEventListener("click", () => send("restream", { action: "start" }, PRESS_TIMEOUT_MS));
$("fan-stop").addEventListener("click", () => send("restream", { action: "stop" }, PRESS_TIMEOUT_MS));
socket.on("connect", () => { send("destinations_list"); });
socket.on("destinations", (msg) => {
  if (!msg || msg.event !== slug || !msg.destination) return;
  const known = pages.get(msg.destination.id);
  if (known) { pages.set(known.id, { ...known, ...msg.destination }); render(); }
});
