// Overlay pages (OBS browser sources): follow the event over /overlay and redraw with text only.
import { connect } from "/static/js/lib/socket.js";
import { setText } from "/static/js/lib/dom.js";
import { createTimer, driftText } from "/static/js/agenda-timer.js";

const root = document.getElementById("overlay");
const slug = root.dataset.event;
const i18n = JSON.parse(document.getElementById("i18n").textContent);
const $ = (id) => document.getElementById(id);
const socket = connect("/overlay", { event: slug });
socket.on("connect", () => { root.dataset.connected = "1"; });
socket.on("disconnect", () => { delete root.dataset.connected; });

socket.on("lower_third", (lt) => {
  const box = $("lower-third");
  if (!box) return;
  setText($("lt-name"), lt.name);
  setText($("lt-title"), lt.title);
  box.classList.toggle("is-visible", !!lt.visible);
});

socket.on("agenda_state", (state) => {
  setText($("speaker-title"), state.current ? state.current.title : "");
  setText($("speaker-name"), state.current ? state.current.speaker_name : "");
  setText($("ticker-current"), state.current ? state.current.title : "");
  setText($("ticker-next"), state.next ? state.next.title : "");
  setText($("drift"), driftText(i18n, state.drift_min));
});

const countdown = $("countdown");
const speaker = $("speaker-timer");
const timer = countdown ? createTimer(({ text, phase, paused }) => {
  setText(countdown, text);
  countdown.className = countdown.className.replace(/phase-\S+/, `phase-${phase}`);
  if (speaker) {
    speaker.dataset.phase = phase;
    speaker.dataset.paused = paused ? "true" : "false";
    $("speaker-paused").hidden = !paused;
    $("speaker-overtime").hidden = phase !== "overtime";
  }
}) : null;

socket.on("speaker_message", (m) => {
  const box = $("speaker-message");
  if (!box) return;
  setText(box, m.text || "");
  box.hidden = !m.visible;
});
socket.on("timer_state", (t) => timer && timer.update(t));

socket.on("slide_state", (s) => {
  const img = $("slide-image");
  if (!img) return;
  if (s.image) { img.src = s.image; img.hidden = false; } else { img.hidden = true; img.removeAttribute("src"); }
  setText($("slide-caption"), s.caption || "");
  $("slide-caption").hidden = !s.caption;
});

socket.on("theme", (theme) => root.style.setProperty("--brand", theme.color));

const wall = $("wall-clock");
if (wall) {
  const tick = () => setText(wall, new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Ho_Chi_Minh" }));
  tick();
  setInterval(tick, 1000);
}
