// The crew's overlays page: copy an overlay's URL (clipboard API, or the selected field on
// plain-HTTP pages where the clipboard API is not offered).
const T = JSON.parse(document.getElementById("i18n").textContent);

async function copy(input) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(input.value);
      return true;
    }
  } catch { /* fall back to the selection */ }
  input.focus();
  input.select();
  return document.execCommand && document.execCommand("copy");
}

document.getElementById("overlay-cards").addEventListener("click", async (e) => {
  const button = e.target.closest(".copy-url");
  if (!button) return;
  const input = button.closest(".copy-row").querySelector(".overlay-url");
  if (await copy(input)) {
    button.textContent = T.copied;
    button.dataset.copied = "1";
    setTimeout(() => { button.textContent = T.copy; delete button.dataset.copied; }, 2000);
  }
});
