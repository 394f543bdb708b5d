"""Printable A4 PDF of site cards: one card per site (name and district wrapped, never cut;
QR of its secret link; its 6-character short code to type at ``/p`` instead; instructions that
name the phone page's buttons), eight cards to a page with cut lines. While the public URL is
not set (links point at this machine) every page carries a warning in red."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from server.services.fonts import vietnamese_font
from server.services.qr import qr_png

COLS, ROWS = 2, 4
# The buttons named here are the phone page's (templates/bridges/phone.html).
INSTRUCTIONS = (
    "1. Quét mã QR bằng điện thoại của cán bộ kỹ thuật (hoặc mở {base}/p và nhập mã ngắn).",
    "2. Khi hình và tiếng đã tốt, bấm «Báo đã sẵn sàng».",
    "3. Khi có điểm danh, bấm «Có mặt — xác nhận điểm danh».",
    "4. Gặp sự cố (mất tiếng, mất hình...) bấm «Gửi báo sự cố», hoặc nhắn tin cho tổ kỹ thuật.",
    "5. Giữ trang mở suốt hội nghị (cắm sạc cho điện thoại).",
)
LOOPBACK_WARNING = (
    "CẢNH BÁO: chưa đặt BRIDGECAST_PUBLIC_URL — đường dẫn trên thẻ trỏ tới máy nội bộ, "
    "điện thoại ở điểm cầu sẽ không mở được. Không phát các thẻ này."
)


def _warning(c, font, page_w, page_h, margin):
    c.saveState()
    c.setFillColorRGB(0.8, 0.05, 0.05)
    c.setFont(font, 8)
    y = page_h - margin / 2 - 1 * mm
    for line in _wrap(c, LOOPBACK_WARNING, font, 8, page_w - 2 * margin):
        c.drawString(margin, y, line)
        y -= 3.2 * mm
    c.restoreState()


def _lines(c, x, y, text, font, size, width, leading, max_lines=None):
    """Draw ``text`` wrapped within ``width`` (long words broken too); returns the next y."""
    lines = _wrap(c, text, font, size, width)
    if max_lines and len(lines) > max_lines:  # shrink rather than cut
        start = size
        while size > 6 and len(lines) > max_lines:
            size -= 0.5
            lines = _wrap(c, text, font, size, width)
        leading = leading * size / start
    c.setFont(font, size)
    for line in lines:
        c.drawString(x, y, line)
        y -= leading
    return y


def cards_pdf(sites, base_url, title="", loopback=False):
    """PDF bytes with one card per site; ``base_url`` prefixes ``/p/<token>`` in the QR codes."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle(title or "Điểm cầu")
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    page_w, page_h = A4
    margin = 10 * mm
    card_w = (page_w - 2 * margin) / COLS
    card_h = (page_h - 2 * margin) / ROWS
    per_page = COLS * ROWS
    base = base_url.rstrip("/")
    for index, site in enumerate(sites):
        if index and index % per_page == 0:
            c.showPage()
        slot = index % per_page
        if slot == 0 and loopback:
            _warning(c, bold, page_w, page_h, margin)
        x = margin + (slot % COLS) * card_w
        y = page_h - margin - (slot // COLS + 1) * card_h
        c.setDash(3, 3)
        c.setStrokeGray(0.6)
        c.rect(x, y, card_w, card_h)
        c.setDash()
        pad = 4 * mm
        link = f"{base}/p/{site.token}"
        qr_size = min(card_h - 2 * pad - 16 * mm, 36 * mm)
        c.drawImage(
            ImageReader(io.BytesIO(qr_png(link, box_size=4, border=1))), x + pad, y + pad + 16 * mm, qr_size, qr_size
        )
        c.setFont(bold, 10)
        if site.short_code:
            c.drawCentredString(x + pad + qr_size / 2, y + pad + 11 * mm, f"Mã: {site.short_code}")
        text_x = x + pad + qr_size + 3 * mm
        text_w = card_w - (text_x - x) - pad
        top = y + card_h - pad - 4 * mm
        line_y = _lines(c, text_x, top, site.name, bold, 10.5, text_w, 4.4 * mm, max_lines=3)
        line_y = _lines(
            c,
            text_x,
            line_y - 0.5 * mm,
            " · ".join(p for p in (site.district, site.commune) if p),
            font,
            8.5,
            text_w,
            3.8 * mm,
            max_lines=2,
        )
        line_y = _lines(c, text_x, line_y, f"Mã điểm cầu: {site.code}", font, 8.5, text_w, 3.8 * mm)
        line_y -= 1.5 * mm
        for line in INSTRUCTIONS:
            line_y = _lines(c, text_x, line_y, line.format(base=base), font, 6.8, text_w, 3.1 * mm)
        _lines(c, x + pad, y + pad + 6 * mm, link, font, 6, card_w - 2 * pad, 2.6 * mm)
    if not sites:
        if loopback:
            _warning(c, bold, page_w, page_h, margin)
        c.setFont(font, 12)
        c.drawString(margin, page_h - margin - 10 * mm, "Không có điểm cầu nào.")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _break_word(c, word, font, size, width):
    """A word wider than ``width`` (a long link) split into pieces that fit."""
    parts, current = [], ""
    for ch in word:
        if current and c.stringWidth(current + ch, font, size) > width:
            parts.append(current)
            current = ch
        else:
            current += ch
    return parts + ([current] if current else [])


def _wrap(c, text, font, size, width):
    """Lines of ``text`` that each fit ``width`` — nothing is ever cut off."""
    lines, current = [], ""
    for word in (text or "").split():
        pieces = _break_word(c, word, font, size, width) if c.stringWidth(word, font, size) > width else [word]
        for piece in pieces:
            trial = f"{current} {piece}".strip()
            if c.stringWidth(trial, font, size) <= width or not current:
                current = trial
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines
