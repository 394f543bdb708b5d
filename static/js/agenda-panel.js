// Crew agenda panel: take next (button, key N), take an item, undo the last take (key U),
// timer controls (pause/resume, ±10 s, ±30 s, ±1 min), lower third, slides (thumbnails,
// next/previous/go to). All changes go through /crew socket events; refusals show the server's message.
import { connect, request } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";
import { createTimer, driftText } from "/static/js/agenda-timer.js";
import { installChapters } from "/static/js/chapters-panel.js";

const root = document.getElementById("agenda-panel");
const slug = root.dataset.event;
const data = JSON.parse(document.getElementById("agenda-data").textContent);
const i18n = JSON.parse(document.getElementById("i18n").textContent);
const socket = connect("/crew", { event: slug });
socket.on("connect", () => { root.dataset.connected = "1"; });
socket.on("disconnect", () => { delete root.dataset.connected; });
const status = document.getElementById("status");
let decks = data.decks;
let slide = data.slide;

const timerEl = document.getElementById("timer");
const timer = createTimer(({ text, phase, paused }) => {
  setText(timerEl, text);
  timerEl.className = `timer phase-${phase}${paused ? " is-paused" : ""}`;
});

async function send(name, payload) {
  const ack = await request(socket, name, payload);
  if (!ack || !ack.ok) setText(status, (ack && ack.message) || "");
  else if (ack.cues) {
    const failed = ack.cues.filter((c) => !c.ok).map((c) => c.cue);
    const title = ack.current ? ack.current.title : i18n.not_started;
    setText(status, failed.length ? i18n.cue_failed.replace("{cue}", failed.join(", "))
      : (name === "agenda_undo" ? i18n.undone : i18n.taken).replace("{title}", title));
  }
  return ack;
}

function renderAgenda(state) {
  document.getElementById("take-undo").disabled = !state.can_undo;
  setText(document.getElementById("current-title"), state.current ? state.current.title : i18n.not_started);
  const sp = state.current ? [state.current.speaker_name, state.current.speaker_title].filter(Boolean).join(" — ") : "";
  setText(document.getElementById("current-speaker"), sp);
  setText(document.getElementById("next-title"), state.next ? state.next.title : "—");
  setText(document.getElementById("drift"), driftText(i18n, state.drift_min));
  const list = document.getElementById("agenda-list");
  list.replaceChildren(...state.items.map((item) => el("li", {
    dataset: { id: item.id },
    class: item.id === state.current_id ? "is-current" : item.id === state.next_id ? "is-next" : "",
  }, el("span", { class: "time" }, item.start), el("span", { class: "title" }, item.title),
  el("span", { class: "muted speaker" }, item.speaker_name), el("span", { class: "cue muted" }, item.scene || ""),
  el("button", { class: "btn btn-small take-item", type: "button", dataset: { id: item.id } }, i18n.take))));
}

function renderSlides() {
  const thumbs = document.getElementById("thumbs");
  const deck = decks.find((d) => d.id === slide.deck_id);
  document.getElementById("deck-select").value = slide.deck_id || "";
  setText(document.getElementById("slide-pos"), slide.deck_id ? `${slide.index + 1} / ${slide.count}` : "");
  thumbs.replaceChildren(...(deck && deck.slides ? deck.slides : []).map((s) => el("button", {
    type: "button", class: s.number === slide.index ? "thumb is-current" : "thumb", dataset: { index: s.number },
    title: s.caption || String(s.number + 1),
  }, el("img", { src: s.thumb, alt: String(s.number + 1), loading: "lazy" }), el("span", {}, String(s.number + 1)))));
}

socket.on("agenda_state", renderAgenda);
socket.on("timer_state", (t) => timer.update(t));
socket.on("lower_third", (lt) => setText(document.getElementById("lower-third-now"), lt.text || "—"));
socket.on("slide_state", (s) => { slide = s; renderSlides(); });
socket.on("speaker_message", (m) => setText(document.getElementById("speaker-message-now"), m.text || "—"));
socket.on("deck_progress", (d) => {
  const msg = d.status === "rendering" ? i18n.rendering.replace("{done}", d.pages_done).replace("{total}", d.page_count)
    : d.status === "ready" ? i18n.ready : i18n.failed;
  setText(document.getElementById("deck-progress"), `${d.title}: ${msg}`);
});

timer.update(data.state.timer);
renderSlides();
installChapters(socket, i18n);

document.getElementById("take-next").addEventListener("click", () => send("agenda_next"));
document.getElementById("agenda-list").addEventListener("click", (e) => {
  const btn = e.target.closest(".take-item");
  if (btn) send("agenda_take", { item_id: Number(btn.dataset.id) });
});
document.getElementById("timer-pause").addEventListener("click", () => send("timer_pause"));
document.getElementById("timer-resume").addEventListener("click", () => send("timer_resume"));
document.getElementById("take-undo").addEventListener("click", () => send("agenda_undo"));
document.getElementById("timer-nudges").addEventListener("click", (e) => {
  const btn = e.target.closest("button[data-seconds]");
  if (btn) send("timer_nudge", { seconds: Number(btn.dataset.seconds) });
});
document.getElementById("lower-third-form").addEventListener("submit", (e) => {
  e.preventDefault();
  send("lower_third_set", { text: document.getElementById("lower-third-text").value });
});
document.getElementById("thresholds").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  send("timer_thresholds", { warning_s: Number(form.get("warning_s")), danger_s: Number(form.get("danger_s")) });
});
const sayToSpeaker = (text) => send("speaker_message", { text });
document.getElementById("speaker-message-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sayToSpeaker(document.getElementById("speaker-message-text").value);
});
document.getElementById("speaker-message-form").addEventListener("click", (e) => {
  const preset = e.target.closest(".speaker-preset");
  if (preset) sayToSpeaker(preset.dataset.text);
});
document.getElementById("speaker-message-clear").addEventListener("click", () => sayToSpeaker(""));
document.getElementById("lower-third-hide").addEventListener("click", () => send("lower_third_set", { text: "" }));
document.getElementById("slide-next").addEventListener("click", () => send("slide_next"));
document.getElementById("slide-prev").addEventListener("click", () => send("slide_prev"));
document.getElementById("deck-select").addEventListener("change", (e) => {
  if (e.target.value) send("slide_goto", { deck_id: Number(e.target.value) });
});
document.getElementById("thumbs").addEventListener("click", (e) => {
  const btn = e.target.closest(".thumb");
  if (btn) send("slide_goto", { index: Number(btn.dataset.index) });
});
document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key.toLowerCase();
  if (key === "n") send("agenda_next");
  else if (key === "u") send("agenda_undo");
  else if (key === "p") send(timerEl.classList.contains("is-paused") ? "timer_resume" : "timer_pause");
  else if (key === "+" || key === "=") send("timer_nudge", { seconds: 60 });
  else if (key === "-") send("timer_nudge", { seconds: -60 });
  else if (key === "arrowright" || key === "pagedown") send("slide_next");
  else if (key === "arrowleft" || key === "pageup") send("slide_prev");
  else return;
  e.preventDefault();
});
