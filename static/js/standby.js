// The standby OBS on the control panel: its link ("OBS dự phòng: đã kết nối / mất kết nối"), which
// OBS is on air, the automatic rule, and the one switch ("Chuyển sang OBS dự phòng", and back).
// Talks to /crew with the standby commands; the server pushes `standby_state` and `standby_alert`.
// Text only through setText.
import { connect, request } from "/static/js/lib/socket.js";
import { setText } from "/static/js/lib/dom.js";

const root = document.getElementById("standby");
if (root) start(root);

function start(root) {
  const T = JSON.parse(document.getElementById("standby-i18n").textContent);
  const $ = (id) => document.getElementById(id);
  const socket = connect("/crew", { event: root.dataset.event });
  let view = null;

  const render = () => {
    if (!view) return;
    root.hidden = !view.configured;
    const status = (view.backup || {}).status || "disconnected";
    const link = $("standby-link");
    setText(link, T[status] || T.disconnected);
    link.dataset.status = status;
    const onAir = view.on_air || "primary";
    setText($("standby-on-air"), T[`on_air_${onAir}`]);
    $("standby-on-air").dataset.side = onAir;
    setText($("standby-auto"), view.auto_after_s ? `${T.auto}: ${view.auto_after_s}` : T.manual);
    $("standby-to-backup").hidden = onAir === "backup";
    $("standby-to-primary").hidden = onAir !== "backup";
  };

  socket.on("standby_state", (msg) => {
    if (msg.event && msg.event !== root.dataset.event) return;
    if (msg.full || msg.configured !== undefined) view = { ...msg };
    else if (view && msg.backup) view = { ...view, backup: { ...view.backup, ...msg.backup } };
    render();
  });
  socket.on("standby_alert", (msg) => setText($("standby-error"), msg.message || ""));

  const go = async (to, button) => {
    if (button.dataset.confirmText && !window.confirm(button.dataset.confirmText)) return;
    const ack = (await request(socket, "standby_switch", { to }, 20000)) || { ok: false };
    setText($("standby-error"), ack.ok ? "" : (ack.message || ack.error || ""));
    if (ack.ok) { view = { ...ack }; render(); }
  };
  $("standby-to-backup").addEventListener("click", (e) => go("backup", e.currentTarget));
  $("standby-to-primary").addEventListener("click", (e) => go("primary", e.currentTarget));
}
