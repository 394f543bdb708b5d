// Phone question form: submissions wait in localStorage until the server acknowledges them
// (same client_id on every retry, so no loss and no duplicates), then their status is followed
// live over /public (follow_questions), with HTTP polling when the socket is down.
import { connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const root = document.getElementById("ask");
const T = JSON.parse(document.getElementById("i18n").textContent);
const slug = root.dataset.event;
const siteToken = root.dataset.siteToken || "";
const STORE = `bc-questions:${slug}:${siteToken || "public"}`;
const form = document.getElementById("ask-form");
const textArea = document.getElementById("text");
const list = document.getElementById("mine");
const netState = document.getElementById("net-state");
const formError = document.getElementById("form-error");

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function deviceId() {
  let id = localStorage.getItem("bc-device");
  if (!id) { id = randomId(); localStorage.setItem("bc-device", id); }
  return id;
}

function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) || []; } catch (_) { return []; }
}
let items = load();
function save() { localStorage.setItem(STORE, JSON.stringify(items)); }

function render() {
  list.replaceChildren(...items.slice().reverse().map((item) => {
    const state = item.state === "acked" ? (item.status || "sent") : item.state;
    const label = T[state] || state;
    return el("li", { dataset: { clientId: item.client_id, state } },
      el("div", { class: "muted small" }, T["kind_" + item.body.kind] || item.body.kind),
      el("div", { class: "mine-text" }, item.body.text),
      el("div", { class: `mine-status s-${state}` }, label,
        item.reason ? ` – ${T.reason}: ${item.reason}` : "",
        item.error ? ` – ${item.error}` : ""),
      item.answer ? el("div", { class: "mine-answer" }, el("strong", {}, `${T.answer}: `), item.answer.text,
        item.answer.owner ? el("div", { class: "muted small" }, item.answer.owner) : null) : null);
  }));
  document.getElementById("mine-empty").hidden = items.length > 0;
  const waiting = items.some((i) => i.state === "queued" || i.state === "sending");
  netState.hidden = !(waiting && !navigator.onLine);
  setText(netState, T.offline);
}

let flushing = false;
let retryAt = 0;
async function flush() {
  if (flushing || Date.now() < retryAt) return;
  flushing = true;
  try {
    for (const item of items) {
      if (item.state !== "queued" && item.state !== "sending") continue;
      let response;
      try {
        response = await fetch(root.dataset.api, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Device-Id": deviceId(), "Accept-Language": document.documentElement.lang },
          body: JSON.stringify(item.body),
          credentials: "omit",
        });
      } catch (_) {
        break; // offline: keep everything, try again later
      }
      let data = {};
      try { data = await response.json(); } catch (_) { /* empty */ }
      if (response.status === 200 || response.status === 201) {
        Object.assign(item, { state: "acked", id: data.id, status: "sent" });
        save();
        follow([item.client_id]);
      } else if (response.status === 429) {
        retryAt = Date.now() + 1000 * (parseInt(response.headers.get("Retry-After"), 10) || 10);
        break;
      } else if (response.status >= 400 && response.status < 500) {
        Object.assign(item, { state: "failed", error: data.message || String(response.status) });
        save();
      } else {
        break; // server trouble: retry later with the same client_id
      }
    }
  } finally {
    flushing = false;
    render();
  }
}

function applyStatus(s) {
  const item = items.find((i) => i.client_id === s.client_id);
  if (!item) return;
  if (item.state !== "acked") item.state = "acked";
  item.status = s.status;
  item.reason = s.reason || "";
  item.answer = s.answer || null;
  save();
  render();
}

// ---- live status -------------------------------------------------------------------------
const socket = connect("/public", { event: slug });
async function follow(ids) {
  if (!ids.length || !socket.connected) return;
  const ack = await request(socket, "follow_questions", { client_ids: ids });
  if (ack && ack.ok) ack.statuses.forEach(applyStatus);
}
socket.on("connect", () => {
  follow(items.filter((i) => i.state === "acked").map((i) => i.client_id));
  flush();
});
socket.on("question_status", applyStatus);

async function poll() {
  if (socket.connected) return;
  const ids = items.filter((i) => i.state === "acked").map((i) => i.client_id).slice(-50);
  if (!ids.length) return;
  try {
    const response = await fetch(`${root.dataset.statusApi}?ids=${encodeURIComponent(ids.join(","))}`);
    if (response.ok) (await response.json()).statuses.forEach(applyStatus);
  } catch (_) { /* offline */ }
}

// ---- the form ----------------------------------------------------------------------------
textArea.addEventListener("input", () => setText(document.getElementById("count"), `${[...textArea.value].length}/1000`));
form.addEventListener("submit", (e) => {
  e.preventDefault();
  const fd = new FormData(form);
  const text = (fd.get("text") || "").trim();
  formError.hidden = true;
  if (!text) { formError.hidden = false; setText(formError, T.empty); return; }
  if ([...text].length > 1000) { formError.hidden = false; setText(formError, T.too_long); return; }
  const body = { event: slug, kind: fd.get("kind") || "question", text, client_id: randomId() };
  for (const key of ["author", "unit", "addressee"]) {
    const value = (fd.get(key) || "").trim();
    if (value) body[key] = value;
  }
  const item = fd.get("agenda_item");
  if (item) body.agenda_item = parseInt(item, 10);
  if (siteToken) body.site_token = siteToken;
  items.push({ client_id: body.client_id, body, state: "queued", at: Date.now() });
  save();
  form.reset();
  setText(document.getElementById("count"), "0/1000");
  render();
  flush();
});

window.addEventListener("online", () => { retryAt = 0; flush(); });
window.addEventListener("offline", render);
window.addEventListener("storage", (e) => { if (e.key === STORE) { items = load(); render(); } });
setInterval(flush, 3000);
setInterval(poll, 15000);
render();
flush();
