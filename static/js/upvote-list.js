// "Tôi cũng hỏi" on the phones (questions/_upvote_list.html): the list of questions the public may join is
// fetched only when the box is opened, then searched on the server (diacritic-blind) as one types; one tap
// adds this phone (its device id, the same one ask.js sends) or this bridge point (its token in the URL).
// The server stores the upvote before it answers and a repeat answers the stored one, so a retry is safe.
// All text goes in through el()/setText().
import { el, setText } from "/static/js/lib/dom.js";

const box = document.getElementById("upvotes");
const T = JSON.parse(document.getElementById("upvote-i18n").textContent);
const asSite = Boolean(box.dataset.asSite);
const siteToken = box.dataset.siteToken || "";
const list = document.getElementById("upvote-list");
const more = document.getElementById("upvote-more");
const stateLine = document.getElementById("upvote-state");
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
