// "Tôi cũng hỏi" on the phones (questions/_upvote_list.html): the list of questions the public may join is
// fetched only when the box is opened, then searched on the server (diacritic-blind) as one types; one tap
// adds this phone (its device id, the same one ask.js sends) or this bridge point (its token in the URL).
// The server stores the upvote before it answers and a repeat answers the stored one, so a retry is safe.
// Below it, the questions joined ("Câu đã tham gia", #joined): on the bridge point's page they are
// server-rendered; a phone that joined something (remembered in localStorage, so others send nothing more)
// reads them with its statuses (GET questions/status?device=…) or, when ask.js has its socket up, with
// follow_questions {device}, which also subscribes it to their joined_status messages; the bridge point's
// page hears joined_status on the socket site-phone.js opens. Without a socket it polls once a minute.
// All text goes in through el()/setText().
import { el, setText } from "/static/js/lib/dom.js";

const box = document.getElementById("upvotes");
const T = JSON.parse(document.getElementById("upvote-i18n").textContent);
const asSite = Boolean(box.dataset.asSite);
const siteToken = box.dataset.siteToken || "";
const list = document.getElementById("upvote-list");
const more = document.getElementById("upvote-more");
const stateLine = document.getElementById("upvote-state");
const joinedBox = document.getElementById("joined");
const joinedList = document.getElementById("joined-list");
const JOINED_KEY = `bc-joined:${box.dataset.event}`;
const PAGE = 20;
let offset = 0;
let query = "";
let loaded = false;

function deviceId() {
  let id = localStorage.getItem("bc-device");
  if (!id) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem("bc-device", id);
  }
  return id;
}

function counts(q) {
  const parts = [];
  if (q.sites > 1) parts.push(`${q.sites} ${T.sites}`);
  if (q.askers > 1) parts.push(`${q.askers} ${T.askers}`);
  return parts.join(" · ");
}

function item(q) {
  const button = el("button", { type: "button", class: "btn upvote-btn" + (q.mine ? " joined" : ""), disabled: q.mine,
    dataset: { id: q.id }, onclick: () => join(q, button, line) }, q.mine ? T.joined : T.join);
  const line = el("span", { class: "muted small upvote-count" }, counts(q));
  return el("li", { class: "upvote-item", dataset: { id: q.id } },
    q.status === "on_air" ? el("span", { class: "upvote-on-air" }, T.on_air) : null,
    el("div", { class: "upvote-text" }, q.text),
    el("div", { class: "upvote-meta" }, q.site ? el("span", { class: "muted small" }, `${q.site} · `) : null, line, button));
}

async function load(reset) {
  if (reset) { offset = 0; list.replaceChildren(); }
  setText(stateLine, T.loading);
  const params = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
  if (query) params.set("q", query);
  if (asSite) params.set("site_token", siteToken); else params.set("device", deviceId());
  let data;
  try {
    const response = await fetch(`${box.dataset.listApi}?${params}`, { cache: "no-store", credentials: "omit" });
    data = await response.json();
    if (!response.ok) throw new Error(data.message || String(response.status));
  } catch (_) {
    setText(stateLine, T.offline);
    return;
  }
  list.append(...data.items.map(item));
  offset += data.items.length;
  more.hidden = offset >= data.total;
  setText(stateLine, data.total ? `${offset} ${T.of} ${data.total}` : T.empty);
}

async function join(q, button, line) {
  button.disabled = true;
  const url = box.dataset.upvoteApi.replace(/\/0\/upvote$/, `/${q.id}/upvote`);
  const body = asSite ? {} : { device: deviceId(), ...(siteToken ? { site_token: siteToken } : {}) };
  let data = {};
  let status = 0;
  try {
    const response = await fetch(url, {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Device-Id": asSite ? "" : deviceId() },
      body: JSON.stringify(body),
    });
    status = response.status;
    try { data = await response.json(); } catch (_) { /* empty */ }
  } catch (_) {
    data = { message: T.offline };
  }
  if (status === 200 || status === 201) {
    button.classList.add("joined");
    setText(button, T.joined);
    setText(line, counts(data));
    upsert({ id: data.id || q.id, text: q.text, status: q.status, answer: null });
    if (!asSite) {
      try { localStorage.setItem(JOINED_KEY, "1"); } catch (_) { /* private mode */ }
      followJoined(); // its joined_status messages from now on
    }
    return;
  }
  button.disabled = false; // a refusal or no network: the same tap again is safe
  setText(stateLine, data.message || T.offline);
}

let typing = null;
document.getElementById("upvote-q").addEventListener("input", (e) => {
  clearTimeout(typing);
  typing = setTimeout(() => { query = e.target.value.trim(); load(true); }, 350);
});
more.addEventListener("click", () => load(false));
box.addEventListener("toggle", () => { if (box.open && !loaded) { loaded = true; load(true); } });

// ---- the questions joined ----------------------------------------------------------------------

function joinedItem(q) {
  return el("li", { class: "upvote-item", dataset: { id: q.id, status: q.status } },
    el("div", { class: "upvote-text" }, q.text),
    el("div", { class: `joined-status s-${q.status}` }, T.status[q.status] || q.status,
      q.reason ? ` – ${T.reason}: ${q.reason}` : ""),
    q.answer ? el("div", { class: "joined-answer" }, el("strong", {}, `${T.answer}: `), q.answer.text,
      q.answer.owner ? el("div", { class: "muted small" }, q.answer.owner) : null) : null);
}

const joinedNode = (id) => joinedList.querySelector(`li[data-id="${Number(id)}"]`);

function upsert(q) {
  if (!q || !q.id) return;
  if (q.was && q.was !== q.id) joinedNode(q.was)?.remove(); // merged into another question
  const node = joinedItem(q);
  const old = joinedNode(q.id);
  if (old) old.replaceWith(node); else joinedList.prepend(node);
  joinedBox.hidden = false;
}

function showJoined(items) {
  joinedList.replaceChildren(...items.map(joinedItem));
  joinedBox.hidden = items.length === 0;
}

const hasJoined = () => { try { return localStorage.getItem(JOINED_KEY) === "1"; } catch (_) { return false; } };
let socket = null;

function followJoined() {
  if (asSite || !hasJoined() || !socket || !socket.connected) return;
  socket.timeout(8000).emit("follow_questions", { device: deviceId() }, (err, ack) => {
    if (!err && ack && ack.ok) showJoined(ack.joined || []);
  });
}

async function pollJoined() {
  if (asSite || !hasJoined() || (socket && socket.connected)) return;
  try {
    const response = await fetch(`${box.dataset.statusApi}?device=${encodeURIComponent(deviceId())}`,
      { cache: "no-store", credentials: "omit" });
    if (response.ok) showJoined((await response.json()).joined || []);
  } catch (_) { /* offline: the next round */ }
}

function useSocket(s) {
  if (!s || socket) return;
  socket = s;
  socket.on("joined_status", upsert);
  socket.on("connect", followJoined);
  followJoined();
}

useSocket(globalThis.bcSiteSocket || globalThis.bcPublicSocket);
document.addEventListener("bc:site-socket", (e) => useSocket(e.detail));
document.addEventListener("bc:public-socket", (e) => useSocket(e.detail));
if (!asSite) {
  setTimeout(pollJoined, 2500); // the socket usually answers first (follow_questions): then nothing is sent
  setInterval(pollJoined, 60000);
  window.addEventListener("online", pollJoined);
}
