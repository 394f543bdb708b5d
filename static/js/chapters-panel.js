// The agenda panel's "Chương / Chapters" box: the chapter list of the current or last recording
// (refreshed after every take and when OBS's recording starts or stops), copy for a fan page's
// description, and writing the chapters into a copy of the file. All through the panel's /crew socket.
import { request } from "/static/js/lib/socket.js";
import { setText } from "/static/js/lib/dom.js";

export function installChapters(socket, i18n) {
  const box = document.getElementById("chapters-box");
  if (!box) return;
  const text = document.getElementById("chapters-text");
  const status = document.getElementById("chapters-status");
  let recordState = null;

  async function refresh() {
    const ack = await request(socket, "recording_chapters");
    if (!ack || !ack.ok) return;
    text.value = ack.text;
    if (ack.session) setText(document.getElementById("chapters-state"), ack.session.recording ? i18n.recording : i18n.last_recording);
    box.dataset.count = String(ack.items.length);
  }

  socket.on("agenda_state", () => refresh());
  socket.on("obs_state", (msg) => {
    const record = msg && msg.diff && msg.diff.record;
    if (record && record.state !== recordState) {
      recordState = record.state;
      if (record.state === "recording" || record.state === "stopped") refresh();
    }
  });
  document.getElementById("chapters-copy").addEventListener("click", async () => {
    text.select();
    try {
      await navigator.clipboard.writeText(text.value);
    } catch {
      document.execCommand("copy");
    }
    setText(status, i18n.copied);
  });
  document.getElementById("chapters-mux").addEventListener("click", async () => {
    const ack = await request(socket, "recording_chapters_mux", {}, 120000);
    setText(status, ack && ack.ok ? i18n.muxed.replace("{path}", ack.path) : (ack && ack.message) || "");
  });
}
