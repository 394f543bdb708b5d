"""Hostile media for the slide and logo limits: image bombs (tiny files, huge pixel counts) and
PDFs with too many pages or absurd page shapes."""

import io
import struct
import zlib


def png_header_bomb(width, height):
    """A valid-looking PNG of ``width``×``height`` whose data is a few bytes: only the header tells
    its size (decoding it would need width×height bytes)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")
    )


def png_real_bomb(side=12000):
    """A real, fully decodable ``side``×``side`` PNG of ~100 KB (1-bit, all white)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (side, side), 1).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def pdf_with_pages(pages, width=842, height=595):
    """A PDF of ``pages`` pages of ``width``×``height`` pt, each with a line of text."""
    import fitz

    doc = fitz.open()
    for n in range(pages):
        page = doc.new_page(width=width, height=height)
        page.insert_text((20, 40), f"Trang {n + 1}", fontsize=24)
    data = doc.tobytes()
    doc.close()
    return data


def photo(color="red", size=(800, 600)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()
