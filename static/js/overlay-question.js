// On-air question overlay (OBS browser source): shows the question the moderators put on air.
import { connect } from "/static/js/lib/socket.js";
import { setText } from "/static/js/lib/dom.js";

const box = document.getElementById("overlay");
const T = JSON.parse(document.getElementById("i18n").textContent);
const socket = connect("/overlay", { event: box.dataset.event });

socket.on("question_on_air", ({ question }) => {
  if (!question) { box.hidden = true; box.dataset.id = ""; return; }
  setText(document.getElementById("ov-kind"), T[question.kind] || question.kind);
  setText(document.getElementById("ov-text"), question.text);
  const who = [question.author, question.unit, question.site].filter(Boolean).join(" – ");
  const more = question.sites > 1 ? ` · ${question.sites} ${T.sites}` : "";
  setText(document.getElementById("ov-who"), who + more);
  box.dataset.id = String(question.id);
  box.hidden = false;
});
