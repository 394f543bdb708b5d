"""CSV import of sites: good files, BOM, semicolons, bad rows, duplicate codes, all-or-nothing."""

import pytest

from server.extensions import db
from server.models.site import Site
from server.services.bridges.importer import import_sites
from server.services.errors import ServiceError

GOOD = (
    "code,name,district,commune,contact,phone\n"
    "HH-001,Điểm cầu Xã Hoằng Đạo,Huyện Hoằng Hóa,Xã Hoằng Đạo,Lê Văn An,0912345678\n"
    "HH-002,Điểm cầu Xã Hoằng Phú,Huyện Hoằng Hóa,Xã Hoằng Phú,Trần Thị Bình,0987654321\n"
    "TX-001,Điểm cầu Phường Bắc Sơn,Thị xã Bỉm Sơn,Phường Bắc Sơn,,\n"
)


def _sites(event):
    return {s.code: s for s in db.session.scalars(db.select(Site).filter_by(event_id=event.id))}


def test_good_csv_creates_sites_with_unique_tokens(event):
    result = import_sites(event, GOOD.encode("utf-8"))
    assert result == {"created": 3, "updated": 0, "rows": 3}
    sites = _sites(event)
    assert sites["HH-002"].contact_name == "Trần Thị Bình" and sites["HH-002"].phone == "0987654321"
    assert sites["TX-001"].district == "Thị xã Bỉm Sơn"
    assert len({s.token for s in sites.values()}) == 3 and all(len(s.token) >= 30 for s in sites.values())


def test_bom_and_semicolons_and_vietnamese_headers(event):
    text = (
        "mã;tên;huyện;xã;người liên hệ;điện thoại\n"
        "NC-001;Điểm cầu Xã Nga Sơn;Huyện Nga Sơn;Xã Nga Sơn;Phạm Đức;0911111111\n"
    )
    result = import_sites(event, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert result["created"] == 1
    site = _sites(event)["NC-001"]
    assert site.name == "Điểm cầu Xã Nga Sơn" and site.contact_name == "Phạm Đức"


def test_nfd_input_is_stored_nfc(event):
    import unicodedata

    text = "code,name,district\nA-1," + unicodedata.normalize("NFD", "Điểm cầu Hoằng Hóa") + ",Huyện X\n"
    import_sites(event, text.encode("utf-8"))
    assert _sites(event)["A-1"].name == unicodedata.normalize("NFC", "Điểm cầu Hoằng Hóa")


def _messages(app, errors):
    with app.test_request_context():
        return [str(e["message"]) for e in errors]


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(app, event):
    text = (
        "code,name,district\nOK-1,Điểm cầu Một,Huyện A\n,Thiếu mã,Huyện A\nOK-3,,Huyện A\nOK-4,Điểm cầu Bốn,Huyện A\n"
    )
    with pytest.raises(ServiceError) as info:
        import_sites(event, text.encode("utf-8"))
    assert info.value.code == "import_failed"
    errors = info.value.details["errors"]
    assert [e["line"] for e in errors] == [3, 4]
    messages = _messages(app, errors)
    assert "mã" in messages[0] and "tên" in messages[1]
    assert _sites(event) == {}


def test_duplicate_codes_in_file_are_refused(app, event):
    text = "code,name\nD-1,Một\nD-2,Hai\nd-1,Một lần nữa\n"
    with pytest.raises(ServiceError) as info:
        import_sites(event, text.encode("utf-8"))
    errors = info.value.details["errors"]
    assert len(errors) == 1 and errors[0]["line"] == 4 and "dòng 2" in _messages(app, errors)[0]
    assert _sites(event) == {}


def test_existing_codes_are_updated_and_keep_their_token(event):
    import_sites(event, GOOD.encode("utf-8"))
    token = _sites(event)["HH-001"].token
    result = import_sites(event, "code,name,phone\nHH-001,Điểm cầu Xã Hoằng Đạo,0900000000\nNEW-1,Mới,\n".encode())
    assert result == {"created": 1, "updated": 1, "rows": 2}
    db.session.expire_all()
    site = _sites(event)["HH-001"]
    assert site.phone == "0900000000" and site.token == token


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "empty_file"),
        (b"name,district\nA,B\n", "bad_header"),
        ("code,name\nA,Điểm cầu\n".encode("utf-16"), "not_utf8"),
        (b"code,name\n", "empty_file"),
    ],
)
def test_unusable_files(event, data, code):
    with pytest.raises(ServiceError) as info:
        import_sites(event, data)
    assert info.value.code == code


# ---- the 2025 map ----------------------------------------------------------------------


def test_province_and_commune_matched_with_and_without_diacritics(event):
    import unicodedata

    text = (
        "mã,tên,tỉnh,xã,cụm,điểm cầu cấp trên\n"
        "TH,Điểm cầu tỉnh Thanh Hóa,Tỉnh Thanh Hóa,,,\n"
        "TH-1,Điểm cầu xã Hoằng Hóa,thanh hoa,xa hoang hoa,Cụm Hoằng Hóa,TH\n"
        "TH-2,Điểm cầu phường Hạc Thành,Thanh Hoá," + unicodedata.normalize("NFD", "Phường Hạc Thành") + ",,TH\n"
        "HN-1,Điểm cầu Hoàn Kiếm,Ha Noi,Hoàn Kiếm,,\n"
    )
    assert import_sites(event, text.encode("utf-8"))["created"] == 4
    sites = _sites(event)
    assert sites["TH-1"].province == "Thanh Hóa" and sites["TH-1"].commune == "Xã Hoằng Hóa"
    assert sites["TH-1"].group_name == "Cụm Hoằng Hóa" and sites["TH-1"].parent_id == sites["TH"].id
    assert sites["TH-2"].commune == "Phường Hạc Thành" and sites["TH-2"].parent_id == sites["TH"].id
    assert sites["HN-1"].province == "Thành phố Hà Nội" and sites["HN-1"].commune == "Phường Hoàn Kiếm"


def test_unknown_commune_and_province_reported_by_line(app, event):
    text = (
        "code,name,province,commune,parent\n"
        "A-1,Điểm cầu A,Thanh Hóa,Xã Hoằng Hóa,\n"
        "A-2,Điểm cầu B,Thanh Hóa,Xã Không Có Thật,\n"
        "A-3,Điểm cầu C,Tỉnh Mộng Mơ,,\n"
    )
    with pytest.raises(ServiceError) as raised:
        import_sites(event, text.encode("utf-8"))
    errors = raised.value.details["errors"]
    assert [e["line"] for e in errors] == [3, 4]
    messages = _messages(app, errors)
    assert "Xã Không Có Thật" in messages[0] and "Thanh Hóa" in messages[0]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import refresh

        refresh()
        english = str(errors[0]["message"])
    assert "commune" in english.lower() and "Xã Không Có Thật" in english
    assert _sites(event) == {}


def test_older_lists_with_district_still_import(event):
    text = "code,name,district,commune\nOLD-1,Điểm cầu cũ,Huyện Hoằng Hóa,Xã Hoằng Đạo\n"
    assert import_sites(event, text.encode("utf-8"))["created"] == 1
    assert _sites(event)["OLD-1"].district == "Huyện Hoằng Hóa"


def test_unknown_parent_code_is_an_error(app, event):
    text = "code,name,parent\nB-1,Điểm cầu B,NOPE\n"
    with pytest.raises(ServiceError) as raised:
        import_sites(event, text.encode("utf-8"))
    assert raised.value.details["errors"][0]["line"] == 2


def test_short_codes_never_collide_within_an_event(app, monkeypatch):
    """Random codes meet now and then (3,321 codes of 6 characters: about one seed in 160): forced
    collisions show every site still gets a code of its own."""
    import itertools

    from server.services.bridges import sites as bridges_sites
    from tests.support import factories

    event = factories.make_event("codes-event", "Mã ngắn")
    first = bridges_sites.create_site(event, {"code": "A1", "name": "Điểm cầu A"})
    db.session.commit()
    repeated = itertools.chain([first.short_code] * 3, ["BBBBBB", "BBBBBB", "CCCCCC"])
    monkeypatch.setattr(bridges_sites, "new_short_code", lambda: next(repeated))
    assert bridges_sites.unused_short_codes(event.id, 2) == ["BBBBBB", "CCCCCC"]
