"""Camera-like frames for the README screenshots (the fake OBS's GetSourceScreenshot): a stage
with a backdrop, a lectern and, for the speaker scene, a lower third. Pillow only."""

import base64
import io

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LOOKS = {  # scene -> (backdrop colour, caption, lower third)
    "Opening": ((120, 14, 30), "ĐẠI HỘI ĐẠI BIỂU TOÀN QUỐC", None),
    "Speaker": ((96, 12, 26), "", ("Nguyễn Thị Thu", "Phó Chủ tịch Ủy ban")),
    "Panel": ((40, 52, 86), "TỌA ĐÀM", None),
    "Slides": ((236, 238, 242), "Báo cáo kết quả nhiệm kỳ 2020–2025", None),
    "Bridge grid": ((18, 24, 32), "", None),
    "Q&A": ((30, 60, 70), "HỎI ĐÁP", None),
    "Break": ((20, 20, 24), "GIẢI LAO — 15 phút", None),
}


def _font(size):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def frame(scene, width=960):
    height = width * 9 // 16
    colour, caption, lower = LOOKS.get(scene, ((50, 50, 60), scene, None))
    img = Image.new("RGB", (width, height), colour)
    d = ImageDraw.Draw(img)
    u = width / 960
    if scene == "Bridge grid":
        for r in range(3):
            for c in range(4):
                x, y = 20 * u + c * 232 * u, 20 * u + r * 172 * u
                shade = 60 + (r * 4 + c) * 9
                d.rectangle([x, y, x + 220 * u, y + 160 * u], fill=(shade, shade + 10, shade + 25))
                d.text((x + 8 * u, y + 136 * u), f"Điểm cầu {r * 4 + c + 1}", font=_font(int(14 * u)), fill="white")
    elif scene == "Slides":
        d.rectangle([60 * u, 60 * u, 900 * u, 480 * u], fill="white", outline=(200, 16, 46), width=int(6 * u))
        d.text((100 * u, 100 * u), caption, font=_font(int(30 * u)), fill=(20, 20, 20))
        for i, w in enumerate((620, 540, 580, 420)):
            d.rectangle([100 * u, (190 + i * 60) * u, (100 + w) * u, (214 + i * 60) * u], fill=(210, 214, 222))
    else:
        d.rectangle([0, height * 0.72, width, height], fill=tuple(max(0, v - 30) for v in colour))
        d.rectangle([width * 0.42, height * 0.45, width * 0.58, height * 0.86], fill=(150, 110, 60))
        d.ellipse([width * 0.46, height * 0.2, width * 0.54, height * 0.36], fill=(220, 180, 150))
        d.rectangle([width * 0.44, height * 0.34, width * 0.56, height * 0.5], fill=(30, 34, 48))
        if caption:
            d.text((width / 2, height * 0.1), caption, font=_font(int(34 * u)), fill=(246, 195, 68), anchor="mt")
    if lower:
        d.rectangle([96 * u, 400 * u, 560 * u, 470 * u], fill=(200, 16, 46))
        d.rectangle([96 * u, 400 * u, 104 * u, 470 * u], fill=(246, 195, 68))
        d.text((120 * u, 408 * u), lower[0], font=_font(int(26 * u)), fill="white")
        d.text((120 * u, 442 * u), lower[1], font=_font(int(17 * u)), fill=(255, 247, 224))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return "data:image/jpg;base64," + base64.b64encode(out.getvalue()).decode()
