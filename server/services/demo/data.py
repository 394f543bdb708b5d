"""The demo congress's content: provinces and their official communes, agendas, documents.

Plain data, deterministic, so the demo looks the same on every machine.
"""

PROVINCE = "Thanh Hóa"

# Every commune and ward name comes from the official 2025 map (``bridges.gazetteer``).
# The forum: 442 commune points of the North Central region, province by province
# (province, site code prefix, how many of its communes, in Vietnamese order).
FORUM_PROVINCES = [("Thanh Hóa", "TH", 166), ("Nghệ An", "NA", 130), ("Hà Tĩnh", "HT", 69), ("Quảng Trị", "QT", 77)]
# The plenary: 19 commune halls of the province (every PLENARY_STEP-th commune of Thanh Hóa).
PLENARY_HALLS = 19
PLENARY_STEP = 8

CONTACT_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô"]
CONTACT_GIVEN = [
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "Đức Dũng",
    "Thu Hà",
    "Quốc Hùng",
    "Thị Lan",
    "Văn Long",
    "Ngọc Mai",
    "Hữu Nghĩa",
    "Thanh Phương",
    "Văn Quân",
    "Thị Thảo",
    "Xuân Trường",
]

EVENTS = [
    {
        "slug": "demo-plenary",
        "name": "Đại hội đại biểu MTTQ Việt Nam tỉnh Thanh Hóa lần thứ XVI, nhiệm kỳ 2024 – 2029 (phiên toàn thể)",
        "kind": "plenary",
        "location": "Cung Văn hóa Thiếu nhi tỉnh, TP. Thanh Hóa",
    },
    {
        "slug": "demo-forum",
        "name": "Diễn đàn: Mặt trận Tổ quốc với chuyển đổi số ở cơ sở (khu vực Bắc Trung Bộ)",
        "kind": "forum",
        "location": "Hội trường UBND xã Hoằng Hóa, tỉnh Thanh Hóa",
    },
    {
        "slug": "demo-national",
        "name": "Hội nghị trực tuyến toàn quốc: triển khai mô hình chính quyền địa phương hai cấp",
        "kind": "plenary",
        "location": "Điểm cầu Trung ương, Hà Nội",
    },
]

NATIONAL_AGENDA = [
    (
        "Khai mạc",
        "Tuyên bố lý do, giới thiệu đại biểu tại 34 điểm cầu tỉnh và 3.321 điểm cầu xã",
        "",
        "",
        10,
        "Bridge grid",
        "",
    ),
    (
        "Khai mạc",
        "Phát biểu khai mạc",
        "Đỗ Văn Chiến",
        "Chủ tịch Ủy ban Trung ương MTTQ Việt Nam",
        15,
        "Speaker",
        "Đỗ Văn Chiến — Chủ tịch Ủy ban Trung ương MTTQ Việt Nam",
    ),
    ("Nội dung", "Báo cáo kết quả vận hành chính quyền địa phương hai cấp", "", "", 30, "Slides", ""),
    ("Nội dung", "Ý kiến từ các điểm cầu tỉnh, thành phố", "", "", 60, "Bridge grid", ""),
    ("Bế mạc", "Kết luận Hội nghị", "", "", 15, "Speaker", ""),
]

# (session, title, speaker name, speaker title, minutes, scene, lower third)
PLENARY_AGENDA = [
    ("Phiên khai mạc", "Chương trình văn nghệ chào mừng", "", "", 15, "Opening", ""),
    (
        "Phiên khai mạc",
        "Chào cờ, tuyên bố lý do, giới thiệu đại biểu",
        "Lê Thị Hồng",
        "Phó Chủ tịch Ủy ban MTTQ tỉnh",
        10,
        "Speaker",
        "Lê Thị Hồng — Phó Chủ tịch Ủy ban MTTQ tỉnh",
    ),
    (
        "Phiên khai mạc",
        "Diễn văn khai mạc Đại hội",
        "Phạm Văn Tuấn",
        "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
        15,
        "Speaker",
        "Phạm Văn Tuấn — Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    ),
    ("Phiên khai mạc", "Phóng sự: 5 năm Mặt trận đồng hành cùng nhân dân", "", "", 8, "Slides", ""),
    (
        "Phiên thứ nhất",
        "Báo cáo chính trị trình Đại hội",
        "Nguyễn Thị Thu",
        "Phó Chủ tịch Thường trực Ủy ban MTTQ tỉnh",
        35,
        "Slides",
        "Nguyễn Thị Thu — Phó Chủ tịch Thường trực Ủy ban MTTQ tỉnh",
    ),
    (
        "Phiên thứ nhất",
        "Báo cáo kiểm điểm của Ủy ban MTTQ tỉnh khóa XV",
        "Trần Đức Minh",
        "Phó Chủ tịch Ủy ban MTTQ tỉnh",
        20,
        "Speaker",
        "Trần Đức Minh — Phó Chủ tịch Ủy ban MTTQ tỉnh",
    ),
    ("Phiên thứ nhất", "Thảo luận tại hội trường và ý kiến từ các điểm cầu", "", "", 45, "Bridge grid", ""),
    ("Phiên thứ nhất", "Nghỉ giải lao", "", "", 15, "Break", ""),
    (
        "Phiên thứ hai",
        "Phát biểu chỉ đạo của lãnh đạo Trung ương",
        "Đỗ Văn Chiến",
        "Ủy viên Bộ Chính trị, Chủ tịch Ủy ban Trung ương MTTQ Việt Nam",
        25,
        "Speaker",
        "Đỗ Văn Chiến — Chủ tịch Ủy ban Trung ương MTTQ Việt Nam",
    ),
    ("Phiên thứ hai", "Hiệp thương cử Ủy ban MTTQ tỉnh khóa XVI", "", "", 30, "Panel", ""),
    (
        "Phiên thứ hai",
        "Thông qua Nghị quyết Đại hội, bế mạc",
        "Phạm Văn Tuấn",
        "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
        15,
        "Speaker",
        "Phạm Văn Tuấn — Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    ),
]

FORUM_AGENDA = [
    (
        "Khai mạc",
        "Tuyên bố lý do, giới thiệu đại biểu",
        "Hoàng Minh Khôi",
        "Chủ tịch Ủy ban MTTQ xã Hoằng Hóa",
        10,
        "Speaker",
        "Hoàng Minh Khôi — Chủ tịch Ủy ban MTTQ xã Hoằng Hóa",
    ),
    (
        "Khai mạc",
        "Báo cáo đề dẫn: Chuyển đổi số trong công tác Mặt trận ở cơ sở",
        "Vũ Thị Ngọc",
        "Trưởng ban Phong trào, Ủy ban MTTQ tỉnh",
        20,
        "Slides",
        "Vũ Thị Ngọc — Trưởng ban Phong trào",
    ),
    ("Đối thoại", "Đối thoại trực tuyến với cán bộ Mặt trận tại 442 điểm cầu xã, phường", "", "", 60, "Q&A", ""),
    ("Đối thoại", "Phóng sự: Tổ công nghệ số cộng đồng", "", "", 6, "Slides", ""),
    (
        "Bế mạc",
        "Kết luận Diễn đàn",
        "Phạm Văn Tuấn",
        "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
        10,
        "Speaker",
        "Phạm Văn Tuấn — Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    ),
]

DOCUMENTS = [
    "Chương trình Đại hội",
    "Dự thảo Báo cáo chính trị trình Đại hội",
    "Báo cáo kiểm điểm của Ủy ban MTTQ tỉnh khóa XV",
    "Dự thảo Nghị quyết Đại hội",
    "Danh sách đại biểu chính thức",
]
