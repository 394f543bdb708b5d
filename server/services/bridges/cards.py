"""Printable A4 PDF of site cards: one card per site (name, district, QR of its secret link,
short instructions in Vietnamese), eight cards to a page with cut lines."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from server.services.fonts import vietnamese_font
from server.services.qr import qr_png

COLS, ROWS = 2, 4
INSTRUCTIONS = (
    "1. Quét mã QR bằng điện thoại của cán bộ kỹ thuật.",
    "2. Khi hình và tiếng đã tốt, bấm «Điểm danh / Báo đã sẵn sàng».",
    "3. Giữ trang mở suốt hội nghị (cắm sạc cho điện thoại).",
    "4. Gặp sự cố (mất tiếng, mất hình...) bấm «Báo sự cố».",
)


def _fit(c, text, font, size, width):
    while size > 6 and c.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def cards_pdf(sites, base_url, title=""):
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
    for index, site in enumerate(sites):
        if index and index % per_page == 0:
            c.showPage()
        slot = index % per_page
        x = margin + (slot % COLS) * card_w
        y = page_h - margin - (slot // COLS + 1) * card_h
        c.setDash(3, 3)
        c.setStrokeGray(0.6)
        c.rect(x, y, card_w, card_h)
        c.setDash()
        pad = 4 * mm
        link = f"{base_url.rstrip('/')}/p/{site.token}"
        qr_size = card_h - 2 * pad - 10 * mm
        c.drawImage(ImageReader(io.BytesIO(qr_png(link, box_size=4, border=1))), x + pad, y + pad + 10 * mm,
                    qr_size, qr_size)
        text_x = x + pad + qr_size + 3 * mm
        text_w = card_w - (text_x - x) - pad
        top = y + card_h - pad - 4 * mm
        size = _fit(c, site.name, bold, 11, text_w)
        c.setFont(bold, size)
        c.drawString(text_x, top, site.name)
        c.setFont(font, 8.5)
        c.drawString(text_x, top - 5 * mm, _clip(c, site.district, font, 8.5, text_w))
        c.drawString(text_x, top - 9.5 * mm, _clip(c, f"Mã: {site.code}", font, 8.5, text_w))
        c.setFont(font, 7)
        line_y = top - 16 * mm
        for line in INSTRUCTIONS:
            for part in _wrap(c, line, font, 7, text_w):
                c.drawString(text_x, line_y, part)
                line_y -= 3.4 * mm
        c.setFont(font, 6)
        c.drawString(x + pad, y + pad + 2 * mm, _clip(c, link, font, 6, card_w - 2 * pad))
    if not sites:
        c.setFont(font, 12)
        c.drawString(margin, page_h - margin - 10 * mm, "Không có điểm cầu nào.")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _clip(c, text, font, size, width):
    while text and c.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _wrap(c, text, font, size, width):
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if c.stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines
