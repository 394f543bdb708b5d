"""The policy areas (*lĩnh vực*) that questions to a Vietnamese congress or forum usually fall
into, each with the words and phrases that name it: the seeds the theme engine
(``server/services/questions/theme_engine.py``) starts its clusters from. Written from the usual
areas of a people's council session's voters' questions (*ý kiến, kiến nghị cử tri*), not from any
event's data; areas an event's questions never mention simply do not appear.

Phrases are matched whole-word, with their diacritics on texts that have them (``thuốc`` is not
``thuộc``, ``đê`` is not ``đề``), folded on texts typed without any.
"""

AREAS = {
    "giao_thong": (
        "giao thông, đường, quốc lộ, tỉnh lộ, đường tỉnh, cao tốc, cầu, cầu treo, cống, xe, xe buýt, ô tô, "
        "xe máy, xe tải, xe khách, tai nạn, ùn tắc, bến xe, đèn tín hiệu, biển báo, vỉa hè, mặt đường, "
        "đường sắt, sân bay, đường bay, cảng, bến đò, đăng kiểm, trạm thu phí, phân luồng, ổ gà, giảm tốc"
    ),
    "y_te": (
        "y tế, bệnh viện, trạm y tế, bác sĩ, khám bệnh, chữa bệnh, khám chữa bệnh, thuốc, bệnh nhân, "
        "người bệnh, bảo hiểm y tế, tiêm chủng, vắc xin, dịch bệnh, sốt xuất huyết, cấp cứu, điều trị, "
        "sức khỏe, an toàn thực phẩm, ngộ độc, ung thư, phòng khám, lọc máu, chuyển viện"
    ),
    "giao_duc": (
        "giáo dục, trường, trường học, học sinh, giáo viên, học phí, sách giáo khoa, lớp học, phòng học, "
        "mầm non, tiểu học, trung học, kỳ thi, tuyển sinh, dạy thêm, học thêm, sinh viên, nhà trường, "
        "bán trú, thầy cô, năm học, điểm trường, phổ cập, xóa mù chữ"
    ),
    "dat_dai": (
        "đất, đất đai, sổ đỏ, giấy chứng nhận quyền sử dụng đất, quyền sử dụng đất, quy hoạch, bồi thường, "
        "giải phóng mặt bằng, tái định cư, thu hồi đất, tranh chấp, địa chính, thửa đất, tách thửa, giá đất, "
        "lấn chiếm, đấu giá, dự án treo, đo đạc, thổ cư"
    ),
    "moi_truong": (
        "môi trường, ô nhiễm, rác, rác thải, nước thải, khói bụi, bụi, mùi hôi, xả thải, bãi rác, chất thải, "
        "cây xanh, rừng, khai thác cát, khí thải, tiếng ồn, quan trắc, nhựa, ni lông, biến đổi khí hậu, "
        "xâm nhập mặn, kiểm lâm, phá rừng"
    ),
    "nong_nghiep": (
        "nông nghiệp, nông dân, nông sản, lúa, giống, phân bón, thuốc bảo vệ thực vật, chăn nuôi, gia súc, "
        "trâu bò, lợn, vật nuôi, cây trồng, thủy lợi, tưới tiêu, kênh mương, hợp tác xã, khuyến nông, "
        "thủy sản, nuôi tôm, ngư dân, đánh bắt, ép giá, trồng rừng, OCOP, vụ mùa, thương lái"
    ),
    "an_sinh": (
        "an sinh, trợ cấp, hộ nghèo, cận nghèo, người cao tuổi, người khuyết tật, khuyết tật, người có công, "
        "liệt sĩ, thương binh, bảo hiểm xã hội, lương hưu, chính sách xã hội, bảo trợ, việc làm, thất nghiệp, "
        "người lao động, công nhân, nhà ở xã hội, mồ côi, chuẩn nghèo, dưỡng lão"
    ),
    "chuyen_doi_so": (
        "chuyển đổi số, internet, mạng, sóng điện thoại, dịch vụ công, trực tuyến, ứng dụng, phần mềm, "
        "dữ liệu, số hóa, VNeID, định danh điện tử, chữ ký số, thanh toán không dùng tiền mặt, "
        "thương mại điện tử, cáp quang, wifi, 4G, 5G, công nghệ thông tin, điện tử, mã QR, nhà mạng"
    ),
    "an_ninh": (
        "an ninh, trật tự, công an, trộm cắp, tội phạm, ma túy, cờ bạc, lô đề, tín dụng đen, lừa đảo, camera, "
        "phòng cháy chữa cháy, chữa cháy, cháy nổ, gây rối, đánh nhau, buôn lậu, mua bán người, bạo lực, "
        "tuần tra, tệ nạn, vũ khí, pháo nổ, tố giác"
    ),
    "van_hoa": (
        "văn hóa, di tích, lễ hội, nhà văn hóa, thể thao, sân vận động, du lịch, dân ca, nghệ nhân, "
        "nghệ thuật, văn nghệ, thư viện, bảo tàng, truyền thống, di sản, cưới hỏi, nếp sống, câu lạc bộ, "
        "bóng đá, danh thắng"
    ),
    "tai_chinh": (
        "thuế, ngân sách, lệ phí, tài chính, ngân hàng, vốn vay, lãi suất, kho bạc, giải ngân, đầu tư công, "
        "nợ đọng, quyết toán"
    ),
    "cong_thuong": (
        "điện, tiền điện, lưới điện, mất điện, giá điện, chợ, giá cả, hàng giả, doanh nghiệp, khu công nghiệp, "
        "xăng dầu, thương mại, siêu thị"
    ),
    "xay_dung": (
        "xây dựng, nhà ở, giấy phép xây dựng, chung cư, đô thị, cấp nước, nước sạch, thoát nước, chiếu sáng, hạ tầng"
    ),
    "thien_tai": ("thiên tai, bão, lũ, lụt, mưa lũ, hạn hán, đê, kè, phòng chống thiên tai, lũ quét, cứu hộ, sạt lở"),
    "noi_vu": (
        "cán bộ, công chức, viên chức, biên chế, phụ cấp, sáp nhập, tinh giản, bộ máy, thủ tục hành chính, "
        "một cửa, tiền lương, lương"
    ),
    "tu_phap": (
        "khiếu nại, tố cáo, khiếu kiện, tiếp công dân, hộ tịch, công chứng, tòa án, thi hành án, pháp luật, tham nhũng"
    ),
}


def phrases(area):
    """The phrases of one area, as written (with diacritics)."""
    return [p.strip() for p in AREAS[area].split(",") if p.strip()]
