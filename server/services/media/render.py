"""What runs inside the media worker process: PDF pages and photos to PNG, the overlay logo.

Nothing here touches Flask or the database; every function takes file paths and returns plain
data, so it can be pickled to and from the worker. A refusal raises ``MediaRefused(code, **params)``
which the parent translates (``server/services/media/worker.py``).

Limits: an image's pixel count is read from its header before anything is decoded (``Image.open``
is lazy) and ``Image.MAX_IMAGE_PIXELS`` backs it up; a PDF has at most ``MAX_PAGES`` pages, each
rendered so its long side is at most ``SLIDE_LONG_SIDE`` px (so its area is bounded too); pages
much longer than wide (not slides) are refused; memory is capped by ``limit_memory``."""

import os

MAX_IMAGE_PIXELS = 40_000_000  # 40 MP per uploaded image (header checked before decoding)
MAX_PAGES = 300
MAX_PAGE_ASPECT = 8.0  # a page more than 8× longer than wide is not a slide
SLIDE_LONG_SIDE = 1920
THUMB_LONG_SIDE = 320
PHOTO_BOX = (1920, 2160)
LOGO_BOX = (600, 600)


class MediaRefused(Exception):
    """A refusal the parent shows to the user: ``code`` and the message's parameters."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __reduce__(self):  # crosses the process boundary: rebuilt with its keyword parameters
        return _refused, (self.code, self.params)


def _refused(code, params):
    return MediaRefused(code, **params)


def init_worker(memory_bytes):
    """The worker's initializer: cap its address space and Pillow's decompression-bomb limit."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    limit_memory(memory_bytes)


def limit_memory(memory_bytes):
    if not memory_bytes:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the time limit still holds
        pass


# ---------------------------------------------------------------- PDF
def inspect_pdf(path):
    """Page count and shape check of a PDF without rendering: ``{"pages": n}`` or a refusal."""
    import fitz

    try:
        doc = fitz.open(path, filetype="pdf")
    except Exception:
        raise MediaRefused("media_invalid") from None
    with doc:
        pages = doc.page_count
        if pages < 1:
            raise MediaRefused("media_invalid")
        if pages > MAX_PAGES:
            raise MediaRefused("pdf_too_many_pages", n=MAX_PAGES, pages=pages)
        for number, page in enumerate(doc):
            width, height = page.rect.width, page.rect.height
            if width < 1 or height < 1 or max(width, height) / min(width, height) > MAX_PAGE_ASPECT:
                raise MediaRefused("pdf_page_shape", page=number + 1)
    return {"pages": pages}


def page_scale(width, height, long_side):
    """The zoom that renders a ``width``×``height`` pt page with its long side at ``long_side`` px."""
    return long_side / max(width, height, 1)


def render_pdf_page(path, number, image_path, thumb_path):
    """Render page ``number`` (0-based) to a PNG and its thumbnail; returns their pixel sizes."""
    import fitz

    with fitz.open(path, filetype="pdf") as doc:
        if not 0 <= number < min(doc.page_count, MAX_PAGES):
            raise MediaRefused("media_invalid")
        page = doc[number]
        sizes = []
        for out, long_side in ((image_path, SLIDE_LONG_SIDE), (thumb_path, THUMB_LONG_SIDE)):
            zoom = page_scale(page.rect.width, page.rect.height, long_side)
            pixmap = page.get_pixmap(matrix=fitz.Matrix(zoom, zoom), alpha=False)
            pixmap.save(out)
            sizes.append((pixmap.width, pixmap.height))
    return sizes


# ---------------------------------------------------------------- images
def open_checked(path):
    """Open an image lazily and refuse it from its header when too large; never decodes."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(path)
    except Image.DecompressionBombError:
        raise MediaRefused("image_too_large", mp=MAX_IMAGE_PIXELS // 1_000_000) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise MediaRefused("media_invalid") from None
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise MediaRefused("image_too_large", mp=MAX_IMAGE_PIXELS // 1_000_000)
    return image


def probe_images(items):
    """Check every image's header first (``items``: [(path, name shown to the user)]), so a bad
    photo refuses the deck before any work. Returns the sizes."""
    sizes = []
    for path, name in items:
        try:
            with open_checked(path) as image:
                sizes.append(image.size)
        except MediaRefused as exc:
            exc.params["name"] = name or os.path.basename(path)
            raise
    return sizes


def _decoded(path):
    image = open_checked(path)
    try:
        image.load()
    except (OSError, ValueError, SyntaxError):
        raise MediaRefused("media_invalid") from None
    except MemoryError:
        raise MediaRefused("image_too_large", mp=MAX_IMAGE_PIXELS // 1_000_000) from None
    return image


def render_photo(path, image_path, thumb_path):
    """A photo re-encoded to PNG (metadata dropped) within ``PHOTO_BOX`` and its thumbnail."""
    image = _decoded(path).convert("RGB")
    full = image.copy()
    full.thumbnail(PHOTO_BOX)
    full.save(image_path, "PNG")
    small = image.copy()
    small.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE))
    small.save(thumb_path, "PNG")
    return [full.size, small.size]


def render_logo(path, out_path):
    """The overlay logo: within ``LOGO_BOX``, RGBA PNG."""
    image = _decoded(path)
    image.thumbnail(LOGO_BOX)
    image.convert("RGBA").save(out_path, "PNG")
    return image.size


def render_chat_photo(path, out_path, long_side=1280):
    """A photo from a site's phone (the conversation): decoded, within ``long_side``, re-encoded
    as JPEG (metadata dropped). Returns its size."""
    image = _decoded(path).convert("RGB")
    image.thumbnail((long_side, long_side))
    image.save(out_path, "JPEG", quality=85)
    return image.size
