// The standby OBS on the control panel: the links of both OBS ("OBS dự phòng: đã kết nối / mất kết
// nối", "OBS chính: …" — the panel above shows the OBS on air, this keeps the other one in sight),
// which OBS is on air, the automatic rule, and the one switch ("Chuyển sang OBS dự phòng", and back).
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
    const primaryStatus = (view.primary || {}).status || "disconnected";
    const primaryLink = $("standby-primary-link");
    setText(primaryLink, T[`primary_${primaryStatus}`] || T.primary_disconnected);
    primaryLink.dataset.status = primaryStatus;
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
    else if (view) {
      for (const side of ["backup", "primary"]) {
        if (msg[side]) view = { ...view, [side]: { ...(view[side] || {}), ...msg[side] } };
      }
    }
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
