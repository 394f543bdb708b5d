// OBS overlay: "431/442 điểm cầu đã kết nối", updated live from /overlay.
import { connect } from "/static/js/lib/socket.js";
import { setText } from "/static/js/lib/dom.js";

const box = document.getElementById("counter");
const template = box.dataset.template;
const socket = connect("/overlay", { event: box.dataset.slug });
socket.on("site_counts", (c) => {
  setText(box, template.replace("{connected}", c.connected).replace("{total}", c.total));
  box.dataset.connected = c.connected;
  box.dataset.total = c.total;
});
