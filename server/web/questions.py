"""Pages for live questions: the moderation console, the chair view (staff, or a chair link's
key on a tablet), the phone question forms (public and per site), the on-air overlay, exports
(CSV, XLSX, PDF), the per-site summary, the accountability page (per site and province; its
XLSX and the synthesis PDF/DOCX are ``/api/v1`` downloads), and the
``site_answers`` and ``site_joined`` template globals the bridge point's phone page lists its written
answers and the questions it joined ("tôi cũng hỏi") with."""

from flask import Blueprint, abort, render_template, request, url_for

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.question import Question, QuestionTag
from server.models.site import Site
from server.services.events import get_event
from server.services.lookups import event_by_id, event_or_404, public_base_url, site_by_token
from server.services.questions import accountability as questions_accountability
from server.services.questions import answers as questions_answers
from server.services.questions import chair as questions_chair
from server.services.questions import export as questions_export
from server.services.questions import report as questions_report
from server.services.questions import upvotes as questions_upvotes
from server.web.files import attachment
from server.web.security import role_required

bp = Blueprint("questions", __name__)


@bp.app_template_global("site_answers")
def site_answers(site):
    """Written answers for a bridge point's phone page (``questions/_site_answers.html``)."""
    return questions_answers.for_site(site)


@bp.app_template_global("site_joined")
def site_joined(site):
    """The questions a bridge point joined that have no written answer yet, with their status
    (``questions/_upvote_list.html``; the answered ones are in ``site_answers``)."""
    return questions_upvotes.joined(event_by_id(site.event_id), site=site, written=False)


def _agenda(event):
    return db.session.scalars(
        db.select(AgendaItem).where(AgendaItem.event_id == event.id).order_by(AgendaItem.position, AgendaItem.id)
    ).all()


@bp.get("/events/<slug>/moderation")
@role_required("moderator")
def console(slug):
    """The keyboard-first moderation console (data arrives over the /moderation socket)."""
    event = get_event(slug)
    districts = db.session.scalars(
        db.select(Site.district)
        .where(Site.event_id == event.id, Site.district != "")
        .distinct()
        .order_by(Site.district)
    ).all()
    sites = db.session.execute(db.select(Site.id, Site.name).where(Site.event_id == event.id).order_by(Site.name)).all()
    tags = db.session.scalars(
        db.select(QuestionTag.tag)
        .join(Question, Question.id == QuestionTag.question_id)
        .where(Question.event_id == event.id)
        .distinct()
        .order_by(QuestionTag.tag)
    ).all()
    return render_template(
        "questions/console.html", event=event, districts=districts, sites=sites, tags=tags, agenda=_agenda(event)
    )


def _chair_link(event):
    """The chair link for a tablet (no account): read-only, expires after ``CHAIR_LINK_HOURS``."""
    key = questions_chair.make_key(event)
    return public_base_url(request.host_url) + url_for("questions.chair_by_key", key=key)


@bp.get("/events/<slug>/chair")
@role_required("moderator", "crew")
def chair(slug):
    """The chair view: the question on air in large type, the next ones, the themes (live over /chair)."""
    event = get_event(slug)
    return render_template("questions/chair.html", event=event, key=None, chair_link=_chair_link(event))


@bp.get("/chair/<key>")
def chair_by_key(key):
    """The chair view opened by a chair link (the chair's tablet): the key is the credential."""
    event = questions_chair.event_for_key(key)
    if event is None:
        abort(404)
    return render_template("questions/chair.html", event=event, key=key, chair_link=None)


def _ask_page(event, site=None):
    return render_template("questions/ask.html", event=event, site=site, agenda=_agenda(event))


@bp.get("/e/<slug>/ask")
def ask_public(slug):
    """The public question form of an event (phone first)."""
    return _ask_page(get_event(slug))


@bp.get("/p/<site_token>/ask")
def ask_site(site_token):
    """A bridge point's question form: submissions are tagged with the site."""
    site = site_by_token(site_token)
    return _ask_page(event_or_404(event_by_id(site.event_id).slug), site)


ANSWERS_PER_PAGE = 20


@bp.get("/e/<slug>/answers")
def answers_public(slug):
    """The written answers, public and rendered on the server (a cheap phone on 3G needs no
    script): a search box (diacritics blind) and pages of 20, newest answer first."""
    event = get_event(slug)
    q = (request.args.get("q") or "").strip()[:200]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) <= 5 else 1
    items, total = questions_answers.published(event, q, (page - 1) * ANSWERS_PER_PAGE, ANSWERS_PER_PAGE)
    pages = max(1, -(-total // ANSWERS_PER_PAGE))
    if page > pages:  # an old link past the end: the last page
        page = pages
        items, total = questions_answers.published(event, q, (page - 1) * ANSWERS_PER_PAGE, ANSWERS_PER_PAGE)
    return render_template(
        "questions/answers_public.html", event=event, items=items, total=total, q=q, page=page, pages=pages
    )


@bp.get("/overlay/<slug>/question")
def overlay(slug):
    """Transparent 1920×1080 browser source showing the question on air."""
    return render_template("questions/overlay.html", event=get_event(slug))


@bp.get("/events/<slug>/moderation/questions.csv")
@role_required("moderator")
def export_csv(slug):
    event = get_event(slug)
    return attachment(questions_export.to_csv(event), "text/csv; charset=utf-8", f"questions-{event.slug}.csv")


@bp.get("/events/<slug>/moderation/questions-data.csv")
@role_required("moderator")
def export_data_csv(slug):
    """The machine CSV: column keys, stored codes, UTC times."""
    event = get_event(slug)
    return attachment(
        questions_export.to_machine_csv(event), "text/csv; charset=utf-8", f"questions-{event.slug}-data.csv"
    )


@bp.get("/events/<slug>/moderation/questions.xlsx")
@role_required("moderator")
def export_xlsx(slug):
    event = get_event(slug)
    return attachment(
        questions_export.to_xlsx(event),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"questions-{event.slug}.xlsx",
    )


@bp.get("/events/<slug>/moderation/report.pdf")
@role_required("moderator")
def report_pdf(slug):
    event = get_event(slug)
    return attachment(questions_report.build_pdf(event), "application/pdf", f"questions-report-{event.slug}.pdf")


@bp.get("/events/<slug>/moderation/sites")
@role_required("moderator")
def site_summary(slug):
    """Per site: submitted, approved, aired, answered."""
    event = get_event(slug)
    return render_template("questions/sites.html", event=event, rows=questions_export.site_summary(event))


@bp.get("/events/<slug>/moderation/accountability")
@role_required("moderator")
def accountability(slug):
    """Per province and per site: asked, aired, answered in writing, pending, rejected, overdue."""
    event = get_event(slug)
    data = questions_accountability.report(event)
    return render_template(
        "questions/accountability.html",
        event=event,
        data=data,
        asked=[r for r in data["sites"] if r["asked"]],
        headers=questions_accountability.COUNT_HEADERS,
        counts=questions_accountability.COUNTS,
    )
