"""The demo congress's content: a province, its districts and communes, agendas, documents.

Plain data, deterministic, so the demo looks the same on every machine.
"""

PROVINCE = "Thanh Hóa"

# (district, code, number of bridge points). 442 in all: one per commune-level unit.
DISTRICTS = [
    ("Thành phố Thanh Hóa", "TPTH", 30), ("Thị xã Bỉm Sơn", "BS", 8), ("Thị xã Nghi Sơn", "NGS", 31),
    ("Thành phố Sầm Sơn", "SS", 11), ("Huyện Hoằng Hóa", "HH", 31), ("Huyện Hậu Lộc", "HL", 23),
    ("Huyện Nga Sơn", "NS", 24), ("Huyện Quảng Xương", "QX", 29), ("Huyện Thọ Xuân", "TX", 32),
    ("Huyện Triệu Sơn", "TS", 34), ("Huyện Yên Định", "YD", 26), ("Huyện Đông Sơn", "DS", 14),
    ("Huyện Nông Cống", "NC", 29), ("Huyện Thiệu Hóa", "THH", 25), ("Huyện Vĩnh Lộc", "VL", 13),
    ("Huyện Hà Trung", "HT", 20), ("Huyện Ngọc Lặc", "NL", 21), ("Huyện Thạch Thành", "TT", 24),
    ("Huyện Cẩm Thủy", "CT", 17),
]

COMMUNE_STEMS = [
    "An", "Bình", "Cẩm", "Đông", "Định", "Hải", "Hòa", "Hoằng", "Hưng", "Khánh", "Lộc", "Minh", "Nga",
    "Phú", "Quảng", "Tân", "Thịnh", "Thọ", "Thiệu", "Trung", "Vĩnh", "Xuân", "Yên", "Đồng",
]
COMMUNE_SUFFIXES = [
    "Thành", "Phong", "Lợi", "Hải", "Tiến", "Long", "Sơn", "Giang", "Thái", "Hưng", "Phúc", "Lâm",
    "Khê", "Vinh", "Trường", "Thắng", "Quang", "Đức", "Hà", "Nguyên",
]

CONTACT_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô"]
CONTACT_GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Đức Dũng", "Thu Hà", "Quốc Hùng", "Thị Lan", "Văn Long",
                 "Ngọc Mai", "Hữu Nghĩa", "Thanh Phương", "Văn Quân", "Thị Thảo", "Xuân Trường"]

EVENTS = [
    {
        "slug": "demo-plenary",
        "name": "Đại hội đại biểu MTTQ Việt Nam tỉnh Thanh Hóa lần thứ XVI, nhiệm kỳ 2024 – 2029 (phiên toàn thể)",
        "kind": "plenary",
        "location": "Cung Văn hóa Thiếu nhi tỉnh, TP. Thanh Hóa",
    },
    {
        "slug": "demo-forum",
        "name": "Diễn đàn: Mặt trận Tổ quốc với chuyển đổi số ở cơ sở",
        "kind": "forum",
        "location": "Hội trường UBND huyện Hoằng Hóa",
    },
]

# (session, title, speaker name, speaker title, minutes, scene, lower third)
PLENARY_AGENDA = [
    ("Phiên khai mạc", "Chương trình văn nghệ chào mừng", "", "", 15, "Opening", ""),
    ("Phiên khai mạc", "Chào cờ, tuyên bố lý do, giới thiệu đại biểu", "Lê Thị Hồng", "Phó Chủ tịch Ủy ban MTTQ tỉnh", 10, "Speaker", "Lê Thị Hồng — Phó Chủ tịch Ủy ban MTTQ tỉnh"),
    ("Phiên khai mạc", "Diễn văn khai mạc Đại hội", "Phạm Văn Tuấn", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", 15, "Speaker", "Phạm Văn Tuấn — Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"),
    ("Phiên khai mạc", "Phóng sự: 5 năm Mặt trận đồng hành cùng nhân dân", "", "", 8, "Slides", ""),
    ("Phiên thứ nhất", "Báo cáo chính trị trình Đại hội", "Nguyễn Thị Thu", "Phó Chủ tịch Thường trực Ủy ban MTTQ tỉnh", 35, "Slides", "Nguyễn Thị Thu — Phó Chủ tịch Thường trực Ủy ban MTTQ tỉnh"),
    ("Phiên thứ nhất", "Báo cáo kiểm điểm của Ủy ban MTTQ tỉnh khóa XV", "Trần Đức Minh", "Phó Chủ tịch Ủy ban MTTQ tỉnh", 20, "Speaker", "Trần Đức Minh — Phó Chủ tịch Ủy ban MTTQ tỉnh"),
    ("Phiên thứ nhất", "Thảo luận tại hội trường và ý kiến từ các điểm cầu", "", "", 45, "Bridge grid", ""),
    ("Phiên thứ nhất", "Nghỉ giải lao", "", "", 15, "Break", ""),
    ("Phiên thứ hai", "Phát biểu chỉ đạo của lãnh đạo Trung ương", "Đỗ Văn Chiến", "Ủy viên Bộ Chính trị, Chủ tịch Ủy ban Trung ương MTTQ Việt Nam", 25, "Speaker", "Đỗ Văn Chiến — Chủ tịch Ủy ban Trung ương MTTQ Việt Nam"),
    ("Phiên thứ hai", "Hiệp thương cử Ủy ban MTTQ tỉnh khóa XVI", "", "", 30, "Panel", ""),
    ("Phiên thứ hai", "Thông qua Nghị quyết Đại hội, bế mạc", "Phạm Văn Tuấn", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", 15, "Speaker", "Phạm Văn Tuấn — Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"),
]

FORUM_AGENDA = [
    ("Khai mạc", "Tuyên bố lý do, giới thiệu đại biểu", "Hoàng Minh Khôi", "Chủ tịch Ủy ban MTTQ huyện Hoằng Hóa", 10, "Speaker", "Hoàng Minh Khôi — Chủ tịch Ủy ban MTTQ huyện Hoằng Hóa"),
    ("Khai mạc", "Báo cáo đề dẫn: Chuyển đổi số trong công tác Mặt trận ở cơ sở", "Vũ Thị Ngọc", "Trưởng ban Phong trào, Ủy ban MTTQ tỉnh", 20, "Slides", "Vũ Thị Ngọc — Trưởng ban Phong trào"),
    ("Đối thoại", "Đối thoại trực tuyến với cán bộ Mặt trận tại 442 điểm cầu", "", "", 60, "Q&A", ""),
    ("Đối thoại", "Phóng sự: Tổ công nghệ số cộng đồng", "", "", 6, "Slides", ""),
    ("Bế mạc", "Kết luận Diễn đàn", "Phạm Văn Tuấn", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", 10, "Speaker", "Phạm Văn Tuấn — Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"),
]

DOCUMENTS = [
    "Chương trình Đại hội",
    "Dự thảo Báo cáo chính trị trình Đại hội",
    "Báo cáo kiểm điểm của Ủy ban MTTQ tỉnh khóa XV",
    "Dự thảo Nghị quyết Đại hội",
    "Danh sách đại biểu chính thức",
]
