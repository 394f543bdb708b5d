"""Bridge-point pages: the site phone page, the crew board, roll-call exports, the counter
overlay, the short-code form (/p), the conversation's photos (crew of the event and the site
only), and the admin screens (import, add/edit/deactivate, token rotation, cards)."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.identity import current_user
from server.services import audit
from server.services.bridges import cards as bridges_cards
from server.services.bridges import chat as bridges_chat
from server.services.bridges import importer as bridges_import
from server.services.bridges import incidents as bridges_incidents
from server.services.bridges import messages as bridges_messages
from server.services.bridges import rollcall as bridges_rollcall
from server.services.bridges import sites as bridges_sites
from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.lookups import public_base_url, public_url_is_loopback, site_by_token
from server.services.qr import qr_png
from server.web.files import XLSX, attachment
from server.web.security import role_required

bp = Blueprint("bridges", __name__)


def _event_or_404(slug):
    try:
        return get_event(slug)
    except ServiceError:
        abort(404)


def _base_url():
    """The base of the links and QR codes on cards (``lookups.public_base_url``)."""
    return public_base_url(request.host_url)


# --- the site's phone ------------------------------------------------------------------


@bp.get("/p")
def short_code():
    """Type the 6-character code printed on the card instead of scanning the QR."""
    code = request.args.get("code", "")
    error = None
    if code:
        try:
            site = bridges_sites.by_short_code(code)
            return redirect(url_for("bridges.phone", token=site.token))
        except ServiceError as exc:
            error = str(exc.message)
    response = Response(render_template("bridges/short_code.html", code=code, error=error), 404 if error else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


def _photo_response(site, line_id):
    try:
        line = bridges_chat.get_line(site, line_id)
    except ServiceError:
        abort(404)
    response = send_file(bridges_chat.photo_path(line), mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/p/<token>/chat/<int:line_id>/photo")
def site_chat_photo(token, line_id):
    """A photo of the site's own conversation, for its phone."""
    try:
        site = site_by_token(token)
    except ServiceError:
        abort(404)
    return _photo_response(site, line_id)


@bp.get("/p/<token>")
def phone(token):
    """The bridge point's page: check in, heartbeat, report trouble, messages, roll call."""
    try:
        site = site_by_token(token)
    except ServiceError:
        abort(404)
    event = bridges_sites.get_event_by_id(site.event_id)
    response = Response(
        render_template(
            "bridges/phone.html",
            site=site,
            event=event,
            presets=bridges_incidents.PRESETS,
            messages=bridges_messages.for_site(site, 10),
            site_view=bridges_sites.site_self_view(site),
            heartbeat_s=current_app.config["HEARTBEAT_INTERVAL_S"],
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    return response


# --- crew ---------------------------------------------------------------------------------


@bp.get("/events/<slug>/board")
@role_required("crew")
def board(slug):
    """The crew board: every site of the event, live."""
    event = _event_or_404(slug)
    return render_template("bridges/board.html", event=event, presets=bridges_incidents.PRESETS)


@bp.get("/events/<slug>/roll-calls/<int:roll_id>/export.<fmt>")
@role_required("crew")
def roll_call_export(slug, roll_id, fmt):
    """A roll call's result with confirmation times, as CSV or XLSX."""
    event = _event_or_404(slug)
    try:
        roll = bridges_rollcall.get_roll_call(event, roll_id)
    except ServiceError:
        abort(404)
    name = f"diem-danh-{event.slug}-{roll.id}"
    if fmt == "csv":
        return attachment(bridges_rollcall.export_csv(roll), "text/csv", f"{name}.csv")
    if fmt == "xlsx":
        return attachment(bridges_rollcall.export_xlsx(roll), XLSX, f"{name}.xlsx")
    abort(404)


@bp.get("/overlay/<slug>/counter")
def counter_overlay(slug):
    """ "431/442 điểm cầu đã kết nối" for OBS (transparent, 1920×1080)."""
    event = _event_or_404(slug)
    return render_template("bridges/counter.html", event=event)


@bp.get("/events/<slug>/sites/<int:site_id>/chat/<int:line_id>/photo")
@role_required("crew")
def crew_chat_photo(slug, site_id, line_id):
    """A photo of a site's conversation, for the crew of its event."""
    event = _event_or_404(slug)
    try:
        site = bridges_sites.get_site(event, site_id)
    except ServiceError:
        abort(404)
    return _photo_response(site, line_id)


# --- admin --------------------------------------------------------------------------------


@bp.get("/admin/events/<slug>/sites")
@role_required("admin")
def admin_sites(slug):
    event = _event_or_404(slug)
    return render_template(
        "bridges/admin_sites.html",
        event=event,
        sites=bridges_sites.event_sites(event, include_inactive=True),
        import_errors=None,
        base_url=_base_url(),
        loopback=public_url_is_loopback(),
    )


@bp.post("/admin/events/<slug>/sites/import")
@role_required("admin")
def admin_import(slug):
    event = _event_or_404(slug)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ServiceError("no_file", _l("Hãy chọn tệp CSV."), status=422)
        result = bridges_import.import_sites(event, upload.read())
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return render_template(
            "bridges/admin_sites.html",
            event=event,
            sites=bridges_sites.event_sites(event, include_inactive=True),
            import_errors=exc.details.get("errors", []),
            base_url=_base_url(),
            loopback=public_url_is_loopback(),
        ), exc.status
    flash(
        _(
            "Đã nhập %(created)s điểm cầu mới, cập nhật %(updated)s.",
            created=result["created"],
            updated=result["updated"],
        ),
        "info",
    )
    return redirect(url_for("bridges.admin_sites", slug=slug))


@bp.post("/admin/events/<slug>/sites")
@role_required("admin")
def admin_add(slug):
    event = _event_or_404(slug)
    try:
        bridges_sites.create_site(event, request.form.to_dict())
        flash(_("Đã thêm điểm cầu."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("bridges.admin_sites", slug=slug))


def _admin_site(site_id):
    from server.extensions import db
    from server.models.site import Site

    site = db.session.get(Site, site_id)
    if site is None:
        abort(404)
    return site, bridges_sites.get_event_by_id(site.event_id)


@bp.route("/admin/sites/<int:site_id>", methods=["GET", "POST"])
@role_required("admin")
def admin_edit(site_id):
    site, event = _admin_site(site_id)
    if request.method == "POST":
        try:
            bridges_sites.update_site(site, {k: request.form.get(k, "") for k in bridges_sites.FIELDS})
            flash(_("Đã lưu điểm cầu."), "info")
            return redirect(url_for("bridges.admin_sites", slug=event.slug))
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return render_template(
        "bridges/admin_site.html",
        site=site,
        event=event,
        log=bridges_sites.site_log(site),
        link=bridges_sites.site_link(site, request.host_url),
        loopback=public_url_is_loopback(),
    )


@bp.post("/admin/sites/<int:site_id>/active")
@role_required("admin")
def admin_active(site_id):
    site, event = _admin_site(site_id)
    active = request.form.get("active") == "1"
    bridges_sites.set_active(site, active)
    audit.record(current_user(), "site.activate" if active else "site.deactivate", f"{event.slug}/{site.code}")
    flash(_("Đã cập nhật trạng thái sử dụng."), "info")
    return redirect(url_for("bridges.admin_sites", slug=event.slug))


@bp.post("/admin/sites/<int:site_id>/rotate")
@role_required("admin")
def admin_rotate(site_id):
    site, event = _admin_site(site_id)
    bridges_sites.rotate_token(site)
    audit.record(current_user(), "site.rotate_link", f"{event.slug}/{site.code}", "the printed card stops working")
    flash(_("Đã cấp đường dẫn mới cho %(name)s; đường dẫn cũ không còn dùng được.", name=site.name), "info")
    return redirect(url_for("bridges.admin_edit", site_id=site.id))


@bp.get("/admin/events/<slug>/sites/cards.pdf")
@role_required("admin")
def admin_cards(slug):
    event = _event_or_404(slug)
    sites = bridges_sites.event_sites(event)
    district = request.args.get("district")
    if district:
        sites = [s for s in sites if s.district == district]
    pdf = bridges_cards.cards_pdf(sites, _base_url(), title=event.name, loopback=public_url_is_loopback())
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="the-diem-cau-{event.slug}.pdf"'},
    )


@bp.get("/admin/sites/<int:site_id>/card.pdf")
@role_required("admin")
def admin_card(site_id):
    site, event = _admin_site(site_id)
    pdf = bridges_cards.cards_pdf([site], _base_url(), title=site.name, loopback=public_url_is_loopback())
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="the-{site.code}.pdf"'}
    )


@bp.get("/admin/sites/<int:site_id>/qr.png")
@role_required("admin")
def admin_qr(site_id):
    site, _event = _admin_site(site_id)
    return Response(
        qr_png(bridges_sites.site_link(site, request.host_url), box_size=6),
        mimetype="image/png",
        headers={"Cache-Control": "no-store"},
    )
