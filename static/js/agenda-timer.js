// The countdown as every agenda display shows it: ticks locally from the server's absolute
// end time (corrected for clock skew with server_now), phases normal/warning/danger/overtime.
export function createTimer(onTick) {
  let state = null;
  let skewMs = 0;
  function remaining() {
    if (!state) return null;
    if (state.paused) return state.remaining_s;
    if (!state.ends_at) return null;
    return (Date.parse(state.ends_at) - (Date.now() + skewMs)) / 1000;
  }
  function phase(left) {
    if (left === null || left === undefined) return "idle";
    if (left < 0) return "overtime";
    if (left <= state.danger_s) return "danger";
    if (left <= state.warning_s) return "warning";
    return "normal";
  }
  function tick() {
    const left = remaining();
    onTick({ left, text: format(left), phase: phase(left), paused: !!(state && state.paused) });
  }
  setInterval(tick, 250);
  return {
    update(next) {
      state = next;
      if (next && next.server_now) skewMs = Date.parse(next.server_now) - Date.now();
      tick();
    },
  };
}

export function format(seconds) {
  if (seconds === null || seconds === undefined) return "--:--";
  const sign = seconds < 0 ? "-" : "";
  const total = seconds >= 0 ? Math.ceil(seconds - 0.001) : Math.floor(-seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${sign}${h ? h + ":" : ""}${mm}:${String(s).padStart(2, "0")}`;
}

export function driftText(i18n, minutes) {
  if (minutes === null || minutes === undefined) return "";
  if (minutes > 0) return i18n.late.replace("{n}", minutes);
  if (minutes < 0) return i18n.early.replace("{n}", -minutes);
  return i18n.on_time;
}
