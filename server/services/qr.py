"""QR codes (qrcode library) as PNG bytes or SVG text, for documents and bridge points."""

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _make(data, border):
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, box_size=10)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data, box_size=10, border=4):
    """PNG bytes of a QR code encoding ``data``."""
    code = _make(data, border)
    code.box_size = box_size
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data, border=4):
    """A standalone SVG document (text) of a QR code encoding ``data``."""
    code = _make(data, border)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")
