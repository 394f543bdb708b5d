// Agenda editor: drag-and-drop rows to reorder; the new order is saved through the API.
import { api } from "/static/js/lib/socket.js";
import { setText } from "/static/js/lib/dom.js";

const table = document.getElementById("editor");
const body = table.querySelector("tbody");
const i18n = JSON.parse(document.getElementById("i18n").textContent);
let dragged = null;

body.addEventListener("dragstart", (e) => {
  dragged = e.target.closest("tr");
  if (!dragged) return;
  dragged.classList.add("dragging");
  e.dataTransfer.effectAllowed = "move";
});
body.addEventListener("dragover", (e) => {
  e.preventDefault();
  const over = e.target.closest("tr");
  if (!dragged || !over || over === dragged) return;
  const rect = over.getBoundingClientRect();
  body.insertBefore(dragged, e.clientY > rect.top + rect.height / 2 ? over.nextSibling : over);
});
body.addEventListener("dragend", async () => {
  if (!dragged) return;
  dragged.classList.remove("dragging");
  dragged = null;
  const ids = [...body.querySelectorAll("tr[data-id]")].map((tr) => Number(tr.dataset.id));
  const res = await api("PUT", `/api/v1/events/${table.dataset.event}/agenda/order`, { ids });
  setText(document.getElementById("order-status"), res.ok ? i18n.saved : (res.data.message || i18n.failed));
});
