"""资金: the channels with their figures, registering a channel (or re-issuing a 收回统筹
recovery as one), a channel's page (arrivals, recoveries, the projects it funds, its
payments), recording an arrival or a recovery, allocating, and the settled projects'
leftovers (项目结余) returned to their channels."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ...access import FINANCE, READ, allow
from ...clock import today
from ...database import unit_of_work
from ...enums import Level, MilestoneKind, RecoveryDestination
from ...errors import Refused
from ...extensions import db
from ...formatting import money
from ...forms import show_refusal
from ...ledger import LedgerFilter, allocation_ledger, fund_ledger
from ...ledger.params import parse_ledger_query
from ...paging import page_args, paginate
from ...projects.service import get_project
from ...web import or_404
from .. import queries
from .. import service as funds
from ..forms import (
    AllocationForm,
    ArrivalForm,
    RecoveryForm,
    SourceForm,
)
from ..models import FundArrival, FundSource, Recovery
from . import (
    PER_PAGE,
    SOURCE_PAGE_ROWS,
    _as_of,
    _project_choices,
    _sorted_payments,
    _status,
    bp,
)


@bp.get("/")
@allow(*READ)
def index():
    error = None
    try:
        query = parse_ledger_query(request.args, default_per_page=PER_PAGE)
    except Refused as e:
        error, query = e.message, parse_ledger_query({}, default_per_page=PER_PAGE)
    filt = LedgerFilter(year=query.filt.year)
    try:
        report = fund_ledger(query.as_of, filt, page=query.page, per_page=query.per_page,
                             sort=query.sort)
    except Refused as e:  # an unknown sort key
        error = e.message
        report = fund_ledger(query.as_of, filt, page=query.page, per_page=query.per_page)
    years = db.session.scalars(
        select(FundSource.year).distinct().order_by(FundSource.year.desc())
    ).all()
    return render_template("funds/index.html", report=report, years=years, year=filt.year,
                           error=error)


@bp.route("/new", methods=["GET", "POST"])
@allow(*FINANCE)
def new_source():
    form = SourceForm()
    status = 200
    reissue = None
    if request.method == "GET":
        form.year.data = today().year
        reissue = _prefill_reissue(form, request.args.get("from_recovery"))
    elif form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                source = funds.create_source(
                    code=form.source_code.data, name=form.name.data, level=form.level.data,
                    category=form.category.data, year=form.year.data,
                    amount_issued=form.amount_issued.data, document_no=form.document_no.data,
                    issued_on=form.issued_on.data,
                )
                code = source.code
        except Refused as e:
            show_refusal(form, e)
            status = _status(e)
        else:
            flash(f"已登记资金来源「{code}」", "success")
            return redirect(url_for(".source", code=code))
    else:
        status = 422
    return render_template("funds/source_form.html", form=form, reissue=reissue), status


def _prefill_reissue(form: SourceForm, recovery_id: str | None) -> Recovery | None:
    """收回统筹 re-issued as a new channel: the form filled from the recovery (the amount,
    the channel's category, 县级, and a 下达文号 citing the recovery); the clerk checks it
    and registers the channel as any other."""
    if not recovery_id or not recovery_id.isdigit():
        return None
    recovery = db.session.get(Recovery, int(recovery_id))
    if recovery is None or recovery.destination != RecoveryDestination.POOLED:
        return None
    src = recovery.source
    form.name.data = f"{src.name}(收回统筹再下达)"
    form.level.data = Level.COUNTY
    form.category.data = src.category
    form.amount_issued.data = recovery.amount
    cited = recovery.document_no or f"{src.code} {recovery.recovered_on.isoformat()} 收回"
    form.document_no.data = f"收回统筹:{cited}"[:100]
    return recovery


@bp.get("/<code>")
@allow(*READ)
def source(code: str):
    src = or_404(funds.get_source, code)
    return _source_page(src, ArrivalForm(arrived_on=today()))


def _source_page(src: FundSource, arrival_form: ArrivalForm, status: int = 200,
                 recovery_form: RecoveryForm | None = None):
    as_of, error = _as_of(request.args)
    figures = fund_ledger(as_of, LedgerFilter(source_code=src.code)).rows[0]
    arrivals = db.session.scalars(
        select(FundArrival).where(FundArrival.source_id == src.id)
        .order_by(FundArrival.arrived_on, FundArrival.id)
    ).all()
    recoveries = db.session.scalars(
        select(Recovery).where(Recovery.source_id == src.id)
        .order_by(Recovery.recovered_on, Recovery.id)
    ).all()
    projects_page, _ = page_args({"page": request.args.get("projects_page")})
    funded = allocation_ledger(as_of, LedgerFilter(source_code=src.code),
                               page=projects_page, per_page=SOURCE_PAGE_ROWS)
    page, per_page = page_args(request.args, SOURCE_PAGE_ROWS)
    payments = paginate(_sorted_payments(queries.payments(source=src.code), None), page,
                        per_page, scalars=False)
    return render_template(
        "funds/source.html", src=src, figures=figures, as_of=as_of, error=error,
        arrivals=_with_warnings(src, arrivals), funded=funded,
        payments=payments, arrival_form=arrival_form, recoveries=recoveries,
        recovery_form=recovery_form or RecoveryForm(recovered_on=today(), formdata=None),
    ), status


def _with_warnings(src: FundSource, arrivals) -> list:
    """Each arrival (in date order) with its warnings, the running total counted here."""
    out, so_far = [], 0
    for a in arrivals:
        so_far += a.amount
        out.append((a, funds.arrival_warnings(a, src, arrived_so_far=so_far)))
    return out


@bp.post("/<code>/arrivals")
@allow(*FINANCE)
def record_arrival(code: str):
    src = or_404(funds.get_source, code)
    form = ArrivalForm()
    status = 422
    if form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                arrival = funds.record_arrival(src, arrived_on=form.arrived_on.data,
                                               amount=form.amount.data, note=form.note.data)
                warnings, amount = funds.arrival_warnings(arrival), arrival.amount
        except Refused as e:
            show_refusal(form, e)
            status = _status(e)
        else:
            flash(f"已登记资金到位 {money(amount)} 元", "success")
            for w in warnings:
                flash(w, "warning")
            return redirect(url_for(".source", code=code))
    return _source_page(src, form, status)


@bp.post("/<code>/recoveries")
@allow(*FINANCE)
def record_recovery(code: str):
    src = or_404(funds.get_source, code)
    form = RecoveryForm()
    status = 422
    if form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                recovery = funds.record_recovery(
                    src, recovered_on=form.recovered_on.data, amount=form.amount.data,
                    destination=form.destination.data, document_no=form.document_no.data,
                    reason=form.reason.data)
                amount, where = recovery.amount, recovery.destination.label
        except Refused as e:
            show_refusal(form, e)
            status = _status(e)
        else:
            flash(f"已登记资金收回 {money(amount)} 元({where})", "success")
            return redirect(url_for(".source", code=code))
    return _source_page(src, ArrivalForm(arrived_on=today(), formdata=None), status, form)


@bp.get("/leftovers")
@allow(*READ)
def leftovers():
    """项目结余: the allocations of settled projects (报账 done) not spent, as of today."""
    page, per_page = page_args(request.args, PER_PAGE)
    try:
        report = allocation_ledger(today(), LedgerFilter(reached=MilestoneKind.SETTLED),
                                   sort=request.args.get("sort") or None)
    except Refused as e:
        abort(400, e.message)
    rows = [r for r in report.rows if r["balance"] > 0]
    shown = rows[(page - 1) * per_page: page * per_page]
    return render_template("funds/leftovers.html", rows=shown, count=len(rows), page=page,
                           per_page=per_page, as_of=report.as_of)


@bp.post("/leftovers/return")
@allow(*FINANCE)
def return_leftover():
    project_code = request.form.get("project_code") or ""
    source_code = request.form.get("source_code") or ""
    try:
        with unit_of_work(current_user.username):
            reduction = funds.return_leftover(get_project(project_code),
                                              funds.get_source(source_code), today())
            amount = -reduction.amount
    except Refused as e:
        flash(e.message, "error")
    else:
        flash(f"已将项目「{project_code}」的结余 {money(amount)} 元调减回资金来源"
              f"「{source_code}」", "success")
    return redirect(url_for(".leftovers"))


@bp.get("/allocate")
@allow(*FINANCE)
def allocate_for():
    """资金安排 from a project's page: the channel chosen there, then its allocation form
    with the project filled in."""
    code = (request.args.get("source") or "").strip()
    project = (request.args.get("project") or "").strip() or None
    if not code:  # the channel to allocate from is chosen first
        return render_template("funds/allocate_choose.html", project=project,
                               channels=queries.channel_choices())
    return redirect(url_for(".allocate", code=or_404(funds.get_source, code).code, project=project))


@bp.route("/<code>/allocate", methods=["GET", "POST"])
@allow(*FINANCE)
def allocate(code: str):
    src = or_404(funds.get_source, code)
    form = AllocationForm()
    status = 200
    if request.method == "GET":
        form.project_code.data = (request.args.get("project") or "").strip() or None
    elif form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                project = get_project(form.project_code.data)
                done = funds.allocate(project, src, amount=form.amount.data,
                                      document_no=form.document_no.data,
                                      allocated_on=form.allocated_on.data)
                amount, project_code = done.amount, project.code
        except Refused as e:
            show_refusal(form, e)
            status = _status(e)
        else:
            what = "调减" if amount < 0 else "安排"
            flash(f"已{what}项目「{project_code}」资金 {money(abs(amount))} 元", "success")
            return redirect(url_for(".source", code=code))
    else:
        status = 422
    figures = fund_ledger(today(), LedgerFilter(source_code=src.code)).rows[0]
    return render_template("funds/allocate.html", src=src, form=form, figures=figures,
                           projects=_project_choices()), status
