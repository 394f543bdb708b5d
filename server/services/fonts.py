"""A TrueType font with Vietnamese glyphs for the PDFs we generate (reports, QR sheets)."""

import os

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_CANDIDATES = [
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("DejaVuSans-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


def vietnamese_font(bold=False):
    """Register and return the name of a font that renders Vietnamese diacritics.

    Falls back to Helvetica (no diacritics) only if Debian's fonts-dejavu-core is absent."""
    name, path = _CANDIDATES[1 if bold else 0]
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    if os.path.exists(path):
        pdfmetrics.registerFont(TTFont(name, path))
        return name
    return "Helvetica-Bold" if bold else "Helvetica"
