// The chair view: read-only. The server sends the whole picture (chair_snapshot) on joining /chair, so a
// reconnect resyncs by itself; the moderators' broadcasts (question_on_air, queue, question_updated) move it
// live: the on-air question is drawn at once from its broadcast, then the snapshot is asked again (debounced)
// for the queue, counts and themes. Staff ask over the socket (chair_snapshot), a chair link's tablet over
// REST with its key (GET /api/v1/chair/<key>/snapshot). All user text goes in through el()/setText().
import { api, connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const root = document.getElementById("chair");
const T = JSON.parse(document.getElementById("i18n").textContent);
const key = root.dataset.key || "";
const $ = (id) => document.getElementById(id);

// ---- clock (Asia/Ho_Chi_Minh) -------------------------------------------------------------
const clockFormat = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" });
function tick() { setText($("chair-clock"), clockFormat.format(new Date())); }
tick();
setInterval(tick, 5000);

// ---- drawing ------------------------------------------------------------------------------
function place(q) {
  if (!q.site) return [T.public_portal, null];
  const name = q.site.district ? `${q.site.name} (${q.site.district})` : q.site.name;
  return [name, q.site.code || null];
}

function countLine(q) {
  const parts = [];
  if (q.sites > 1) parts.push(`${q.sites} ${T.sites_asking}`);
  if (q.askers > 1) parts.push(`${q.askers} ${T.askers}`);
  return parts.length ? parts.join(" · ") : null;
}

function drawOnAir(q) {
  const box = $("chair-on-air");
  box.dataset.id = q ? String(q.id) : "";
  if (!q) {
    box.className = "chair-on-air empty";
    box.replaceChildren(el("p", { class: "chair-empty" }, T.no_on_air));
    return;
  }
  const [where, code] = place(q);
  const who = [q.author, q.unit].filter(Boolean).join(" – ");
  const length = [...q.text].length;
  const count = countLine(q);
  box.className = "chair-on-air" + (length > 400 ? " very-long" : length > 200 ? " long" : "");
  box.replaceChildren(...[
    el("div", { class: "chair-kind" }, T[q.kind] || q.kind),
    el("div", { class: "chair-text", id: "chair-on-air-text" }, q.text),
    who ? el("div", { class: "chair-who" }, who) : null,
    el("div", { class: "chair-where" }, where, code ? el("span", { class: "chair-code" }, code) : null),
    q.addressee ? el("div", { class: "chair-who" }, `${T.to}: ${q.addressee}`) : null,
    count ? el("div", { class: "chair-count", id: "chair-on-air-count" }, count) : null].filter(Boolean));
}

function drawQueue(items, total) {
  const list = $("chair-queue");
  if (!items.length) {
    list.replaceChildren(el("li", { class: "chair-q-empty" }, T.queue_empty));
  } else {
    list.replaceChildren(...items.map((q) => {
      const [where, code] = place(q);
      const count = countLine(q);
      return el("li", { dataset: { id: q.id } },
        el("span", { class: "chair-q-text" }, q.text),
        el("div", { class: "chair-q-meta" }, [q.author, where].filter(Boolean).join(" · "), code ? ` [${code}]` : "",
          count ? el("span", { class: "chair-badge" }, count) : null));
    }));
  }
  setText($("chair-queue-total"), total ? `(${total} ${T.more})` : "");
}

function drawThemes(themes) {
  const list = $("chair-theme-list");
  if (!themes.length) return list.replaceChildren(el("li", { class: "chair-theme-empty" }, T.no_themes));
  list.replaceChildren(...themes.map((t) => el("li", { dataset: { id: t.id } }, t.label, el("strong", {}, String(t.count)))));
}

function draw(snap) {
  drawOnAir(snap.on_air);
  drawQueue(snap.queue, snap.queue_total);
  drawThemes(snap.themes);
  document.body.dataset.ready = "1";
}

function setConn(state) {
  const node = $("chair-conn");
  node.dataset.state = state;
  setText(node, T[state] || state);
}

// ---- live -----------------------------------------------------------------------------------
const socket = connect("/chair", key ? { key } : { event: root.dataset.event });
let pending = null;
async function byKey() {
  try {
    const response = await fetch(root.dataset.api, { cache: "no-store", credentials: "omit" });
    return await response.json();
  } catch (_) {
    return { ok: false, error: "offline" };
  }
}
async function resync() {
  pending = null;
  const ack = key ? await byKey() : await request(socket, "chair_snapshot", {});
  if (ack && ack.ok) draw(ack);
  else if (ack && ack.error === "invalid_chair_key") setConn("expired");
}
function soon() { if (!pending) pending = setTimeout(resync, 300); }

socket.on("chair_snapshot", draw);
socket.on("question_on_air", ({ question }) => {
  if (question) drawOnAir({ ...question, site: question.site ? { name: question.site, code: question.site_code, district: question.district } : null });
  else drawOnAir(null);
  soon();
});
socket.on("queue", soon);
socket.on("question_updated", soon);
let revoked = false;
socket.on("chair_revoked", () => { // this tablet's link was revoked: stop following, and say so
  revoked = true;
  socket.disconnect();
  setConn("revoked");
});
socket.on("connect", () => setConn("connected"));
socket.on("disconnect", () => { if (!revoked) setConn("lost"); });
socket.on("connect_error", (err) => setConn(err && err.message === "invalid_chair_key" ? "expired" : "lost"));
setInterval(() => { if (socket.connected) resync(); }, 60000); // themes and counts move without a broadcast too

// ---- staff: revoke the chair links sent so far (the confirm dialog runs first, lib/confirm.js) --------
const revokeForm = $("chair-revoke");
if (revokeForm) {
  revokeForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { ok, data } = await api("POST", revokeForm.dataset.api, {});
    const input = $("chair-link");
    if (ok && data.chair_key) {
      input.value = input.value.slice(0, input.value.lastIndexOf("/") + 1) + data.chair_key;
      setText($("chair-revoke-status"), T.revoke_done);
    } else {
      setText($("chair-revoke-status"), (data && data.message) || T.revoke_failed);
    }
  });
}
