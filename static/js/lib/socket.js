// Socket.IO connection helper shared by every page: one namespace, one event, reconnecting.
import { io } from "/static/vendor/socket.io.esm.min.js";

export function connect(namespace, auth = {}) {
  return io(namespace, {
    auth,
    transports: ["websocket", "polling"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}

// Emit with an acknowledgement and a timeout; resolves to the server's ack or {ok:false,error:"timeout"}.
export function request(socket, name, payload = {}, timeoutMs = 5000) {
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(name, payload, (err, ack) => {
      resolve(err ? { ok: false, error: "timeout", message: "Hết thời gian chờ / Timed out" } : ack);
    });
  });
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// fetch() JSON with the CSRF header, for same-origin API calls from logged-in pages.
export async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = {};
  try { data = await response.json(); } catch (_) { /* empty body */ }
  return { status: response.status, ok: response.ok, data };
}
