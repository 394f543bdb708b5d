"""The questions area's commands: submission, status and "tôi cũng hỏi" (upvotes) for askers and
sites, the moderators' list, detail and decisions, the chair view's snapshot. Bound to REST
(``/api/v1``) and Socket.IO (``/moderation``, ``/public``, ``/site``, ``/chair``) by the command
registry (``server/services/commands.py``)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import ConfigDict, Field

from server.extensions import db
from server.models.event import Event
from server.models.question import Question
from server.services.commands import Created, Input, command
from server.services.errors import NotFound
from server.services.fields import Id, Limit, LongText, Offset, ShortText, StrictInt
from server.services.lookups import in_event, site_by_token
from server.services.questions import accountability, answers, chair, duplicates, search, themes, upvotes, viewers
from server.services.questions import moderation as mod
from server.services.questions import submission as qs

QUESTION_NOT_FOUND = _l("Không tìm thấy câu hỏi.")
CHAIR_KEY_INVALID = _l("Đường dẫn màn hình chủ tọa không hợp lệ hoặc đã hết hạn.")


def question_event(path_args):
    """The slug of the event a question belongs to (REST routes by question id)."""
    qid = path_args.get("id")
    q = db.session.get(Question, qid) if isinstance(qid, int) and 0 < qid <= 2**53 else None
    if q is None:
        raise NotFound("question_not_found", QUESTION_NOT_FOUND)
    return db.session.get(Event, q.event_id).slug


# ---- askers -----------------------------------------------------------------------------


class Submission(Input):
    """A question or proposal from a phone; the service checks each field with its own codes."""

    model_config = ConfigDict(extra="allow")
    event: Any = None
    client_id: Any = None
    kind: Any = None
    text: Any = None
    author: Any = None
    unit: Any = None
    addressee: Any = None
    agenda_item: Any = None
    site_token: Any = None


@command(
    "questions.submit",
    roles=("anonymous",),
    input=Submission,
    http="POST /questions",
    socket="public:submit_question",
    endpoint="submit_question",
)
def submit_question(call, data):
    """Submit a question: 201 ``{id, status, client_id}`` once stored, 200 for a repeated client_id."""
    question, created = qs.submit(data.model_dump(), device_id=call.device_id, address=call.address)
    result = {"id": question.id, "status": question.status, "client_id": question.client_id}
    return Created(result) if created else result


class Statuses(Input):
    ids: str = ""
    device: ShortText | None = None  # this phone's device id: also the questions it joined


@command(
    "questions.statuses",
    roles=("anonymous",),
    input=Statuses,
    http="GET /events/<slug>/questions/status",
    why_no_socket="phones on a socket follow their questions live with follow_questions",
    endpoint="question_statuses",
)
def question_statuses(call, data):
    """Where each of an asker's submissions stands: ``?ids=a,b`` (client ids); with ``device``,
    ``joined`` lists the questions that phone joined ("tôi cũng hỏi") with their status and answer."""
    ids = [i for i in data.ids.split(",") if i][:50]
    result = {"statuses": qs.statuses_for(call.event, ids)}
    if data.device:
        result["joined"] = upvotes.joined(call.event, voter=upvotes.voter_of(data.device))
    return result


class Follow(Input):
    client_ids: list[str] = []
    device: ShortText | None = None  # also follow the questions this phone joined


@command(
    "questions.follow",
    roles=("anonymous",),
    input=Follow,
    socket="public:follow_questions",
    why_no_http="joins a socket room; HTTP callers poll questions.statuses",
)
def follow_questions(call, data):
    """A phone follows its submissions live and gets their statuses now; with ``device``, also the
    questions it joined (``joined``, then ``joined_status`` messages as they change)."""
    from flask_socketio import join_room  # a socket room: only meaningful on the socket transport

    ids = [i for i in data.client_ids if qs.CLIENT_ID_RE.match(i)][:50]
    for client_id in ids:
        join_room(qs.asker_room(call.event.id, client_id), namespace="/public")
    result = {"statuses": qs.statuses_for(call.event, ids)}
    voter = upvotes.voter_of(data.device) if data.device else None
    if voter:
        result["joined"], rooms = upvotes.follow_joined(call.event, voter)
        for room in rooms:
            join_room(room, namespace="/public")
    return result


# ---- moderators: reading ----------------------------------------------------------------


class Listing(Input):
    status: str | None = None
    kind: str | None = None
    site: str | None = None
    district: str | None = None
    tag: str | None = None
    agenda_item: str | None = None
    theme: str | None = None
    q: ShortText | None = None
    offset: Offset = 0
    limit: Limit = 100
    order: Literal["new", "old", "queue"] = "new"


@command(
    "questions.list",
    roles=("moderator",),
    input=Listing,
    http="GET /events/<slug>/questions",
    socket="moderation:list_questions",
    endpoint="list_questions",
)
def list_questions(call, data):
    """A page of questions by status, kind, site, district, tag, agenda item, theme and folded text."""
    filters = {k: str(v) for k, v in data.model_dump(exclude={"offset", "limit", "order"}).items() if v is not None}
    items, total = search.search(call.event, offset=data.offset, limit=data.limit, order=data.order, **filters)
    return {"items": qs.compact_many(items), "total": total}


class QuestionRef(Input):
    id: Id
    version: StrictInt | None = None


@command(
    "questions.open",
    roles=("moderator",),
    input=QuestionRef,
    http="GET /questions/<int:id>",
    socket="moderation:open_question",
    event_of=question_event,
    endpoint="open_question",
)
def open_question(call, data):
    """One question with its merged askers, audit log, every similar question (with its score) and
    the other moderators who have it open (on the socket, opening it makes you one of them)."""
    q = in_event(Question, data.id, call.event, "question_not_found", QUESTION_NOT_FOUND)
    found = search.similar(q)
    similar = [
        {**payload, "score": score} for payload, (_, score) in zip(qs.compact_many([o for o, _ in found]), found)
    ]
    viewers.set_viewing(call.slug, call.sid, call.actor.name, q.id)
    return {
        "question": qs.compact_one(q),
        "links": mod.links_of(q),
        "audit": mod.audit_log(call.event, q.id),
        "similar": similar,
        "viewers": viewers.names_on(call.slug, q.id, except_sid=call.sid),
    }


class Viewing(Input):
    id: Id | None = None


@command(
    "questions.viewing",
    roles=("moderator",),
    input=Viewing,
    socket="moderation:question_viewing",
    why_no_http="presence follows a socket connection; open_question records it too",
)
def question_viewing(call, data):
    """Say which question this console shows (none: ``id`` null); moderators get ``question_viewers``."""
    viewers.set_viewing(call.slug, call.sid, call.actor.name, data.id)
    return {"id": data.id, "viewers": viewers.names_on(call.slug, data.id, except_sid=call.sid) if data.id else []}


@command(
    "questions.queue",
    roles=("moderator",),
    http="GET /events/<slug>/questions/queue",
    socket="moderation:get_queue",
    endpoint="get_queue",
)
def get_queue(call, data):
    """The approved questions in on-air order."""
    return {"items": qs.compact_many(mod.queue(call.event))}


# ---- moderators: decisions --------------------------------------------------------------


def _decision(name, service, input=QuestionRef, http_action=None, summary=""):
    """Declare one decision on a question: REST ``POST /questions/<id>/<action>``, socket ``name``."""

    def handler(call, data):
        q = service(call.slug, call.actor, data)
        return {"question": qs.compact_one(q)}

    handler.__name__ = f"question_{name}"
    handler.__doc__ = summary
    command(
        f"questions.{name}",
        roles=("moderator",),
        input=input,
        event_of=question_event,
        http=f"POST /questions/<int:id>/{http_action or name}",
        socket=f"moderation:{name}",
    )(handler)


class Rejection(QuestionRef):
    reason: ShortText = ""  # required: the service answers 422 reason_required without one


class OnAir(QuestionRef):
    replace: bool = False  # replace a question another moderator put on air


class Edit(QuestionRef):
    text: LongText


class Tags(QuestionRef):
    tags: list[ShortText]


class AgendaLink(QuestionRef):
    agenda_item_id: Id | None = None


_decision(
    "approve",
    lambda slug, actor, d: mod.approve(slug, actor, d.id, d.version),
    summary="Approve a question into the on-air queue.",
)
_decision(
    "reject",
    lambda slug, actor, d: mod.reject(slug, actor, d.id, d.reason, d.version),
    input=Rejection,
    summary="Reject a question with a reason.",
)
_decision(
    "edit",
    lambda slug, actor, d: mod.edit(slug, actor, d.id, d.text, d.version),
    input=Edit,
    summary="Correct a question's text (the original is kept).",
)
_decision(
    "set_tags",
    lambda slug, actor, d: mod.set_tags(slug, actor, d.id, d.tags, d.version),
    input=Tags,
    http_action="tags",
    summary="Replace a question's tags.",
)
_decision(
    "set_agenda_item",
    lambda slug, actor, d: mod.set_agenda_item(slug, actor, d.id, d.agenda_item_id, d.version),
    input=AgendaLink,
    http_action="agenda-item",
    summary="Link a question to an agenda item (or none).",
)
_decision(
    "on_air",
    lambda slug, actor, d: mod.on_air(slug, actor, d.id, d.version, d.replace),
    input=OnAir,
    http_action="on-air",
    summary="Put a question on air (the overlay and OBS show it); replacing another "
    "moderator's question on air needs replace: true.",
)
_decision(
    "off_air",
    lambda slug, actor, d: mod.off_air(slug, actor, d.id, d.version),
    http_action="off-air",
    summary="Take the on-air question off air.",
)
_decision(
    "answered", lambda slug, actor, d: mod.answered(slug, actor, d.id, d.version), summary="Mark a question answered."
)
_decision(
    "claim",
    lambda slug, actor, d: mod.claim(slug, actor, d.id),
    summary="Claim a question so other moderators see who handles it.",
)
_decision("release", lambda slug, actor, d: mod.release(slug, actor, d.id), summary="Release a claim.")


class Merge(Input):
    target_id: Id
    source_ids: list[Id]
    version: StrictInt | None = None


@command(
    "questions.merge",
    roles=("moderator",),
    input=Merge,
    http="POST /questions/<int:target_id>/merge",
    socket="moderation:merge_questions",
    event_of=lambda args: question_event({"id": args.get("target_id")}),
    endpoint="merge_questions",
)
def merge_questions(call, data):
    """Merge duplicates into one question; their askers follow it."""
    q = mod.merge(call.slug, call.actor, data.target_id, data.source_ids, data.version)
    return {"question": qs.compact_one(q)}


class Order(Input):
    ids: list[Id]


@command(
    "questions.reorder",
    roles=("moderator",),
    input=Order,
    http="PUT /events/<slug>/questions/queue",
    socket="moderation:reorder_queue",
    endpoint="reorder_queue",
)
def reorder_queue(call, data):
    """Set the on-air queue's order."""
    ordered = mod.reorder(call.slug, call.actor, data.ids)
    return {"ids": [q.id for q in ordered]}


# ---- many questions at once -----------------------------------------------------------------


class DuplicatesQuery(Input):
    min: Annotated[int, Field(ge=50, le=100)] = 90


@command(
    "questions.duplicates",
    roles=("moderator",),
    input=DuplicatesQuery,
    http="GET /events/<slug>/duplicates",
    socket="moderation:duplicates",
    endpoint="question_duplicates",
)
def question_duplicates(call, data):
    """Groups of near-duplicate questions (folded text, score ≥ ``min``), most sites then askers first."""
    return {"groups": duplicates.duplicate_groups(call.event, data.min)}


class Bulk(Input):
    action: Literal["approve", "reject", "merge", "tag", "assign"]
    ids: Annotated[list[Id], Field(max_length=500)] = []
    theme_id: Id | None = None  # instead of ids: every question of this theme
    reason: ShortText = ""
    tags: Annotated[list[ShortText], Field(max_length=10)] = []
    target_id: Id | None = None
    owner: ShortText | None = None  # assign: who owes the written answers
    due: datetime | None = None  # assign: by when


@command(
    "questions.bulk",
    roles=("moderator",),
    input=Bulk,
    http="POST /events/<slug>/questions/bulk",
    socket="moderation:bulk_questions",
    endpoint="bulk_questions",
)
def bulk_questions(call, data):
    """Approve, reject (with a reason), tag, merge or assign (who answers, by when) many questions
    in one action: the ``ids``, or with ``theme_id`` every question of that theme. The ones that
    cannot take it are listed in ``skipped`` with their error."""
    ids, limit = data.ids, mod.BULK_MAX
    if data.theme_id is not None:
        ids, limit = themes.question_ids(call.event, data.theme_id), mod.THEME_BULK_MAX
    done, skipped, target = mod.bulk(
        call.slug,
        call.actor,
        data.action,
        ids,
        data.reason,
        data.tags,
        data.target_id,
        limit=limit,
        answer={"owner": data.owner, "due": data.due},
    )
    result = {"action": data.action, "done": done, "skipped": skipped}
    if target is not None:
        result["question"] = qs.compact_one(target)
    return result


# ---- written answers --------------------------------------------------------------------------


class Answer(QuestionRef):
    text: LongText | None = None
    owner: ShortText | None = None
    due: datetime | None = None


@command(
    "questions.answer",
    roles=("moderator",),
    input=Answer,
    http="POST /questions/<int:id>/answer",
    socket="moderation:answer_question",
    event_of=question_event,
    endpoint="answer_question",
)
def answer_question(call, data):
    """Record who answers a question, by when, and the written answer; it reaches every asker
    (``questions.statuses``, their socket room), whoever joined it ("tôi cũng hỏi": ``joined``,
    ``joined_status``) and the phone pages of the sites that asked or joined it."""
    q = answers.answer(call.slug, call.actor, data.id, data.text, data.owner, data.due, data.version)
    return {"question": qs.compact_one(q)}


class PublishedListing(Input):
    q: ShortText | None = None
    offset: Offset = 0
    limit: Annotated[int, Field(ge=1, le=answers.PUBLISHED_PAGE_MAX)] = 20


@command(
    "questions.published_answers",
    roles=("anonymous",),
    input=PublishedListing,
    http="GET /events/<slug>/answers",
    why_no_socket="a page read once and paged (/e/<slug>/answers renders it on the server for cheap phones)",
    endpoint="published_answers",
)
def published_answers(call, data):
    """The written answers the public may read (approved, on-air or answered questions; no asker
    names), newest first, searched by folded words."""
    items, total = answers.published(call.event, data.q or "", data.offset, data.limit)
    return {"items": items, "total": total}


# ---- "tôi cũng hỏi": upvotes from phones and sites ---------------------------------------------


class OpenListing(Input):
    q: ShortText | None = None
    offset: Offset = 0
    limit: Annotated[int, Field(ge=1, le=upvotes.PAGE_MAX)] = 20
    device: ShortText | None = None  # marks the questions this phone joined
    site_token: ShortText | None = None  # or this site (its phone page)


@command(
    "questions.open_list",
    roles=("anonymous",),
    input=OpenListing,
    http="GET /events/<slug>/questions/open",
    socket="public:open_questions",
    endpoint="open_questions",
)
def open_questions(call, data):
    """The questions the public may join ("tôi cũng hỏi"): on air, then the approved queue, searched
    by folded words, with their site and counts (no asker names); ``mine`` marks the ones joined."""
    site = _site_of(call, data.site_token) if data.site_token else None
    voter = upvotes.voter_of(data.device or call.device_id, site)
    items, total = upvotes.public_list(call.event, data.q or "", data.offset, data.limit, voter)
    return {"items": items, "total": total}


class Upvote(Input):
    id: Id
    device: ShortText | None = None  # the phone's device id (REST: or the X-Device-Id header)
    site_token: ShortText | None = None  # the site whose ask page the phone is on: counts that site


def _site_of(call, token):
    site = site_by_token(token)
    if site.event_id != call.event.id:
        raise NotFound("invalid_site_token", _l("Mã điểm cầu không hợp lệ hoặc đã bị thu hồi."))
    return site


@command(
    "questions.upvote",
    roles=("anonymous",),
    input=Upvote,
    http="POST /events/<slug>/questions/<int:id>/upvote",
    socket="public:upvote_question",
    endpoint="upvote_question",
)
def upvote_question(call, data):
    """A phone says "tôi cũng hỏi": 201 with the question's counts once stored, 200 when this
    device had already joined it; 404 for a question the public cannot see, 429 when too fast."""
    from_site = _site_of(call, data.site_token) if data.site_token else None
    counts, created = upvotes.upvote(
        call.event, data.id, device_id=data.device or call.device_id, address=call.address, from_site=from_site
    )
    result = {**counts, "upvoted": True}
    return Created(result) if created else result


class SiteUpvote(Input):
    id: Id


@command(
    "questions.site_upvote",
    roles=("site",),
    input=SiteUpvote,
    http="POST /sites/<token>/questions/<int:id>/upvote",
    socket="site:upvote_question",
    endpoint="site_upvote_question",
)
def site_upvote_question(call, data):
    """A bridge point says "điểm cầu chúng tôi cũng hỏi": as ``questions.upvote``, once per site."""
    counts, created = upvotes.upvote(call.event, data.id, site=call.site)
    result = {**counts, "upvoted": True}
    return Created(result) if created else result


# ---- the chair view ----------------------------------------------------------------------------


@command(
    "questions.chair",
    roles=("moderator", "crew"),
    http="GET /events/<slug>/chair",
    socket="chair:chair_snapshot",
    endpoint="chair_snapshot",
)
def chair_snapshot(call, data):
    """What the chair view shows: the question on air, the next ones in queue order with their
    sites and counts, the themes with their counts (also sent on joining ``/chair``)."""
    return chair.snapshot(call.event)


class ChairKey(Input):
    key: Annotated[str, Field(max_length=200)]


@command(
    "questions.chair_by_key",
    roles=("anonymous",),
    input=ChairKey,
    http="GET /chair/<key>/snapshot",
    why_no_socket="a chair link's tablet is sent the snapshot on joining /chair (chair_snapshot), then asks over REST",
    endpoint="chair_key_snapshot",
)
def chair_key_snapshot(call, data):
    """``questions.chair`` for a chair link (the tablet): the link's key is the credential
    (404 ``invalid_chair_key`` when unknown or expired)."""
    event = chair.event_for_key(data.key)
    if event is None:
        raise NotFound("invalid_chair_key", CHAIR_KEY_INVALID)
    return chair.snapshot(event)


@command(
    "questions.chair_revoke_links",
    roles=("moderator", "crew"),
    http="POST /events/<slug>/chair/revoke",
    why_no_socket="a rare staff action from the chair page's footer, over REST",
    endpoint="chair_revoke_links",
)
def chair_revoke_links(call, data):
    """Revoke every chair link of the event (a tablet lost, a link sent to the wrong person): the
    links made so far stop opening the chair view at once, the tablets showing one are told, and
    the answer carries the new link's key (``chair_key``)."""
    generation = chair.revoke(call.event, call.actor)
    return {"generation": generation, "chair_key": chair.make_key(call.event)}


# ---- reports ----------------------------------------------------------------------------------


@command(
    "questions.accountability",
    roles=("moderator",),
    http="GET /events/<slug>/accountability",
    socket="moderation:accountability",
    endpoint="questions_accountability",
)
def questions_accountability(call, data):
    """Per bridge point and per province: asked, aired, answered in writing, pending, rejected and
    overdue (merged askers counted at their own site). The PDF/DOCX synthesis and the XLSX of this
    report are downloads: ``server/web/api/downloads.py``."""
    return accountability.report(call.event)
