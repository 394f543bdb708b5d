"""Documents: upload, QR codes that decode to the stable short link, new versions keeping the
same code and QR, the phone list, and the A4 QR sheet with Vietnamese titles."""

import io
import os

import fitz
from PIL import Image
from pyzbar.pyzbar import decode

from server.extensions import db
from server.services.documents import library as documents
from tests.support.agenda import make_pdf


def qr_text(png_bytes):
    found = decode(Image.open(io.BytesIO(png_bytes)))
    assert len(found) == 1
    return found[0].data.decode("utf-8")


def upload(client, token, event, title, data, filename):
    return client.post(
        f"/events/{event.slug}/documents",
        data={"csrf_token": token, "title": title, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_upload_qr_and_new_version_keep_the_same_link(client, auth, event, app):
    auth.login("admin")
    token = auth.csrf(f"/events/{event.slug}/documents")
    assert (
        upload(client, token, event, "Dự thảo Báo cáo chính trị", make_pdf(1, "Bản 1"), "bao-cao.pdf").status_code
        == 302
    )
    doc = documents.documents_of(event)[0]
    png = client.get(f"/d/{doc.code}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert qr_text(png.data) == f"http://localhost/d/{doc.code}"
    svg = client.get(f"/d/{doc.code}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.get_data(as_text=True).lstrip().startswith("<?xml")
    first = client.get(f"/d/{doc.code}")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    with fitz.open(stream=first.data, filetype="pdf") as pdf:
        assert "Bản 1" in pdf[0].get_text()

    response = client.post(
        f"/events/{event.slug}/documents/{doc.code}/versions",
        data={"csrf_token": token, "file": (io.BytesIO(make_pdf(2, "Bản 2")), "bao-cao-v2.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert [d.code for d in documents.documents_of(event)] == [doc.code]
    assert [v.number for v in documents.versions_of(doc)] == [2, 1]
    assert client.get(f"/d/{doc.code}/qr.png").data == png.data  # the very same QR image
    latest = client.get(f"/d/{doc.code}")
    with fitz.open(stream=latest.data, filetype="pdf") as pdf:
        assert pdf.page_count == 2 and "Bản 2" in pdf[0].get_text()


def test_public_url_setting_goes_into_the_qr(client, app, event):
    app.config["PUBLIC_URL"] = "https://daihoi.example.vn"
    with app.test_request_context():
        doc = documents.create_document(event.slug, "Nghị quyết", "nq.pdf", make_pdf(1))
    assert qr_text(client.get(f"/d/{doc.code}/qr.png").data) == f"https://daihoi.example.vn/d/{doc.code}"


def test_bad_uploads_are_refused(client, auth, event):
    auth.login("admin")
    token = auth.csrf(f"/events/{event.slug}/documents")
    upload(client, token, event, "Mã độc", b"MZ\x90\x00", "virus.exe")
    upload(client, token, event, "Giả PDF", b"<html>", "fake.pdf")
    assert documents.documents_of(event) == []
    assert client.get("/d/nonexistent").status_code == 404


def test_phone_document_list_and_docx_download(client, app, event):
    with app.test_request_context():
        pdf_doc = documents.create_document(event.slug, "Chương trình Đại hội", "ct.pdf", make_pdf(1))
        docx = documents.create_document(event.slug, "Danh sách <đại biểu>", "ds.docx", b"PK\x03\x04 fake docx")
        documents.create_document(event.slug, "Tài liệu nội bộ", "nb.pdf", make_pdf(1), is_public=False)
    html = client.get(f"/e/{event.slug}/docs").get_data(as_text=True)
    assert "Chương trình Đại hội" in html and "Danh sách &lt;đại biểu&gt;" in html and "Tài liệu nội bộ" not in html
    assert f"/d/{pdf_doc.code}" in html
    response = client.get(f"/d/{docx.code}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]


def test_a4_qr_sheet_has_vietnamese_titles_and_decodable_codes(client, auth, event, app):
    titles = [
        "Dự thảo Nghị quyết Đại hội",
        "Báo cáo kiểm điểm của Ủy ban MTTQ tỉnh khóa XV",
        "Danh sách đại biểu chính thức",
    ]
    with app.test_request_context():
        docs = [documents.create_document(event.slug, t, "x.pdf", make_pdf(1)) for t in titles]
    auth.login("admin")
    response = client.get(f"/events/{event.slug}/documents/qr-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with fitz.open(stream=response.data, filetype="pdf") as pdf:
        page = pdf[0]
        assert round(page.rect.width) == 595 and round(page.rect.height) == 842  # A4
        text = " ".join(page.get_text().split())  # titles wrap over lines in their cell
        for title in titles:
            assert title in text
        assert "Đại hội thử nghiệm" in text  # the event name in the heading
        pix = page.get_pixmap(dpi=150)
        rendered = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    found = {item.data.decode() for item in decode(rendered)}
    assert found == {f"http://localhost/d/{d.code}" for d in docs}


def test_documents_admin_page_is_admin_only(client, auth, event):
    auth.login("crew")
    assert client.get(f"/events/{event.slug}/documents").status_code == 403
    assert client.get(f"/events/{event.slug}/documents/qr-sheet.pdf").status_code == 403


def test_rest_document_list_links_never_follow_a_forged_host(client, app, event):
    from server.services.accounts.users import create_token

    with app.test_request_context():
        doc = documents.create_document(event.slug, "Nghị quyết", "nq.pdf", make_pdf(1))
    _token, plain = create_token("moderator", "mod")
    headers = {"Authorization": f"Bearer {plain}"}
    url = f"/api/v1/events/{event.slug}/documents"
    body = client.get(url, headers={**headers, "Host": "evil.example"}).get_json()
    assert (
        body["ok"] and body["documents"][0]["link"] == f"http://127.0.0.1:{app.config.get('PORT') or 5000}/d/{doc.code}"
    )
    assert client.get(url, headers=headers).get_json()["documents"][0]["link"] == f"http://localhost/d/{doc.code}"
    app.config["PUBLIC_URL"] = "https://daihoi.example.vn/"
    body = client.get(url, headers={**headers, "Host": "evil.example"}).get_json()
    assert body["documents"][0]["link"] == f"https://daihoi.example.vn/d/{doc.code}"
    assert client.get(url).status_code == 401


def test_documents_can_be_renamed_unpublished_and_deleted(client, auth, event, app):
    auth.login("admin")
    token = auth.csrf(f"/events/{event.slug}/documents")
    assert upload(client, token, event, "Dự thảo", make_pdf(1), "a.pdf").status_code == 302
    doc = documents.documents_of(event)[0]
    page = client.get(f"/events/{event.slug}/documents").get_data(as_text=True)
    assert page.count("data-confirm") >= 2  # unpublish and delete ask first
    base = f"/events/{event.slug}/documents/{doc.code}"
    assert (
        client.post(f"{base}/rename", data={"csrf_token": token, "title": "Nghị quyết chính thức"}).status_code == 302
    )
    db.session.refresh(doc)
    assert doc.title == "Nghị quyết chính thức"
    client.post(f"{base}/rename", data={"csrf_token": token, "title": "  "})
    db.session.refresh(doc)
    assert doc.title == "Nghị quyết chính thức"  # an empty title is refused
    client.post(f"{base}/public", data={"csrf_token": token, "public": "0"})
    assert client.get(f"/d/{doc.code}").status_code == 404
    assert "Nghị quyết chính thức" not in client.get(f"/e/{event.slug}/docs").get_data(as_text=True)
    client.post(f"{base}/public", data={"csrf_token": token, "public": "1"})
    assert client.get(f"/d/{doc.code}").status_code == 200
    path = documents.stored_file(documents.latest_version(doc))
    assert client.post(f"{base}/delete", data={"csrf_token": token}).status_code == 302
    assert documents.documents_of(event) == [] and not os.path.exists(path)
    assert client.get(f"/d/{doc.code}").status_code == 404


def test_qr_sheet_keeps_long_titles_inside_its_margins(client, auth, event, app):
    long_title = "Báo cáo tổng kết công tác " * 6 + "https://example.vn/" + "x" * 90  # ≤ 300 characters
    with app.test_request_context():
        documents.create_document(event.slug, long_title, "x.pdf", make_pdf(1))
    event.name = "Đại hội đại biểu Mặt trận Tổ quốc Việt Nam tỉnh Thanh Hóa lần thứ XVI, nhiệm kỳ 2024–2029 " * 2
    db.session.commit()
    auth.login("admin")
    data = client.get(f"/events/{event.slug}/documents/qr-sheet.pdf").data
    with fitz.open(stream=data, filetype="pdf") as pdf:
        page = pdf[0]
        words = page.get_text("words")
        text = " ".join(page.get_text().split())
    assert words and all(w[0] >= 35 and w[2] <= 595 - 35 for w in words)
    assert "xxxxxxxx" in text and "lần thứ XVI" in text
