"""A generated corpus of Vietnamese-looking questions with near-duplicate variants (NFD,
no diacritics, typos, reworded openings), for the duplicate-grouping tests and timing."""

import random
import unicodedata

SYLLABLES = [
    "đường",
    "liên",
    "xã",
    "huyện",
    "tỉnh",
    "thôn",
    "bản",
    "trường",
    "học",
    "trạm",
    "y",
    "tế",
    "cầu",
    "cống",
    "kênh",
    "mương",
    "thủy",
    "lợi",
    "điện",
    "lưới",
    "nước",
    "sạch",
    "đất",
    "đai",
    "giải",
    "phóng",
    "mặt",
    "bằng",
    "bồi",
    "thường",
    "tái",
    "định",
    "cư",
    "chính",
    "sách",
    "hộ",
    "nghèo",
    "cận",
    "nghèo",
    "bảo",
    "hiểm",
    "xã",
    "hội",
    "y",
    "tế",
    "phụ",
    "cấp",
    "cán",
    "bộ",
    "mặt",
    "trận",
    "hội",
    "phụ",
    "nữ",
    "đoàn",
    "thanh",
    "niên",
    "cựu",
    "chiến",
    "binh",
    "nông",
    "dân",
    "giá",
    "phân",
    "bón",
    "giống",
    "lúa",
    "vật",
    "nuôi",
    "dịch",
    "bệnh",
    "tiêm",
    "phòng",
    "môi",
    "trường",
    "rác",
    "thải",
    "xử",
    "lý",
    "ô",
    "nhiễm",
    "làng",
    "nghề",
    "khu",
    "công",
    "nghiệp",
    "việc",
    "làm",
    "lao",
    "động",
    "xuất",
    "khẩu",
    "đào",
    "tạo",
    "nghề",
    "học",
    "phí",
    "sách",
    "giáo",
    "khoa",
    "giáo",
    "viên",
    "biên",
    "chế",
    "hợp",
    "đồng",
    "lương",
    "hưu",
    "trợ",
    "cấp",
    "người",
    "cao",
    "tuổi",
    "khuyết",
    "tật",
    "trẻ",
    "em",
    "đuối",
    "nước",
    "an",
    "toàn",
    "giao",
    "thông",
    "đèn",
    "chiếu",
    "sáng",
    "chợ",
    "quy",
    "hoạch",
    "sổ",
    "đỏ",
    "thủ",
    "tục",
    "hành",
    "chính",
    "một",
    "cửa",
    "dịch",
    "vụ",
    "công",
    "trực",
    "tuyến",
    "chuyển",
    "đổi",
    "số",
    "internet",
    "sóng",
    "điện",
    "thoại",
    "du",
    "lịch",
    "văn",
    "hóa",
    "nhà",
    "văn",
    "hóa",
    "sân",
    "thể",
    "thao",
    "đê",
    "biển",
    "kè",
    "sông",
    "sạt",
    "lở",
    "bão",
    "lũ",
    "hạn",
    "hán",
    "nhiễm",
    "mặn",
    "tôm",
    "cá",
    "rừng",
    "phòng",
    "hộ",
]
OPENINGS = ("Khi nào", "Bao giờ", "Đề nghị cho biết", "Xin hỏi", "Kiến nghị", "Tại sao")
CLOSINGS = ("được giải quyết?", "được sửa chữa?", "được đầu tư?", "sẽ thực hiện?", "có kế hoạch không?")


def _strip_marks(text):
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d").replace("Đ", "D")


def _typo(rng, text):
    words = text.split()
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 2:
        j = rng.randrange(1, len(w) - 1)
        w = w[:j] + w[j + 1 :] if rng.random() < 0.5 else w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    words[i] = w
    return " ".join(words)


def variant(rng, text, how):
    if how == "nfd":
        return unicodedata.normalize("NFD", text)
    if how == "plain":
        return _strip_marks(text)
    if how == "typo":
        return _typo(rng, text)
    if how == "upper":
        return text.upper()
    return text


def corpus(n=10_000, seed=7):
    """``(texts, truth)``: ``n`` texts and, for each, the index of the base question it varies."""
    rng = random.Random(seed)
    texts, truth = [], []
    base = 0
    while len(texts) < n:
        body = " ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(10, 22)))
        original = f"{rng.choice(OPENINGS)} {body} {rng.choice(CLOSINGS)}"
        copies = rng.choice((1, 1, 1, 2, 3, 5, 8))
        for k in range(min(copies, n - len(texts))):
            how = "same" if k == 0 else rng.choice(("nfd", "plain", "typo", "upper", "same"))
            texts.append(variant(rng, original, how))
            truth.append(base)
        base += 1
    return texts, truth
