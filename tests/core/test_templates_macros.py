"""The event navigation of every staff page, rendered by the ``event_nav`` macro of templates/_macros.html:
same links, same order, same current page, role-dependent links only for admins."""

import re

import pytest

from tests.support import factories

NAV = re.compile(r'<nav class="topnav">(.*?)</nav>', re.S)
LINK = re.compile(r"<a\s([^>]*)>(.*?)</a>", re.S)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def nav_links(html):
    """[(href, text, extra attributes)] of the top bar's navigation."""
    block = NAV.search(html).group(1)
    out = []
    for attrs, text in LINK.findall(block):
        attrs = dict(ATTR.findall(attrs))
        out.append((attrs.pop("href"), text.strip(), tuple(sorted(attrs.items()))))
    return out


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


CUR = (("aria-current", "page"),)
S = "/events/test-event"


def expected_admin(site_id):
    return {
        "/": [("/admin/", "Quản trị", ())],
        "/admin/": [("/", "Sự kiện", ())],
        f"{S}/agenda": [
            (f"{S}/agenda", "Chương trình trực tiếp", CUR),
            (f"{S}/agenda/edit", "Sửa chương trình", ()),
            (f"{S}/overlays", "Lớp phủ OBS", ()),
            ("/e/test-event", "Trang công khai", ()),
        ],
        f"{S}/agenda/edit": [
            (f"{S}/agenda", "Chương trình trực tiếp", ()),
            (f"{S}/agenda/edit", "Sửa chương trình", CUR),
        ],
        f"{S}/overlays": [(f"{S}/agenda", "Chương trình trực tiếp", ())],
        f"{S}/board": [("/", "Sự kiện", ()), (f"{S}/board", "Điểm cầu", CUR)],
        "/admin/events/test-event/sites": [("/admin/", "Quản trị", ()), (f"{S}/board", "Bảng điểm cầu", ())],
        f"/admin/sites/{site_id}": [("/admin/events/test-event/sites", "Quản lý điểm cầu", ())],
        "/control/test-event": [("/", "Sự kiện", ()), ("/control/test-event", "Điều khiển OBS", CUR)],
        "/admin/events/test-event/obs": [("/", "Sự kiện", ()), ("/control/test-event", "Điều khiển OBS", ())],
        f"{S}/moderation": [
            (f"{S}/chair", "Màn hình chủ tọa", (("rel", "noopener"), ("target", "_blank"))),
            (f"{S}/moderation/questions.csv", "CSV", ()),
            (f"{S}/moderation/questions.xlsx", "XLSX", ()),
            (f"{S}/moderation/report.pdf", "Báo cáo PDF", ()),
            ("/api/v1/events/test-event/synthesis.pdf", "Tổng hợp PDF", ()),
            ("/api/v1/events/test-event/synthesis.docx", "Tổng hợp DOCX", ()),
            (f"{S}/moderation/sites", "Theo điểm cầu", ()),
            (f"{S}/moderation/accountability", "Trách nhiệm trả lời", ()),
            ("/overlay/test-event/question", "Overlay", (("rel", "noopener"), ("target", "_blank"))),
        ],
        f"{S}/moderation/sites": [(f"{S}/moderation", "Điều phối câu hỏi", ())],
        f"{S}/moderation/accountability": [
            (f"{S}/moderation", "Điều phối câu hỏi", ()),
            ("/api/v1/events/test-event/synthesis.pdf", "Tổng hợp PDF", ()),
            ("/api/v1/events/test-event/synthesis.docx", "Tổng hợp DOCX", ()),
        ],
    }


def test_every_staff_page_renders_its_event_navigation(app, client, auth, event):
    site = factories.make_site(event)
    auth.login("admin")
    for path, links in expected_admin(site.id).items():
        assert nav_links(page(client, path)) == links, path


@pytest.mark.parametrize(
    "path, links",
    [
        ("/", []),
        (
            f"{S}/agenda",
            [
                (f"{S}/agenda", "Chương trình trực tiếp", CUR),
                (f"{S}/overlays", "Lớp phủ OBS", ()),
                ("/e/test-event", "Trang công khai", ()),
            ],
        ),
    ],
)
def test_admin_only_links_are_hidden_from_the_crew(app, client, auth, event, path, links):
    auth.login("crew")
    assert nav_links(page(client, path)) == links


def test_the_moderation_console_keeps_its_title_before_the_links(app, client, auth, event):
    auth.login("moderator")
    html = page(client, f"{S}/moderation")
    block = NAV.search(html).group(1)
    assert block.index('class="mod-title"') < block.index("questions.csv")


def render(app, source, **context):
    with app.test_request_context("/"):
        return app.jinja_env.from_string('{% import "_macros.html" as ui with context %}' + source).render(
            current_user=None, **context
        )


def test_badge_carries_its_tone_and_attributes(app):
    html = render(app, "{{ ui.badge('Đã kết nối', 'ok', id='obs-badge', data_state='live') }}")
    assert html == '<span class="badge badge-ok" data-state="live" id="obs-badge">Đã kết nối</span>'
    assert render(app, "{{ ui.badge('<b>') }}") == '<span class="badge">&lt;b&gt;</span>'


def test_field_shows_its_error_and_points_at_it(app):
    html = render(
        app,
        "{{ ui.field('name', 'Tên', value='A&B', errors={'name': 'Bắt buộc'}, required=true, "
        "maxlength=200, disabled=false) }}",
    )
    assert 'name="name" type="text" value="A&amp;B" maxlength="200" required' in html
    assert 'aria-invalid="true" aria-describedby="name-error"' in html
    assert '<span class="field-error" id="name-error">Bắt buộc</span>' in html
    assert "disabled" not in html
    clean = render(app, "{{ ui.field('password', 'Mật khẩu', value='secret', type='password') }}")
    assert "secret" not in clean and "aria-invalid" not in clean and "field-error" not in clean


def test_form_errors_lists_messages_or_nothing(app):
    assert render(app, "{{ ui.form_errors([]) }}") == ""
    assert "<li>Dòng 2: sai giờ</li>" in render(app, "{{ ui.form_errors(['Dòng 2: sai giờ']) }}")


def test_an_unknown_navigation_link_fails_loudly(app):
    from jinja2.exceptions import UndefinedError

    with pytest.raises(UndefinedError):
        render(app, "{{ ui.event_nav(none, 'nope') }}")


def test_every_page_has_the_confirmation_dialog(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'id="confirm-dialog"' in html and "js/lib/confirm." in html
