// Public live agenda (phones): the server-rendered list, then live updates over /public.
import { connect } from "/static/js/lib/socket.js";
import { el, setText } from "/static/js/lib/dom.js";
import { createTimer, driftText } from "/static/js/agenda-timer.js";

const root = document.getElementById("public-agenda");
const i18n = JSON.parse(document.getElementById("i18n").textContent);
const socket = connect("/public", { event: root.dataset.event }, { reconnect: "public" });
socket.on("connect", () => { root.dataset.connected = "1"; });
socket.on("disconnect", () => { delete root.dataset.connected; });
const $ = (id) => document.getElementById(id);
const timer = createTimer(({ text, phase }) => {
  setText($("now-timer"), phase === "idle" ? "" : text);
  $("now-timer").className = `phone-timer phase-${phase}`;
});

function render(state) {
  setText($("now-title"), state.current ? state.current.title : i18n.not_started);
  setText($("now-speaker"), state.current ? [state.current.speaker_name, state.current.speaker_title].filter(Boolean).join(" — ") : "");
  setText($("drift"), driftText(i18n, state.drift_min));
  let session = null;
  $("agenda-list").replaceChildren(...state.items.map((item) => {
    const current = item.id === state.current_id;
    const showSession = item.session && item.session !== session;
    session = item.session;
    return el("li", {
      dataset: { id: item.id }, class: current ? "is-current" : item.id === state.next_id ? "is-next" : "",
      "aria-current": current ? "step" : null,
    }, el("span", { class: "time" }, item.start), el("div", {},
      showSession ? el("div", { class: "session" }, item.session) : null,
      el("div", { class: "title" }, item.title),
      item.speaker_name ? el("div", { class: "muted speaker" }, [item.speaker_name, item.speaker_title].filter(Boolean).join(" — ")) : null,
      current ? el("div", { class: "now-badge" }, i18n.now) : null));
  }));
  const cur = document.querySelector("#agenda-list .is-current");
  if (cur) cur.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

socket.on("agenda_state", render);
socket.on("timer_state", (t) => timer.update(t));
