// Moderation console: a paged live list (incremental updates, batched per frame), a detail
// pane with every action, the on-air queue (drag to reorder), presence, keyboard shortcuts,
// and the themes (a filter, a view with counts, rename / merge / move, actions per theme).
// An edit in progress is never overwritten: a broadcast only marks the editor "changed
// elsewhere", and a stale save shows both texts side by side for the moderator to choose.
// Keyboard actions act on the question shown (which always matches the filter): one pressed
// while the next question's detail loads (J then A) waits and acts on that next question. All user text goes through el()/setText (text nodes only).
import { connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";

const root = document.getElementById("mod");
const T = JSON.parse(document.getElementById("i18n").textContent);
const agendaTitles = JSON.parse(document.getElementById("agenda-data").textContent);
const agendaIds = JSON.parse(document.getElementById("agenda-ids").textContent);
const slug = root.dataset.event;
const PAGE = 100;
const BULK_MAX = 500; // the most one bulk action takes (server/services/questions/moderation.py BULK_MAX)
const $ = (id) => document.getElementById(id);
const listEl = $("list");
const detailEl = $("detail");

const state = { offset: 0, total: 0, items: new Map(), order: [], selected: null, detail: null, fresh: 0, pending: [],
  loading: false, queuedKey: null, mode: null, base: null, remote: null, conflict: null, viewers: [], picked: new Set(),
  themes: new Map(), themesOpen: false };
const REASONS = [T.reason_duplicate, T.reason_unsuitable, T.reason_out_of_scope];
const socket = connect("/moderation", { event: slug });

function filters() {
  const f = {};
  for (const [key, value] of new FormData($("filters")).entries()) if (value !== "") f[key] = value;
  f.status = $("f-status").value;
  if (f.status === "") f.status = "all";
  return f;
}

function toast(message, ok = false) {
  const t = $("toast");
  t.className = ok ? "toast ok" : "toast";
  setText(t, message);
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, ok ? 1500 : 5000);
}

// ---- rows -------------------------------------------------------------------------------
function statusBadge(status) { return el("span", { class: `st st-${status}` }, T["st_" + status] || status); }

function whoLine(q) {
  const parts = [q.author, q.unit, q.site ? `${q.site.name}${q.site.district ? " (" + q.site.district + ")" : ""}` : T.public_portal];
  return parts.filter(Boolean).join(" · ");
}

function row(q) {
  return el("li", { class: "q-row" + (state.selected === q.id ? " selected" : ""), dataset: { id: q.id }, onclick: () => select(q.id) },
    el("div", { class: "q-head" },
      el("input", { type: "checkbox", class: "bulk-pick", title: T.pick, "aria-label": T.pick, checked: state.picked.has(q.id),
        onclick: (e) => { e.stopPropagation(); togglePick(q.id, e.target.checked); } }),
      el("span", { class: "q-id" }, `#${q.id}`), statusBadge(q.status),
      el("span", { class: "muted" }, T["kind_" + q.kind] || q.kind),
      q.sites > 1 ? el("span", { class: "badge" }, `${q.sites} ${T.sites}`) : null,
      q.claimed_by ? el("span", { class: "claim" }, `✋ ${q.claimed_by}`) : null,
      q.edited ? el("span", { class: "muted" }, "✎") : null,
      q.answer && q.answer.text ? el("span", { class: "muted", title: T.written_answer }, "✉") : null,
      q.overdue ? el("span", { class: "overdue" }, `⏰ ${T.overdue}`) : null),
    el("div", { class: "q-text" }, q.text),
    el("div", { class: "q-meta" }, whoLine(q), q.tags.length ? ` · # ${q.tags.join(", ")}` : "",
      themeLabel(q) ? el("span", { class: "q-theme" }, ` · ◆ ${themeLabel(q)}${q.theme_pinned ? " 📌" : ""}`) : null));
}

function themeLabel(q) {
  const t = q.theme_id ? state.themes.get(q.theme_id) : null;
  return t ? t.label : "";
}

function renderList() {
  listEl.replaceChildren(...state.order.map((id) => row(state.items.get(id))));
  if (!state.order.length) listEl.append(el("li", { class: "q-row muted" }, T.empty_list));
  const end = Math.min(state.offset + state.order.length, state.total);
  setText($("list-range"), `${state.total ? state.offset + 1 : 0}–${end} ${T.of} ${state.total}`);
  $("new-badge").hidden = state.fresh === 0;
  setText($("new-badge"), `${state.fresh} ${T.new_items}`);
}

function replaceRow(q) {
  const old = listEl.querySelector(`li[data-id="${q.id}"]`);
  if (old) old.replaceWith(row(q));
}

async function load(offset = state.offset, keepDetail = false) {
  const ack = await request(socket, "list_questions", { ...filters(), offset, limit: PAGE });
  if (!ack.ok) return toast(ack.message);
  state.offset = offset;
  state.total = ack.total;
  state.fresh = 0;
  state.items = new Map(ack.items.map((q) => [q.id, q]));
  state.order = ack.items.map((q) => q.id);
  renderList();
  if (!keepDetail && !state.themesOpen && !state.order.includes(state.selected)) showFirstOrNothing();
}

// The detail pane only ever shows a question of the list (i.e. one matching the filter).
function showFirstOrNothing() {
  if (state.order.length) return select(state.order[0]);
  state.selected = null;
  state.detail = null;
  state.mode = null;
  state.loading = false;
  state.queuedKey = null;
  request(socket, "question_viewing", { id: null });
  detailEl.replaceChildren(el("p", { class: "muted" }, T.empty_list));
}

// A question changed so that it no longer matches the filter: drop it, show its neighbour.
function dropFromList(id) {
  const i = state.order.indexOf(id);
  if (i < 0) return;
  state.order.splice(i, 1);
  state.items.delete(id);
  state.total = Math.max(0, state.total - 1);
  listEl.querySelector(`li[data-id="${id}"]`)?.remove();
  setText($("list-range"), `${state.total ? state.offset + 1 : 0}–${Math.min(state.offset + state.order.length, state.total)} ${T.of} ${state.total}`);
  if (state.selected === id && !state.mode && !state.conflict) {
    const next = state.order[Math.min(i, state.order.length - 1)];
    if (next === undefined) showFirstOrNothing(); else select(next);
  }
  if (!state.order.length) reloadSoon(); // the page emptied (a bulk action): fetch what matches now
}

// Many changes at once (another moderator's bulk action): one reload once they stop arriving.
function reloadSoon() {
  clearTimeout(reloadSoon.timer);
  reloadSoon.timer = setTimeout(() => load(state.offset >= state.total ? 0 : state.offset), 150);
}

function fold(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

function matches(q) {
  const f = filters();
  if (f.status !== "all" && !f.status.split(",").includes(q.status)) return false;
  if (f.kind && q.kind !== f.kind) return false;
  if (f.site && (!q.site || String(q.site.id) !== f.site)) return false;
  if (f.district && (!q.site || q.site.district !== f.district)) return false;
  if (f.tag && !q.tags.includes(f.tag)) return false;
  if (f.agenda_item && String(q.agenda_item_id) !== f.agenda_item) return false;
  if (f.theme && String(q.theme_id) !== f.theme) return false;
  if (f.q && !fold(f.q).split(/\s+/).every((w) => fold(`${q.text} ${q.author} ${q.unit}`).includes(w))) return false;
  return true;
}

// New questions arrive in bursts: collect them and draw once per frame.
function flushNew() {
  const batch = state.pending.splice(0);
  const fresh = batch.filter(matches);
  if (!fresh.length) return;
  state.total += fresh.length;
  if (state.offset === 0) {
    for (const q of fresh) { state.items.set(q.id, q); state.order.unshift(q.id); }
    const nodes = fresh.map(row).reverse();
    listEl.querySelector(".q-row.muted")?.remove();
    listEl.prepend(...nodes);
    while (state.order.length > PAGE) {
      const id = state.order.pop();
      state.items.delete(id);
      listEl.querySelector(`li[data-id="${id}"]`)?.remove();
    }
    const end = Math.min(state.order.length, state.total);
    setText($("list-range"), `1–${end} ${T.of} ${state.total}`);
  } else {
    state.fresh += fresh.length;
    $("new-badge").hidden = false;
    setText($("new-badge"), `${state.fresh} ${T.new_items}`);
  }
}
socket.on("question_new", (q) => {
  if (!state.pending.length) requestAnimationFrame(flushNew);
  state.pending.push(q);
});

socket.on("question_updated", (q) => {
  const shown = state.detail && state.detail.question.id === q.id;
  if (shown && (state.mode || state.conflict)) { // never feed a broadcast into an open editor
    state.remote = q;
    markChangedElsewhere();
  } else if (shown && matches(q)) {
    state.detail.question = q;
    renderDetail();
  }
  if (!state.items.has(q.id)) return;
  if (!matches(q)) return dropFromList(q.id);
  state.items.set(q.id, q);
  replaceRow(q);
});
socket.on("question_viewers", ({ id, names }) => {
  if (!state.detail || state.detail.question.id !== id) return;
  state.viewers = names.filter((n) => n !== T.me);
  renderViewers();
});
socket.on("on_air_replaced", ({ id, by, replaced_by: who, new_id: newId }) => {
  if (by === T.me) toast(`${who} ${T.replaced_your_on_air} #${id} → #${newId}`);
});
socket.on("queue", () => loadQueue());
socket.on("question_on_air", ({ question }) => {
  const box = $("on-air");
  box.className = question ? "on-air-box live" : "on-air-box muted";
  box.dataset.id = question ? String(question.id) : "";
  setText(box, question ? `#${question.id} ${question.text}\n— ${[question.author, question.unit, question.site].filter(Boolean).join(" · ")}` : "—");
});
socket.on("presence", ({ moderators }) => $("presence").replaceChildren(...moderators.map((m) => el("li", {}, m))));
socket.on("connect", () => { load(state.offset); loadQueue(); loadThemes(); if (state.selected) select(state.selected); });
socket.on("disconnect", () => toast(T.disconnected));

// ---- detail -----------------------------------------------------------------------------
async function select(id) {
  state.themesOpen = false;
  state.selected = id;
  state.loading = true;
  listEl.querySelectorAll(".q-row.selected").forEach((n) => n.classList.remove("selected"));
  const node = listEl.querySelector(`li[data-id="${id}"]`);
  if (node) { node.classList.add("selected"); node.scrollIntoView({ block: "nearest" }); }
  detailEl.classList.add("loading");
  const ack = await request(socket, "open_question", { id });
  if (state.selected !== id) return; // another question was chosen meanwhile
  state.loading = false;
  detailEl.classList.remove("loading");
  const queued = state.queuedKey;
  state.queuedKey = null;
  if (!ack.ok) return toast(ack.message);
  state.detail = ack;
  state.viewers = ack.viewers || [];
  state.mode = state.base = state.remote = state.conflict = null;
  renderDetail();
  if (queued) queued(); // a key pressed while this question loaded acts on it, now shown
}

function renderViewers() {
  const box = $("viewers");
  if (!box) return;
  box.hidden = !state.viewers.length;
  setText(box, state.viewers.length ? `👁 ${T.also_open} ${state.viewers.join(", ")}` : "");
}

function markChangedElsewhere() {
  const box = $("changed-elsewhere");
  if (box) { box.hidden = false; setText(box, T.changed_elsewhere); }
}

function button(label, key, onclick, cls = "btn") {
  return el("button", { type: "button", class: cls, onclick, dataset: { action: key.toLowerCase() } }, label, el("span", { class: "kbd" }, key));
}

function renderDetail() {
  const { question: q, links, audit, similar } = state.detail;
  const itemIndex = agendaIds.indexOf(q.agenda_item_id);
  const parts = [
    el("h2", {}, `#${q.id} · ${T["kind_" + q.kind] || q.kind} `, statusBadge(q.status),
      q.claimed_by ? el("span", { class: "claim" }, ` ${T.claimed_by} ${q.claimed_by}`) : null),
    el("p", { id: "viewers", class: "viewers", hidden: true }),
    el("div", { class: "detail-text", id: "detail-text" }, q.text),
    q.original_text ? el("div", { class: "original" }, el("strong", {}, T.original + ": "), q.original_text) : null,
    el("div", { class: "q-meta" }, whoLine(q), q.addressee ? ` · ${T.addressee}: ${q.addressee}` : "",
      ` · ${T.agenda_item}: ${itemIndex >= 0 ? agendaTitles[itemIndex] : T.none}`,
      q.sites > 1 || q.askers > 1 ? ` · ${q.askers} ${T.askers}, ${q.sites} ${T.sites}` : "",
      q.tags.length ? ` · # ${q.tags.join(", ")}` : "", q.reason ? ` · ${T.reason}: ${q.reason}` : ""),
    el("div", { class: "actions" },
      button(q.claimed_by ? T.release : T.claim, "C", () => claimToggle()),
      button(T.approve, "A", () => act("approve"), "btn btn-primary"),
      button(T.reject, "R", () => startMode("reject"), "btn btn-danger"),
      button(T.edit, "E", () => startMode("edit")),
      button(T.tags.split(" (")[0], "T", () => startMode("tags")),
      button(T.on_air, "O", () => act("on_air"), "btn btn-primary"),
      button(T.off_air, "F", () => act("off_air")),
      button(T.answered, "D", () => act("answered")),
      button(T.written_answer, "W", () => startMode("answer"))),
    q.answer ? el("div", { class: "answer-box" + (q.overdue ? " overdue" : "") },
      el("strong", {}, `${T.written_answer}: `),
      q.answer.owner ? `${T.answer_owner}: ${q.answer.owner} · ` : "",
      q.answer.due ? `${T.answer_due}: ${new Date(q.answer.due).toLocaleString()} ` : "",
      q.overdue ? `⏰ ${T.overdue}` : "",
      q.answer.text ? el("div", { class: "detail-text" }, q.answer.text) : null) : null,
    el("div", { id: "mode-form" }),
    el("label", { class: "detail-form" }, `${T.move_to_theme}${q.theme_pinned ? ` (📌 ${T.pinned})` : ""}`,
      el("select", { id: "theme-select", onchange: (e) => { if (e.target.value) moveToTheme(q.id, parseInt(e.target.value, 10)); } },
        el("option", { value: "" }, q.theme_id ? "" : T.none),
        ...[...state.themes.values()].map((t) => el("option", { value: t.id, selected: t.id === q.theme_id }, `${t.label} (${t.count})`)))),
    el("label", { class: "detail-form" }, T.agenda_item,
      el("select", { id: "agenda-select", onchange: (e) => act("set_agenda_item", { agenda_item_id: e.target.value ? parseInt(e.target.value, 10) : null }) },
        el("option", { value: "" }, T.none),
        ...agendaIds.map((id, i) => el("option", { value: id, selected: id === q.agenda_item_id }, agendaTitles[i])))),
    el("h3", {}, `${T.similar} (${similar.length})`),
    similar.length ? el("ul", { class: "similar" }, ...similar.map((s) => el("li", {},
      el("label", {}, el("input", { type: "checkbox", class: "merge-pick", value: s.id }),
        el("span", { class: "score" }, `${s.score}%`), `#${s.id} `, statusBadge(s.status), ` ${s.text} `,
        el("span", { class: "muted" }, `— ${whoLine(s)}`))))) : el("p", { class: "muted" }, T.no_similar),
    similar.length ? button(T.merge, "M", () => mergePicked()) : null,
    links.length ? el("h3", {}, T.merged_askers) : null,
    links.length ? el("ul", { class: "links" }, ...links.map((l) => el("li", {}, `#${l.source_id} `,
      [l.author, l.unit, l.site, l.district].filter(Boolean).join(" · ") || T.public_portal))) : null,
    el("h3", {}, T.audit),
    el("ul", { class: "audit" }, ...audit.map((a) => el("li", {}, `${new Date(a.at).toLocaleTimeString()} ${a.actor} ${a.action}`,
      a.detail && a.detail.reason ? ` – ${a.detail.reason}` : ""))),
  ];
  detailEl.replaceChildren(...parts.filter(Boolean));
  renderViewers();
}

// Close the editor; a change that arrived meanwhile is shown now.
function closeMode() {
  state.mode = state.base = state.conflict = null;
  if (state.remote) { state.detail.question = state.remote; state.remote = null; }
  renderDetail();
}

function startMode(mode) {
  if (!state.detail || state.mode) return;
  const q = state.detail.question;
  state.mode = mode;
  state.base = q; // the version this edit starts from: a save sends it, whatever arrives meanwhile
  const box = $("mode-form");
  let input;
  let picks = null;
  if (mode === "edit") {
    input = el("textarea", { id: "edit-text", maxlength: 1000 });
    input.value = q.text;
  } else if (mode === "answer") {
    return startAnswer(q);
  } else if (mode === "reject") {
    input = el("input", { id: "reject-reason", maxlength: 300, placeholder: T.reason, required: true });
    picks = el("div", { class: "reason-picks", role: "group", "aria-label": T.reason }, ...REASONS.map((r, i) =>
      el("button", { type: "button", class: "btn btn-small", dataset: { reason: r }, onclick: () => { input.value = r; submit(); } },
        r, el("span", { class: "kbd" }, String(i + 1)))));
  } else {
    input = el("input", { id: "tags-input", placeholder: T.tags });
    input.value = q.tags.join(", ");
  }
  const submit = () => {
    const value = input.value;
    if (mode === "reject" && !value.trim()) { toast(T.reason_needed); return input.focus(); }
    if (mode === "edit") act("edit", { text: value }, state.base);
    else if (mode === "reject") act("reject", { reason: value }, state.base);
    else act("set_tags", { tags: value.split(",").map((s) => s.trim()).filter(Boolean) }, state.base);
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { closeMode(); e.stopPropagation(); }
    else if (e.key === "Enter" && (mode !== "edit" || e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
    else if (mode === "reject" && !input.value && /^[1-3]$/.test(e.key)) { e.preventDefault(); input.value = REASONS[+e.key - 1]; submit(); }
  });
  box.replaceChildren(el("p", { id: "changed-elsewhere", class: "warn", hidden: true }), picks, el("div", { class: "detail-form" }, input,
    el("button", { type: "button", class: "btn btn-primary", onclick: submit }, T.save),
    el("button", { type: "button", class: "btn", onclick: closeMode }, T.cancel)));
  if (state.remote) markChangedElsewhere();
  input.focus();
}

// The written answer: who owes it, by when (local time), and its text.
function localInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function startAnswer(q) {
  const a = q.answer || {};
  const owner = el("input", { id: "answer-owner", maxlength: 200, placeholder: T.answer_owner, value: a.owner || "" });
  const due = el("input", { id: "answer-due", type: "datetime-local", value: localInput(a.due) });
  const text = el("textarea", { id: "answer-text", maxlength: 4000, placeholder: T.written_answer });
  text.value = a.text || "";
  const submit = () => {
    const body = { owner: owner.value, text: text.value };
    if (due.value) body.due = new Date(due.value).toISOString();
    act("answer_question", body, state.base);
  };
  for (const input of [owner, due, text]) input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { closeMode(); e.stopPropagation(); }
    else if (e.key === "Enter" && (input !== text || e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
  });
  $("mode-form").replaceChildren(el("p", { id: "changed-elsewhere", class: "warn", hidden: true }),
    el("div", { class: "detail-form answer-form" },
      el("label", {}, T.answer_owner, owner), el("label", {}, T.answer_due, due), el("label", {}, T.written_answer, text),
      el("button", { type: "button", class: "btn btn-primary", id: "answer-save", onclick: submit }, T.save),
      el("button", { type: "button", class: "btn", onclick: closeMode }, T.cancel)));
  owner.focus();
}

// A stale save: both texts side by side; the moderator keeps theirs, takes the current one,
// or goes on editing from the current version.
function showConflict(ack, mine) {
  state.conflict = { current: ack.current, mine };
  state.mode = null;
  state.remote = null;
  state.detail.question = ack.current;
  const who = ack.changed_by ? ` (${ack.changed_by.name})` : "";
  const keepMine = () => { state.conflict = null; act("edit", { text: mine }, ack.current); };
  const takeTheirs = () => { state.conflict = null; renderDetail(); };
  const editAgain = () => { state.conflict = null; renderDetail(); startMode("edit"); $("edit-text").value = mine; };
  $("mode-form").replaceChildren(el("div", { class: "conflict", id: "conflict" },
    el("p", { class: "warn" }, ack.message),
    el("div", { class: "conflict-sides" },
      el("div", { class: "conflict-side", id: "conflict-mine" }, el("h4", {}, T.your_version), el("div", { class: "detail-text" }, mine)),
      el("div", { class: "conflict-side", id: "conflict-current" }, el("h4", {}, T.current_version + who), el("div", { class: "detail-text" }, ack.current.text))),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "btn btn-primary", id: "keep-mine", onclick: keepMine }, T.keep_mine),
      el("button", { type: "button", class: "btn", id: "take-current", onclick: takeTheirs }, T.take_current),
      el("button", { type: "button", class: "btn", id: "edit-again", onclick: editAgain }, T.edit_again))));
}

async function act(name, extra = {}, base = null) {
  if (!state.detail || state.loading) return;
  const q = base || state.detail.question;
  const ack = await request(socket, name, { id: q.id, version: q.version, ...extra });
  if (!ack.ok) {
    if (ack.error === "stale_version" && name === "edit" && ack.current) return showConflict(ack, extra.text);
    if (ack.error === "on_air_taken" && window.confirm(ack.message)) return act(name, { ...extra, replace: true }, base);
    toast(ack.message || ack.error);
    if (ack.current && state.detail && state.detail.question.id === q.id) {
      state.detail.question = ack.current;
      state.mode = state.base = state.remote = null;
      renderDetail();
    }
    return;
  }
  state.mode = state.base = state.remote = state.conflict = null;
  if (!matches(ack.question)) return dropFromList(ack.question.id);
  state.items.set(ack.question.id, ack.question);
  replaceRow(ack.question);
  if (state.selected === q.id && state.detail && state.detail.question.id === q.id) {
    state.detail.question = ack.question; // shown at once, so the next key acts on the new version
    renderDetail();
    refresh(q.id);
  }
}

// Re-read the shown question's audit log and similar list, without blocking the keys.
async function refresh(id) {
  const ack = await request(socket, "open_question", { id });
  if (!ack.ok || state.selected !== id || state.mode || state.conflict || state.loading) return;
  if (state.detail && ack.question.version < state.detail.question.version) return; // older than what we show
  state.detail = ack;
  state.viewers = ack.viewers || [];
  renderDetail();
}

function claimToggle() {
  if (!state.detail || state.loading) return;
  act(state.detail.question.claimed_by ? "release" : "claim");
}

async function mergePicked() {
  if (!state.detail || state.loading) return;
  const ids = [...detailEl.querySelectorAll(".merge-pick:checked")].map((c) => parseInt(c.value, 10));
  if (!ids.length) return;
  const q = state.detail.question;
  const ack = await request(socket, "merge_questions", { target_id: q.id, source_ids: ids, version: q.version });
  if (!ack.ok) return toast(ack.message || ack.error);
  toast(T.done, true);
  select(q.id);
}

// ---- many at once: picks, bulk actions, duplicate groups ---------------------------------------
function togglePick(id, on) {
  if (on) state.picked.add(id); else state.picked.delete(id);
  $("bulk-bar").hidden = state.picked.size === 0;
  setText($("bulk-count"), `${state.picked.size} ${T.picked}`);
}

// Pick every question matching the filter (up to the 500 one bulk action takes), not only the page shown.
async function pickAllMatching() {
  const ack = await request(socket, "list_questions", { ...filters(), offset: 0, limit: BULK_MAX });
  if (!ack.ok) return toast(ack.message);
  for (const q of ack.items) state.picked.add(q.id);
  listEl.querySelectorAll("li.q-row[data-id]").forEach((li) => {
    const box = li.querySelector(".bulk-pick");
    if (box) box.checked = state.picked.has(parseInt(li.dataset.id, 10));
  });
  togglePick(null, false);
  if (ack.total > ack.items.length) toast(T.pick_cap);
}
$("pick-all").addEventListener("click", pickAllMatching);

function clearPicks() {
  state.picked.clear();
  listEl.querySelectorAll(".bulk-pick:checked").forEach((c) => { c.checked = false; });
  togglePick(null, false);
}

async function bulk(action, extra = {}) {
  if (!state.picked.size) return;
  const ack = await request(socket, "bulk_questions", { action, ids: [...state.picked], ...extra });
  if (!ack.ok) return toast(ack.message || ack.error);
  toast(`${T.done} ${ack.done.length}${ack.skipped.length ? `, ${T.skipped} ${ack.skipped.length}` : ""}`, !ack.skipped.length);
  clearPicks();
  load(state.offset);
}
$("bulk-approve").addEventListener("click", () => bulk("approve"));
$("bulk-reject").addEventListener("click", () => bulk("reject", { reason: $("bulk-reason").value }));
$("bulk-tag-btn").addEventListener("click", () => { const tag = $("bulk-tag").value.trim(); if (tag) bulk("tag", { tags: [tag] }); });
$("bulk-merge").addEventListener("click", () => bulk("merge"));
$("bulk-clear").addEventListener("click", clearPicks);

async function showDuplicates() {
  state.themesOpen = false;
  const ack = await request(socket, "duplicates", { min: 90 });
  if (!ack.ok) return toast(ack.message);
  state.selected = null;
  state.detail = null;
  state.mode = null;
  request(socket, "question_viewing", { id: null });
  listEl.querySelectorAll(".q-row.selected").forEach((n) => n.classList.remove("selected"));
  const group = (g) => el("li", { class: "dup-group" },
    el("div", {}, el("span", { class: "badge" }, `${g.sites} ${T.sites}`), ` ${g.askers} ${T.askers} · `,
      ...g.ids.map((id) => el("button", { type: "button", class: "btn-link", onclick: () => select(id) }, `#${id} `))),
    el("div", { class: "q-text" }, g.text),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "btn btn-small btn-primary dup-merge", onclick: async () => {
        const done = await request(socket, "bulk_questions", { action: "merge", ids: g.ids });
        if (!done.ok) return toast(done.message);
        toast(T.done, true);
        showDuplicates();
      } }, T.merge_group),
      el("button", { type: "button", class: "btn btn-small", onclick: () => g.ids.forEach((id) => togglePick(id, true)) }, T.pick_group)));
  detailEl.replaceChildren(el("h2", {}, `${T.duplicates} (${ack.groups.length})`),
    ack.groups.length ? el("ol", { class: "dup-list" }, ...ack.groups.map(group)) : el("p", { class: "muted" }, T.no_duplicates));
}
$("show-duplicates").addEventListener("click", showDuplicates);

// ---- themes -----------------------------------------------------------------------------------
// Computing themes takes seconds for a big event (and starts the worker process on first use).
const THEMES_TIMEOUT_MS = 120000;
function setThemes(items) {
  state.themes = new Map(items.map((t) => [t.id, t]));
  const select = $("f-theme");
  const current = select.value;
  select.replaceChildren(select.options[0], ...items.map((t) => el("option", { value: t.id, selected: String(t.id) === current }, `${t.label} (${t.count})`)));
  if (state.themesOpen) renderThemes(items);
  if (current && !state.themes.has(parseInt(current, 10))) { select.value = ""; load(0); return true; }
  for (const id of state.order) replaceRow(state.items.get(id));
  return false;
}

async function loadThemes() {
  const ack = await request(socket, "list_themes", {}, THEMES_TIMEOUT_MS);
  if (ack.ok) setThemes(ack.themes);
}
// Another console renamed, merged or recomputed: the rows' themes may have changed too.
socket.on("themes", ({ items }) => { if (!setThemes(items)) load(state.offset, true); });

function filterTheme(id) {
  $("f-theme").value = String(id);
  load(0);
}

async function moveToTheme(id, themeId) {
  const ack = await request(socket, "move_to_theme", { id, theme_id: themeId });
  if (!ack.ok) return toast(ack.message || ack.error);
  toast(T.done, true);
  if (state.detail && state.detail.question.id === id) { state.detail.question = ack.question; renderDetail(); }
  if (!matches(ack.question)) dropFromList(id); else { state.items.set(id, ack.question); replaceRow(ack.question); }
}

async function themeBulk(themeId, action, extra = {}) {
  const ack = await request(socket, "bulk_questions", { action, theme_id: themeId, ...extra });
  if (!ack.ok) return toast(ack.message || ack.error);
  toast(`${T.done} ${ack.done.length}${ack.skipped.length ? `, ${T.skipped} ${ack.skipped.length}` : ""}`, !ack.skipped.length);
  load(state.offset);
}

function renderThemes(items) {
  const themePick = (t) => el("input", { type: "checkbox", class: "theme-pick", value: t.id, title: T.pick_theme, "aria-label": T.pick_theme });
  const renameForm = (t, li) => {
    const input = el("input", { class: "theme-rename-input", maxlength: 200, value: t.label });
    const save = async () => {
      const ack = await request(socket, "rename_theme", { id: t.id, label: input.value });
      if (!ack.ok) return toast(ack.message || ack.error);
      toast(T.done, true);
    };
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); save(); } if (e.key === "Escape") renderThemes([...state.themes.values()]); });
    li.querySelector(".theme-head").replaceChildren(input, el("button", { type: "button", class: "btn btn-small btn-primary theme-rename-save", onclick: save }, T.save));
    input.focus();
  };
  const row = (t) => {
    const li = el("li", { class: "theme", dataset: { id: t.id } },
      el("div", { class: "theme-head" }, themePick(t),
        el("button", { type: "button", class: "btn-link theme-label", title: T.show_theme, onclick: () => filterTheme(t.id) }, t.label),
        el("span", { class: "badge theme-count" }, String(t.count))),
      el("div", { class: "muted small" }, t.terms.join(" · ")),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "btn btn-small theme-rename", onclick: () => renameForm(t, li) }, T.rename),
        el("button", { type: "button", class: "btn btn-small btn-primary", onclick: () => themeBulk(t.id, "approve") }, T.approve),
        el("button", { type: "button", class: "btn btn-small btn-danger", onclick: () => themeBulk(t.id, "reject", { reason: $("bulk-reason").value }) }, T.reject),
        el("button", { type: "button", class: "btn btn-small", onclick: () => { const tag = window.prompt(T.tag); if (tag && tag.trim()) themeBulk(t.id, "tag", { tags: [tag.trim()] }); } }, T.tag),
        el("button", { type: "button", class: "btn btn-small", onclick: () => { const owner = window.prompt(T.answer_owner); if (owner && owner.trim()) themeBulk(t.id, "assign", { owner: owner.trim() }); } }, T.assign)));
    return li;
  };
  const merge = async () => {
    const ids = [...detailEl.querySelectorAll(".theme-pick:checked")].map((c) => parseInt(c.value, 10));
    if (ids.length < 2) return;
    const ack = await request(socket, "merge_themes", { target_id: ids[0], source_ids: ids.slice(1) });
    if (!ack.ok) return toast(ack.message || ack.error);
    toast(T.done, true);
  };
  const refreshAll = async () => {
    toast(T.computing, true);
    const ack = await request(socket, "refresh_themes", {}, THEMES_TIMEOUT_MS);
    if (!ack.ok) return toast(ack.message || ack.error);
    toast(T.done, true);
  };
  detailEl.replaceChildren(el("h2", {}, `${T.themes} (${items.length})`),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "btn btn-small", id: "themes-refresh", onclick: refreshAll }, T.refresh_themes),
      el("button", { type: "button", class: "btn btn-small", id: "themes-merge", onclick: merge }, T.merge_themes)),
    items.length ? el("ol", { class: "theme-list", id: "theme-list" }, ...items.map(row)) : el("p", { class: "muted" }, T.no_themes));
}

async function showThemes() {
  state.selected = null;
  state.detail = null;
  state.mode = null;
  state.themesOpen = true;
  request(socket, "question_viewing", { id: null });
  listEl.querySelectorAll(".q-row.selected").forEach((n) => n.classList.remove("selected"));
  detailEl.replaceChildren(el("p", { class: "muted" }, T.computing));
  const ack = await request(socket, "list_themes", {}, THEMES_TIMEOUT_MS);
  if (!ack.ok) return toast(ack.message);
  setThemes(ack.themes);
  renderThemes(ack.themes);
}
$("show-themes").addEventListener("click", showThemes);

// ---- queue ------------------------------------------------------------------------------
let dragId = null;
async function loadQueue() {
  const ack = await request(socket, "get_queue", {});
  if (!ack.ok) return;
  $("queue").replaceChildren(...ack.items.map((q) => el("li", {
    draggable: "true", dataset: { id: q.id },
    ondragstart: () => { dragId = q.id; },
    ondragover: (e) => { e.preventDefault(); e.currentTarget.classList.add("drag-over"); },
    ondragleave: (e) => e.currentTarget.classList.remove("drag-over"),
    ondrop: (e) => { e.preventDefault(); e.currentTarget.classList.remove("drag-over"); moveBefore(dragId, q.id); },
    onclick: () => select(q.id),
  }, el("div", { class: "q-text" }, `#${q.id} ${q.text}`),
    el("div", { class: "q-meta" }, whoLine(q),
      el("button", { type: "button", class: "btn-link", title: T.up, onclick: (e) => { e.stopPropagation(); step(q.id, -1); } }, "▲"),
      el("button", { type: "button", class: "btn-link", title: T.down, onclick: (e) => { e.stopPropagation(); step(q.id, 1); } }, "▼")))));
}

function queueIds() { return [...$("queue").children].map((li) => parseInt(li.dataset.id, 10)); }

function sendOrder(ids) { request(socket, "reorder_queue", { ids }).then((ack) => { if (!ack.ok) toast(ack.message); }); }

function moveBefore(id, beforeId) {
  if (id === null || id === beforeId) return;
  const ids = queueIds().filter((x) => x !== id);
  ids.splice(ids.indexOf(beforeId), 0, id);
  sendOrder(ids);
}

function step(id, delta) {
  const ids = queueIds();
  const i = ids.indexOf(id);
  const j = i + delta;
  if (j < 0 || j >= ids.length) return;
  [ids[i], ids[j]] = [ids[j], ids[i]];
  sendOrder(ids);
}

// ---- filters, paging, keys ----------------------------------------------------------------
let searchTimer;
$("filters").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => load(0), 200); });
$("filters").addEventListener("submit", (e) => { e.preventDefault(); load(0); });
$("prev-page").addEventListener("click", () => load(Math.max(0, state.offset - PAGE)));
$("next-page").addEventListener("click", () => { if (state.offset + PAGE < state.total) load(state.offset + PAGE); });
$("new-badge").addEventListener("click", () => load(0));

function move(delta) {
  if (!state.order.length) return;
  const i = state.order.indexOf(state.selected);
  const next = state.order[Math.min(state.order.length - 1, Math.max(0, i + delta))];
  select(next === undefined ? state.order[0] : next);
}

const KEYS = {
  j: () => move(1), arrowdown: () => move(1), k: () => move(-1), arrowup: () => move(-1),
  c: claimToggle, a: () => act("approve"), r: () => startMode("reject"), e: () => startMode("edit"),
  t: () => startMode("tags"), w: () => startMode("answer"), m: mergePicked, o: () => act("on_air"), f: () => act("off_air"), d: () => act("answered"),
  "/": () => $("f-q").focus(), n: () => load(0),
  "[": () => $("prev-page").click(), "]": () => $("next-page").click(),
};
const NAVIGATION = new Set(["j", "k", "arrowdown", "arrowup", "/", "n", "[", "]"]);
document.addEventListener("keydown", (e) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (typing) {
    if (e.key === "Escape") document.activeElement.blur();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key.toLowerCase();
  const fn = KEYS[key];
  if (!fn) return;
  e.preventDefault();
  if (state.loading && !NAVIGATION.has(key)) { state.queuedKey = fn; return; } // acts once it is shown
  if (NAVIGATION.has(key)) state.queuedKey = null;
  fn();
});
