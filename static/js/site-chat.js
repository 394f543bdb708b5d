// The phone's side of the conversation with the crew: text, quick replies for the standard
// incidents, a photo from the camera (resized here with a canvas to ≤ 1280 px JPEG before it
// is sent over HTTP, multipart), read receipts both ways. Uses the phone page's socket
// (site-phone.js sets globalThis.bcSiteSocket) for pushes; without it, polls over HTTP.
import { clientMessage, request } from "/static/js/lib/socket.js";

const cfg = JSON.parse(document.getElementById("site-chat-config").textContent);
const t = cfg.i18n;
const $ = (id) => document.getElementById(id);
const base = `/api/v1/sites/${encodeURIComponent(cfg.token)}/chat`;
const MAX_SIDE = 1280;
let lines = [];
let photo = null;  // Blob (resized JPEG) waiting to be sent

const fmt = (iso) => (iso ? new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" }) : "");

function lineNode(l) {
  const li = document.createElement("li");
  li.className = `chat chat-${l.sender}`;
  li.dataset.id = l.id;
  const head = document.createElement("b");
  head.textContent = `${l.sender === "crew" ? t.crew : t.me} ${fmt(l.created_at)}`;
  li.append(head, " ", l.text || "");
  if (l.photo) {
    const img = document.createElement("img");
    img.src = `/p/${encodeURIComponent(cfg.token)}/chat/${l.id}/photo`;
    img.alt = t.photo; img.className = "chat-photo"; img.loading = "lazy";
    li.append(img);
  }
  if (l.sender === "site" && l.read_at) {
    const read = document.createElement("span");
    read.className = "read"; read.textContent = ` ✓ ${t.read}`;
    li.append(read);
  }
  return li;
}

function render() {
  const list = $("sc-lines");
  if (!lines.length) {
    const li = document.createElement("li"); li.className = "ph-empty"; li.textContent = t.empty;
    return list.replaceChildren(li);
  }
  list.replaceChildren(...lines.map(lineNode));
}

function add(l) {
  if (!lines.some((x) => x.id === l.id)) lines.push(l);
  render();
  if (l.sender === "crew") markRead();
}

async function json(method, url, body) {
  try {
    const res = await fetch(url, body instanceof FormData ? { method, body }
      : { method, headers: { "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    let data = {};
    try { data = await res.json(); } catch (_) { /* no body */ }
    return { ...data, ok: res.ok && data.ok === true };
  } catch (_) {
    return { ok: false, error: "offline", message: clientMessage("offline") };
  }
}

async function load() {
  const ack = await json("GET", base);
  if (!ack.ok) return;
  lines = ack.lines;
  render();
  if (lines.some((l) => l.sender === "crew" && !l.read_at)) markRead();
}

async function markRead() {
  const socket = globalThis.bcSiteSocket;
  if (socket && socket.connected) await request(socket, "site_chat_read", {});
  else await json("POST", `${base}/read`, {});
}

// The camera's photo, resized on the phone (a canvas) to at most 1280 px, as JPEG.
async function resize(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
}

async function send(text) {
  if (!text.trim() && !photo) return;
  $("sc-status").textContent = t.sending;
  const form = new FormData();
  form.append("text", text);
  if (photo) form.append("photo", photo, "photo.jpg");
  const ack = await json("POST", base, form);
  $("sc-status").textContent = ack.ok ? "" : ack.message || ack.error;
  if (!ack.ok) return;
  $("sc-text").value = ""; photo = null; $("sc-photo").value = ""; $("sc-photo-name").textContent = "";
  add(ack.line);
}

$("sc-photo").addEventListener("change", async () => {
  const file = $("sc-photo").files[0];
  if (!file) return;
  try { photo = await resize(file); } catch (_) { photo = file; }  // undecodable here: the server decides
  $("sc-photo-name").textContent = `${t.photo}: ${Math.round(photo.size / 1024)} KB`;
});
$("sc-form").addEventListener("submit", (ev) => { ev.preventDefault(); send($("sc-text").value); });
document.querySelector("#site-chat .ph-quick").addEventListener("click", (ev) => {
  const q = ev.target.dataset.quick;
  if (q) send(q);
});

function follow(socket) {
  socket.on("site_chat", add);
  socket.on("site_chat_read", (r) => {
    if (r.reader !== "crew") return;
    lines.forEach((l) => { if (r.ids.includes(l.id)) l.read_at = r.read_at; });
    render();
  });
  socket.on("connect", load);
}

// the phone page opens its socket after loading Socket.IO (or never, on a bad network): poll until then
const poller = setInterval(load, 10000);
const useSocket = (socket) => { clearInterval(poller); follow(socket); };
if (globalThis.bcSiteSocket) useSocket(globalThis.bcSiteSocket);
else document.addEventListener("bc:site-socket", (ev) => useSocket(ev.detail), { once: true });
load();
