// Socket.IO connection helper shared by every page: one namespace, one event, reconnecting
// (fast for staff pages, spread for the thousands of phones: ``{ reconnect: "site" | "public" }``).
import { io } from "/static/vendor/socket.io.esm.min.js";

// How a page reconnects after the server went away. Staff pages (a few per event) come back
// fast. Pages that exist in thousands spread their returns, so a restarted server takes a few
// hundred connections a second instead of every phone at once: the site phone (its silence
// raises alarms) first tries anywhere between 5 and 15 s, then every 15 s; the public phone
// pages (ask, agenda, upvotes) between 5 and 35 s, then every 30 s, leaving the first seconds
// to the sites (docs/performance.md, "The restart"; bench/clients.py uses the same numbers).
export const RECONNECT = {
  fast: { reconnectionDelay: 500, reconnectionDelayMax: 5000, randomizationFactor: 0.5 },
  site: { reconnectionDelay: 10000, reconnectionDelayMax: 15000, randomizationFactor: 0.5 },
  public: { reconnectionDelay: 20000, reconnectionDelayMax: 30000, randomizationFactor: 0.75 },
};

export function connect(namespace, auth = {}, { reconnect = "fast" } = {}) {
  return io(namespace, {
    auth,
    transports: ["websocket", "polling"],
    ...(RECONNECT[reconnect] || RECONNECT.fast),
  });
}

// The refusals the browser makes up itself (server down, no answer), in the page's language,
// rendered by base.html; everything else shows the server's own message.
let clientMessages = null;
export function clientMessage(code) {
  if (clientMessages === null) {
    const node = document.getElementById("bc-client-messages");
    try { clientMessages = node ? JSON.parse(node.textContent) : {}; } catch (_) { clientMessages = {}; }
  }
  return clientMessages[code] || code;
}

// Emit with an acknowledgement and a timeout; resolves to the server's ack, or to
// {ok:false, error:"offline"|"timeout", message} when the server cannot answer.
export function request(socket, name, payload = {}, timeoutMs = 5000) {
  if (!socket.connected) {
    return Promise.resolve({ ok: false, error: "offline", message: clientMessage("offline") });
  }
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(name, payload, (err, ack) => {
      resolve(err ? { ok: false, error: "timeout", message: clientMessage("timeout") } : ack);
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
