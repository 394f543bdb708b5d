"""Normalisation, folding and similarity on Vietnamese examples; the token-bucket limiter."""

import unicodedata

from server.services.questions.search import similarity
from server.services.ratelimit import MemoryRateLimiter, Rule, check_all
from server.services.text import clean, fold

ROAD = "Khi nào đường liên xã Hoằng Phụ – Hoằng Đông được sửa chữa?"
ROAD_NO_MARKS = "khi nao duong lien xa hoang phu hoang dong duoc sua chua"
ROAD_REWORDED = "Đường liên xã Hoằng Phụ - Hoằng Đông bao giờ được sửa chữa ạ?"
ALLOWANCE = "Đề nghị tăng phụ cấp cho cán bộ Mặt trận ở thôn, tổ dân phố."
SCHOOL = "Trường mầm non xã Quảng Nham xuống cấp, khi nào được xây mới?"


def test_clean_gives_nfc_without_controls_and_trimmed():
    nfd = unicodedata.normalize("NFD", "  Nguyễn\u0000 Văn\u200b Đức \x07 ")
    assert clean(nfd) == "Nguyễn Văn Đức"
    assert unicodedata.is_normalized("NFC", clean(nfd))


def test_fold_is_the_same_for_nfc_nfd_and_no_diacritics():
    nfc = "Nguyễn Thị Đào"
    nfd = unicodedata.normalize("NFD", nfc)
    assert fold(nfc) == fold(nfd) == fold("nguyen thi dao") == "nguyen thi dao"


def test_similar_questions_score_high_with_or_without_diacritics():
    assert similarity(ROAD, ROAD_NO_MARKS) >= 95
    assert similarity(ROAD, unicodedata.normalize("NFD", ROAD)) == 100
    assert similarity(ROAD, ROAD_REWORDED) >= 70


def test_different_questions_score_low():
    assert similarity(ROAD, ALLOWANCE) < 50
    assert similarity(ROAD, SCHOOL) < 60


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_token_bucket_refuses_then_refills_and_says_how_long_to_wait():
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock)
    rule = Rule.parse("3/30")  # 3 at once, one more every 10 s
    assert [limiter.hit("d", rule)[0] for _ in range(3)] == [True, True, True]
    allowed, wait = limiter.hit("d", rule)
    assert not allowed and wait == 10
    clock.now = 10.0
    assert limiter.hit("d", rule)[0]
    assert limiter.hit("other", rule)[0]  # keys are independent


def test_check_all_refunds_when_a_later_bucket_refuses():
    limiter = MemoryRateLimiter(clock=Clock())
    device, site = Rule.parse("5/60"), Rule.parse("1/60")
    assert check_all([("dev", device), ("site", site)], limiter) == (True, 0)
    allowed, wait = check_all([("dev", device), ("site", site)], limiter)
    assert not allowed and wait == 60
    # the refused request did not cost the device a token: 4 left
    assert [limiter.hit("dev", device)[0] for _ in range(5)] == [True, True, True, True, False]
