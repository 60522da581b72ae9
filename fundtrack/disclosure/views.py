"""公示: the public pages anyone may open without signing in (by township and village, a
project's page), and the printable notices (立项公示, 完工公示) staff post from a project.

The public pages show only what ``ledger.public`` and ``disclosure.service`` select:
never a person, a phone number, a payee, a voucher or a user.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for
from flask_login import current_user

from ..access import READ, allow, public
from ..attachments import service as attachments
from ..clock import today
from ..database import unit_of_work
from ..dates import parse_date
from ..errors import NotFound, Refused
from ..ledger import LedgerFilter
from ..ledger.params import parse_ledger_query
from ..ledger.public import place_choices, places, project_list
from ..paging import page_args
from ..settings.service import complaint_phone, public_url
from . import service
from .service import NoticeKind

bp = Blueprint("disclosure", __name__)

PER_PAGE = 20
#: The filters of the public index, as request arguments.
FILTERS = ("year", "township", "village", "q")


@bp.get("/public/")
@public
def index():
    args = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    choices = place_choices(args.get("township"))
    try:
        query = parse_ledger_query(args)
        filt = LedgerFilter(year=query.filt.year, township=query.filt.township,
                            village=query.filt.village, search=query.filt.search)
    except Refused as e:
        return render_template("disclosure/index.html", error=e.message, args=args,
                               choices=choices, townships=None), 400
    page_no, _ = page_args(request.args, PER_PAGE)
    townships, total = places(filt)
    projects = project_list(query.as_of, filt, page_no, PER_PAGE)
    return render_template("disclosure/index.html", error=None, args=args, choices=choices,
                           townships=townships, total=total, projects=projects,
                           as_of=query.as_of)


def _public_project(code: str):
    try:
        return service.public_project(code, today())
    except NotFound:
        abort(404)


@bp.get("/public/projects/<code>")
@public
def project(code: str):
    return render_template("disclosure/project.html", p=_public_project(code))


@bp.get("/public/projects/<code>/photos/<int:photo_id>")
@public
def photo(code: str, photo_id: int):
    """A 公示照片 of the project's public page, only if its bytes still match their SHA-256:
    else 409 and a 校验不符 line in the change history, as for staff downloads."""
    actor = current_user.username if current_user.is_authenticated else "公示页访客"
    mismatch = None
    with unit_of_work(actor):
        try:
            a = service.public_photo(code, photo_id)
        except NotFound:
            abort(404)
        try:
            path = attachments.checked_path(a)
        except attachments.Mismatch:
            mismatch = True  # answered once the history line is committed
    if mismatch:
        return Response("照片文件校验不符,暂停展示", 409, mimetype="text/plain")
    response = send_file(path, mimetype=a.content_type, as_attachment=False,
                         conditional=False, etag=a.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/projects/<code>/notice")
@allow(*READ)
def notice(code: str):
    """A printable notice (公示公告) of the project, for the chosen kind and period."""
    p = _public_project(code)
    args = request.args
    try:
        kind = service.notice_kind(args.get("kind"))
        start = parse_date(args["start"], "start") if args.get("start") else today()
        end = parse_date(args["end"], "end") if args.get("end") else None
        if args.get("days"):
            end = service.period_of(start, service.parse_days(args["days"]))[1]
        n = service.build_notice(
            p, kind, start, end, complaint_phone=complaint_phone(),
            public_url=public_address(p.code), address_set=bool(public_url()),
        )
    except Refused as e:
        return _notice_page(p, None, e.message), 400
    return _notice_page(p, n, None)


def _notice_page(p, n, error):
    return render_template("disclosure/notice.html", p=p, n=n, error=error, args=request.args,
                           kinds=list(NoticeKind), min_days=service.MIN_POSTING_DAYS)


def public_address(code: str) -> str:
    """The absolute address of a project's public page: under the 公示网址 of the settings,
    or the address this request came to."""
    base = public_url()
    if base:
        return base + url_for("disclosure.project", code=code)
    return url_for("disclosure.project", code=code, _external=True)
