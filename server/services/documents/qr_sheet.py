"""The printable A4 sheet of document QR codes (reportlab), Vietnamese titles included.

Three columns, four rows a page; each cell holds the QR code, the document title and the
short link under it. Everything is wrapped inside its cell and the page margins (a long word
or link is broken, a long title gets a smaller font): nothing is cut, nothing overflows.
"""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from server.services.fonts import vietnamese_font
from server.services.qr import qr_png

COLS, ROWS = 3, 4
MARGIN = 36
TITLE_LINES = 4


def wrap(pdf, text, font, size, width):
    """Lines of ``text`` each within ``width`` (words wider than the cell are broken)."""
    lines, current = [], ""
    for word in (text or "").split():
        pieces = [word]
        if pdf.stringWidth(word, font, size) > width:
            pieces, part = [], ""
            for ch in word:
                if part and pdf.stringWidth(part + ch, font, size) > width:
                    pieces.append(part)
                    part = ch
                else:
                    part += ch
            pieces.append(part)
        for piece in pieces:
            trial = f"{current} {piece}".strip()
            if not current or pdf.stringWidth(trial, font, size) <= width:
                current = trial
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def fitted(pdf, text, font, size, width, max_lines, smallest=6.5):
    """``(size, lines)``: the largest size down to ``smallest`` at which ``text`` takes at most
    ``max_lines`` lines (at ``smallest`` every line is kept, none cut)."""
    lines = wrap(pdf, text, font, size, width)
    while len(lines) > max_lines and size > smallest:
        size -= 0.5
        lines = wrap(pdf, text, font, size, width)
    return size, lines


def qr_sheet(heading, entries):
    """``entries``: [(title, url)]. Returns the PDF bytes."""
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(heading)
    width, height = A4
    inner = width - 2 * MARGIN
    head_size, head_lines = fitted(pdf, heading, bold, 13, inner, 2, smallest=9)
    head_h = len(head_lines) * (head_size + 3) + 12
    cell_w = inner / COLS
    cell_h = (height - 2 * MARGIN - head_h) / ROWS
    qr_size = min(cell_w, cell_h) - 80
    per_page = COLS * ROWS
    for start in range(0, max(len(entries), 1), per_page):
        pdf.setFont(bold, head_size)
        y = height - MARGIN - head_size
        for line in head_lines:
            pdf.drawString(MARGIN, y, line)
            y -= head_size + 3
        for i, (title, url) in enumerate(entries[start : start + per_page]):
            col, row = i % COLS, i // COLS
            x = MARGIN + col * cell_w
            top = height - MARGIN - head_h - row * cell_h
            image = ImageReader(io.BytesIO(qr_png(url, box_size=8, border=2)))
            pdf.drawImage(image, x + (cell_w - qr_size) / 2, top - qr_size - 4, qr_size, qr_size)
            size, lines = fitted(pdf, title, font, 9.5, cell_w - 12, TITLE_LINES)
            pdf.setFont(font, size)
            y = top - qr_size - 16
            for line in lines:
                pdf.drawCentredString(x + cell_w / 2, y, line)
                y -= size + 2
            pdf.setFont(font, 7)
            for line in wrap(pdf, url, font, 7, cell_w - 12):
                pdf.drawCentredString(x + cell_w / 2, y - 1, line)
                y -= 8.5
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
