// Phone question form: submissions wait in localStorage until the server acknowledges them
// (same client_id on every retry, so no loss and no duplicates), then their status is followed
// live over /public (follow_questions), with HTTP polling when the socket is down.
// A phone holding the socket submits over it (public:submit_question, acked after the commit);
// HTTP (POST /api/v1/questions) is the fallback. Sent too fast (HTTP 429 or the socket's
// rate_limited / too_many_events): the item waits, says so with a countdown, and is sent
// again after Retry-After by itself.
// The Socket.IO module is loaded on demand (dynamic import()): when it cannot load on a poor
// connection the form still works, over HTTP, and statuses are polled.
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
let resumeAt = Math.max(0, ...items.filter((i) => i.state === "waiting").map((i) => i.until || 0));
function save() { localStorage.setItem(STORE, JSON.stringify(items)); }

function render() {
  list.replaceChildren(...items.slice().reverse().map((item) => {
    const state = item.state === "acked" ? (item.status || "sent") : item.state;
    const label = state === "waiting"
      ? T.waiting.replace("{n}", String(Math.max(1, Math.ceil(((item.until || 0) - Date.now()) / 1000))))
      : (T[state] || state);
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
  clearTimeout(render.tick);
  if (items.some((i) => i.state === "waiting")) render.tick = setTimeout(render, 1000); // the countdown
}

let flushing = false;
let retryAt = resumeAt > Date.now() ? resumeAt : 0; // a wait the server asked for outlives a reload

// One submission over the socket when it is up, else over HTTP; answers
// {kind: "ok"|"wait"|"refused"|"later", data, wait} whatever the transport.
async function send(item) {
  if (connected()) {
    const ack = await net.request(socket, "submit_question", item.body, 8000);
    if (ack.ok) return { kind: "ok", data: ack };
    if (ack.error === "rate_limited" || ack.error === "too_many_events") {
      return { kind: "wait", wait: parseInt(ack.retry_after, 10) || 5 };
    }
    if (ack.error !== "offline" && ack.error !== "timeout" && ack.error !== "server_error") {
      return { kind: "refused", data: ack };
    }
    // no answer over the socket: the same client_id over HTTP (a repeat is the stored question)
  }
  let response;
  try {
    response = await fetch(root.dataset.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Device-Id": deviceId(), "Accept-Language": document.documentElement.lang },
      body: JSON.stringify(item.body),
      credentials: "omit",
    });
  } catch (_) {
    return { kind: "later" }; // offline: keep everything, try again later
  }
  let data = {};
  try { data = await response.json(); } catch (_) { /* empty */ }
  if (response.status === 200 || response.status === 201) return { kind: "ok", data };
  if (response.status === 429) {
    return { kind: "wait", wait: parseInt(response.headers.get("Retry-After"), 10) || data.retry_after || 10 };
  }
  if (response.status >= 400 && response.status < 500) return { kind: "refused", data };
  return { kind: "later" }; // server trouble: retry later with the same client_id
}

async function flush() {
  if (flushing || Date.now() < retryAt) return;
  flushing = true;
  try {
    for (const item of items) {
      if (!["queued", "sending", "waiting"].includes(item.state)) continue;
      const result = await send(item);
      if (result.kind === "ok") {
        Object.assign(item, { state: "acked", id: result.data.id, status: "sent", until: undefined });
        save();
        follow([item.client_id]);
      } else if (result.kind === "wait") {
        retryAt = Date.now() + 1000 * Math.max(1, result.wait);
        for (const other of items) {
          if (["queued", "sending", "waiting"].includes(other.state)) Object.assign(other, { state: "waiting", until: retryAt });
        }
        save();
        clearTimeout(flush.timer);
        flush.timer = setTimeout(flush, retryAt - Date.now() + 50);
        break;
      } else if (result.kind === "refused") {
        Object.assign(item, { state: "failed", error: result.data.message || result.data.error || "" });
        save();
      } else {
        break;
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

// ---- live status (the socket is optional) --------------------------------------------------
let net = null; // the socket.js module, once loaded
let socket = null;
const connected = () => Boolean(socket && socket.connected);

async function follow(ids) {
  if (!ids.length || !connected()) return;
  const ack = await net.request(socket, "follow_questions", { client_ids: ids });
  if (ack && ack.ok) ack.statuses.forEach(applyStatus);
}

async function startSocket() {
  try {
    net = await import("/static/js/lib/socket.js");
  } catch (_) {
    return; // no Socket.IO: submissions go over HTTP, statuses are polled
  }
  socket = net.connect("/public", { event: slug, device: deviceId() }, { reconnect: "public" });
  socket.on("connect", () => {
    follow(items.filter((i) => i.state === "acked").map((i) => i.client_id));
    flush();
  });
  socket.on("question_status", applyStatus);
  // one connection per phone: the "tôi cũng hỏi" list (upvote-list.js) follows the same socket
  globalThis.bcPublicSocket = socket;
  document.dispatchEvent(new CustomEvent("bc:public-socket", { detail: socket }));
}

async function poll() {
  if (connected()) return;
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
  const waiting = Date.now() < retryAt; // sent too fast a moment ago: this one waits its turn too
  items.push({ client_id: body.client_id, body, state: waiting ? "waiting" : "queued", until: waiting ? retryAt : undefined, at: Date.now() });
  save();
  form.reset();
  setText(document.getElementById("count"), "0/1000");
  render();
  flush();
});

window.addEventListener("online", () => flush()); // a wait the server asked for still holds
window.addEventListener("offline", render);
window.addEventListener("storage", (e) => { if (e.key === STORE) { items = load(); render(); } });
setInterval(flush, 3000);
setInterval(poll, 15000);
render();
flush();
startSocket();
