"""The printable A4 sheet of document QR codes (reportlab), Vietnamese titles included.

Three columns, four rows a page; each cell holds the QR code, the document title (wrapped,
in a font with Vietnamese glyphs) and the short link under it.
"""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from server.services.fonts import vietnamese_font
from server.services.qr import qr_png

COLS, ROWS = 3, 4
MARGIN = 36


def qr_sheet(heading, entries):
    """``entries``: [(title, url)]. Returns the PDF bytes."""
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(heading)
    width, height = A4
    cell_w = (width - 2 * MARGIN) / COLS
    cell_h = (height - 2 * MARGIN - 30) / ROWS
    qr_size = min(cell_w, cell_h) - 70
    per_page = COLS * ROWS
    for start in range(0, max(len(entries), 1), per_page):
        pdf.setFont(bold, 13)
        pdf.drawString(MARGIN, height - MARGIN - 6, heading[:110])
        for i, (title, url) in enumerate(entries[start:start + per_page]):
            col, row = i % COLS, i // COLS
            x = MARGIN + col * cell_w
            top = height - MARGIN - 30 - row * cell_h
            image = ImageReader(io.BytesIO(qr_png(url, box_size=8, border=2)))
            pdf.drawImage(image, x + (cell_w - qr_size) / 2, top - qr_size - 4, qr_size, qr_size)
            pdf.setFont(font, 9.5)
            y = top - qr_size - 18
            for line in simpleSplit(title, font, 9.5, cell_w - 12)[:3]:
                pdf.drawCentredString(x + cell_w / 2, y, line)
                y -= 11.5
            pdf.setFont(font, 7.5)
            pdf.drawCentredString(x + cell_w / 2, y - 1, url)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
