// Confirmation before a destructive form submit, with the page's one <dialog id="confirm-dialog">
// (templates/_macros.html confirm_dialog, rendered by base.html). Any page opts in with markup only:
//   <form method="post" ...><button type="submit" data-confirm="Thu hồi đường dẫn cũ?">…</button></form>
// Clicking the button (or Enter in the form) opens the dialog with that message; "Đồng ý" submits the form
// through the same button, so its name/value still go along (requestSubmit fires no click, so the dialog does
// not reopen); "Huỷ" or Esc does nothing. No inline script (CSP).

export function install(root = document) {
  const dialog = root.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return false;
  const message = dialog.querySelector("#confirm-dialog-message");
  let pending = null;

  root.addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-confirm]");
    if (!button || !button.form || button.disabled) return;
    ev.preventDefault();
    pending = button;
    message.textContent = button.dataset.confirm;
    dialog.showModal();
  });

  dialog.addEventListener("close", () => {
    const button = pending;
    pending = null;
    if (!button || dialog.returnValue !== "confirm") return;
    button.form.requestSubmit(button);
  });
  return true;
}

install();
