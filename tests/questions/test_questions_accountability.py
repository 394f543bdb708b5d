"""The accountability report: per site and per province, asked / aired / answered in writing /
pending / rejected / overdue on a crafted event (merged askers counted at their own site), over
REST and the socket alike, as an XLSX for people (inert cells), and on the console page."""

import io

from openpyxl import load_workbook

from server.services.accounts import users as accounts
from tests.support import synthesis_data as sd

KEYS = ("asked", "aired", "written", "pending", "rejected", "overdue")


def numbers(row):
    return tuple(row[k] for k in KEYS)


def test_accountability_numbers_per_site_and_province(client, socket_client, event):
    data = sd.crafted(event)
    token = accounts.create_token("moderator", "accountability")[1]
    response = client.get(f"/api/v1/events/{event.slug}/accountability", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    sites = {r["code"]: r for r in body["sites"]}
    #                            asked aired written pending rejected overdue
    assert numbers(sites["AQ-01"]) == (1, 0, 1, 0, 0, 0)  # asked the question that got the written answer
    assert numbers(sites["AQ-02"]) == (2, 0, 1, 0, 1, 0)  # merged into it (answered) + a rejected opinion
    assert numbers(sites["AQ-03"]) == (2, 1, 1, 0, 0, 0)  # merged into it + one on air
    assert numbers(sites["HT-01"]) == (2, 0, 0, 2, 0, 1)  # an overdue proposal + one waiting for review
    assert numbers(sites["SL-01"]) == (0, 0, 0, 0, 0, 0)  # listed although it asked nothing
    assert [sites[c]["name"] for c in ("AQ-01", "AQ-02", "AQ-03")] == ["Xã An Quang"] * 3  # apart, by code
    assert sites["AQ-02"]["province"] == "Tỉnh Hà Tĩnh" and sites["AQ-02"]["id"] == data["sites"]["aq2"].id
    provinces = {r["province"]: r for r in body["provinces"]}
    assert numbers(provinces["Tỉnh Thanh Hóa"]) == (2, 0, 0, 2, 0, 1)
    assert (provinces["Tỉnh Thanh Hóa"]["sites"], provinces["Tỉnh Thanh Hóa"]["sites_asked"]) == (2, 1)
    assert numbers(provinces["Tỉnh Đắk Lắk"]) == (2, 1, 1, 0, 0, 0)
    assert len(provinces) == 4
    assert numbers(body["public"]) == (1, 0, 0, 1, 0, 0)
    assert numbers(body["totals"]) == (8, 1, 3, 3, 1, 1)
    assert (body["totals"]["sites"], body["totals"]["sites_asked"], body["totals"]["provinces"]) == (5, 4, 4)
    # the socket twin answers the same
    moderator = socket_client("/moderation", role="moderator")
    ack = moderator.emit("accountability", {}, namespace="/moderation", callback=True)
    assert ack["ok"] is True and ack["sites"] == body["sites"] and ack["totals"] == body["totals"]


def test_a_written_answer_clears_overdue(app, event):
    from server.services.questions import accountability

    data = sd.crafted(event)
    assert accountability.report(event)["totals"]["overdue"] == 1
    data["questions"]["q1"].answer_text = "Đã có phương án."
    row = next(r for r in accountability.report(event)["sites"] if r["code"] == "HT-01")
    assert (row["overdue"], row["written"], row["pending"]) == (0, 1, 1)


def test_accountability_xlsx_for_people(client, event):
    sd.crafted(event)
    token = accounts.create_token("moderator", "xlsx")[1]
    response = client.get(
        f"/api/v1/events/{event.slug}/accountability.xlsx", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.get_data()))
    assert wb.sheetnames == ["Tổng hợp", "Theo tỉnh, thành phố", "Theo điểm cầu"]
    summary = {row[0].value: row[1].value for row in wb["Tổng hợp"].iter_rows(min_row=2)}
    assert summary["Đã gửi"] == 8 and summary["Quá hạn trả lời"] == 1 and summary["Gửi qua cổng công khai"] == 1
    assert summary["Điểm cầu đã gửi câu hỏi"] == 4 and summary["Sự kiện"] == event.name
    ws = wb["Theo điểm cầu"]
    header = [c.value for c in ws[1]]
    assert header == [
        "Mã điểm cầu",
        "Điểm cầu",
        "Xã/phường",
        "Quận/huyện",
        "Tỉnh/thành",
        "Đã gửi",
        "Đã lên sóng",
        "Đã trả lời bằng văn bản",
        "Đang chờ",
        "Không chọn",
        "Quá hạn trả lời",
    ]
    assert ws.auto_filter.ref == ws.dimensions and ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 32
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2)}
    assert rows["HT-01"][5:] == [2, 0, 0, 2, 0, 1]
    assert rows["AQ-02"][1:5] == ["Xã An Quang", "Xã An Quang", None, "Tỉnh Hà Tĩnh"]
    # a site name that looks like a formula stays text
    silent = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "SL-01")
    assert silent[1].value == "'" + sd.FORMULA_NAME and silent[1].data_type == "s"
    for sheet in wb.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), sheet.title
    provinces = {r[0].value: [c.value for c in r] for r in wb["Theo tỉnh, thành phố"].iter_rows(min_row=2)}
    assert provinces["Tỉnh Thanh Hóa"] == ["Tỉnh Thanh Hóa", 2, 1, 2, 0, 0, 2, 0, 1]


def test_console_links_the_synthesis_and_shows_accountability(client, auth, event):
    sd.crafted(event)
    auth.login("moderator")
    console = client.get(f"/events/{event.slug}/moderation").get_data(as_text=True)
    for href in (
        f"/api/v1/events/{event.slug}/synthesis.pdf",
        f"/api/v1/events/{event.slug}/synthesis.docx",
        f"/events/{event.slug}/moderation/accountability",
    ):
        assert f'href="{href}"' in console, href
    assert client.get(f"/api/v1/events/{event.slug}/synthesis.docx").status_code == 200  # the session suffices
    page = client.get(f"/events/{event.slug}/moderation/accountability")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/api/v1/events/{event.slug}/accountability.xlsx"' in html
    assert "AQ-01" in html and "AQ-02" in html and "AQ-03" in html
    assert "=HYPERLINK(&#34;http://x&#34;)" not in html  # SL-01 asked nothing: counted, not listed
    assert "1 điểm cầu chưa gửi câu hỏi nào" in html
    assert '<td data-count="overdue" class="overdue">1</td>' in html
