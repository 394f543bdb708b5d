// Agenda editor: drag-and-drop rows to reorder (saved through the API); deleting an item is confirmed in a dialog.
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

// Deleting an item cannot be undone: a dialog asks first (without JavaScript the server asks).
const dialog = document.getElementById("delete-dialog");
body.addEventListener("submit", (e) => {
  const form = e.target.closest("form.delete-item");
  if (!form || form.elements.confirm.value === "1") return;
  e.preventDefault();
  setText(document.getElementById("delete-dialog-title"), form.dataset.title);
  dialog.returnValue = "";
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "confirm") return;
    form.elements.confirm.value = "1";
    form.submit();
  }, { once: true });
  dialog.showModal();
});
