"""资金 and 支出: the channels with their figures, a channel's page (arrivals, the projects
it funds, its payments), the clerk's payment form and reversals.

Views are thin: read a form, call ``funds.service`` inside one unit of work, redirect
(post/redirect/get). A refusal goes back onto the form next to the field it names and
nothing is written. Figures come from the ledger module; the payment lists from
funds.queries, a fixed number of statements per page.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms.fields.choices import SelectChoice

from .. import sheets
from ..access import FINANCE, READ, allow
from ..clock import today
from ..database import unit_of_work
from ..enums import Level, MilestoneKind, PaymentKind, RecoveryDestination
from ..errors import NotFound, Refused
from ..extensions import db
from ..formatting import money
from ..ledger import LedgerFilter, allocation_ledger, fund_ledger
from ..ledger.params import parse_date, parse_ledger_query
from ..money import format_money
from ..paging import apply_sort, page_args, paginate
from ..projects.models import Project
from ..projects.service import get_project
from ..web import can_open
from ..workbook.download import file_name, write_sheet, xlsx_response
from . import balances, queries
from . import service as funds
from .forms import (
    AllocationForm,
    ArrivalForm,
    PaymentForm,
    RecoveryForm,
    ReversalForm,
    SourceForm,
    show_refusal,
)
from .models import Allocation, Disbursement, FundArrival, FundSource, Recovery

bp = Blueprint("funds", __name__, url_prefix="/funds")

PER_PAGE = 50
#: The channel page holds two paged tables: shorter pages.
SOURCE_PAGE_ROWS = 20


# --- helpers ---------------------------------------------------------------------------


def _source_or_404(code: str) -> FundSource:
    try:
        return funds.get_source(code)
    except NotFound:
        abort(404)


def project_url(code: str) -> str | None:
    """The project's page, when the current user may open it (else None)."""
    if not can_open("projects.detail"):
        return None
    for rule in current_app.url_map.iter_rules("projects.detail"):
        if len(rule.arguments) == 1:
            try:
                return url_for("projects.detail", **{next(iter(rule.arguments)): code})
            except BuildError:
                return None
    return None


@bp.context_processor
def _helpers():
    return {"project_url": project_url}


def _status(e: Refused) -> int:
    return 409 if e.conflict else 422


def _as_of(args) -> tuple[dt.date, str | None]:
    try:
        return (parse_date(args["as_of"], "as_of") if args.get("as_of") else today()), None
    except Refused as e:
        return today(), e.message


def _project_choices() -> list:
    """Every project's code and name, for the <datalist> of project inputs."""
    return db.session.execute(select(Project.code, Project.name).order_by(Project.code)).all()


def _source_choices(project_code: str | None) -> list:
    """The channels allocated to the project (every channel without a project)."""
    stmt = select(FundSource.code, FundSource.name).order_by(FundSource.code)
    if project_code:
        stmt = stmt.where(FundSource.id.in_(
            select(Allocation.source_id)
            .join(Project, Project.id == Allocation.project_id)
            .where(Project.code == project_code)
        ))
    return db.session.execute(stmt).all()


# --- 资金: the channels ------------------------------------------------------------------


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
    src = _source_or_404(code)
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
        arrivals=[(a, funds.arrival_warnings(a)) for a in arrivals], funded=funded,
        payments=payments, arrival_form=arrival_form, recoveries=recoveries,
        recovery_form=recovery_form or RecoveryForm(recovered_on=today(), formdata=None),
    ), status


@bp.post("/<code>/arrivals")
@allow(*FINANCE)
def record_arrival(code: str):
    src = _source_or_404(code)
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
    src = _source_or_404(code)
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
    return redirect(url_for(".allocate", code=_source_or_404(code).code, project=project))


@bp.route("/<code>/allocate", methods=["GET", "POST"])
@allow(*FINANCE)
def allocate(code: str):
    src = _source_or_404(code)
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


# --- 支出: the payments --------------------------------------------------------------------

def _sorted_payments(stmt, sort: str | None):
    """Newest first unless a column is asked for."""
    return apply_sort(stmt, sort, queries.PAYMENT_SORTS, Disbursement.paid_on.desc(),
                      Disbursement.id.desc())


def _payment_filters(args) -> tuple[dict, list[str]]:
    errors: list[str] = []

    def date(key):
        text = (args.get(key) or "").strip()
        try:
            return parse_date(text, key) if text else None
        except Refused as e:
            errors.append(e.message)
            return None

    kind = None
    if args.get("kind"):
        try:
            kind = PaymentKind.from_text(args["kind"])
        except ValueError as e:
            errors.append(str(e))
    filters = {
        "project": (args.get("project") or "").strip() or None,
        "source": (args.get("source") or "").strip() or None,
        "kind": kind,
        "date_from": date("from"),
        "date_to": date("to"),
        "search": (args.get("q") or "").strip() or None,
    }
    return filters, errors


@bp.get("/payments")
@allow(*READ)
def payments():
    filters, errors = _payment_filters(request.args)
    page, per_page = page_args(request.args, PER_PAGE)
    stmt = queries.payments(**filters)
    try:
        ordered = _sorted_payments(stmt, request.args.get("sort"))
    except Refused as e:
        errors.append(e.message)
        ordered = _sorted_payments(stmt, None)
    count, amount = queries.payments_total(stmt)  # every page's: the 合计 row and the count
    return render_template("funds/payments.html", rows=paginate(ordered, page, per_page,
                                                                scalars=False, count=count),
                           total={"count": count, "amount": amount},
                           errors=errors, kinds=list(PaymentKind))


@bp.get("/payments.xlsx")
@allow(*READ)
def payments_xlsx():
    """The 支出 list's selection (every page) as a workbook, named by its filter."""
    filters, errors = _payment_filters(request.args)
    if errors:
        abort(400, "; ".join(errors))
    stmt = queries.payments(**filters)
    try:
        ordered = _sorted_payments(stmt, request.args.get("sort"))
    except Refused as e:
        abort(400, e.message)
    count, amount = queries.payments_total(stmt)
    parts = _filter_words(filters)
    title = f"{current_app.config['FUNDTRACK_REGION']} 支出明细({','.join(parts) or '全部'};" \
            f"共 {count} 条)"
    total = {"voucher_no": "合计", "amount": amount}
    return xlsx_response(
        lambda path: write_sheet(path, sheets.DISBURSEMENTS, queries.sheet_rows(ordered),
                                 title, total),
        file_name("支出明细", parts, f"导出于{today().isoformat()}"))


def _filter_words(filters: dict) -> list[str]:
    """The payments list's filter in words, for a file name and a title."""
    parts = []
    if filters["project"]:
        parts.append(f"项目{filters['project']}")
    if filters["source"]:
        parts.append(f"资金来源{filters['source']}")
    if filters["kind"] is not None:
        parts.append(filters["kind"].label)
    start, end = filters["date_from"], filters["date_to"]
    if start or end:
        parts.append(f"{start.isoformat() if start else ''}至{end.isoformat() if end else ''}")
    if filters["search"]:
        parts.append(f"含“{filters['search']}”")
    return parts


def _availability(project_code, source_code, paid_on) -> dict:
    """What the payment form shows before the amount is typed: the pair's allocation and
    the channel's arrived balance available at the payment date (what the rules allow)."""
    out = {"remaining_allocation": None, "available_cash": None, "paid_on": paid_on}
    project = get_project(project_code, "project") if project_code else None
    out["project_name"] = project.name if project is not None else None
    source = funds.get_source(source_code, "source") if source_code else None
    if source is not None:
        out["available_cash"] = balances.cash_available(source, paid_on)
        if project is not None:
            out["remaining_allocation"] = balances.remaining_allocation(
                project, source, paid_on)
    return out


@bp.get("/availability")
@allow(*FINANCE)
def availability():
    """JSON for payments.js: ``{"remaining_allocation": "…", "available_cash": "…"}``
    (money as strings, null when the query names no project or channel), with the
    channels allocated to the project (``sources``) when a project is named."""
    args = request.args
    project = (args.get("project") or "").strip() or None
    try:
        paid_on = parse_date(args["paid_on"], "paid_on") if args.get("paid_on") else today()
        figures = _availability(project, (args.get("source") or "").strip() or None, paid_on)
    except Refused as e:
        body = {"errors": [{"field": e.field, "message": e.message}]}
        return jsonify(body), (404 if isinstance(e, NotFound) else 422)
    body = {
        "remaining_allocation": _money_or_none(figures["remaining_allocation"]),
        "available_cash": _money_or_none(figures["available_cash"]),
        "paid_on": paid_on.isoformat(),
        "project_name": figures["project_name"],
    }
    if project:
        body["sources"] = [{"code": c, "name": n} for c, n in _source_choices(project)]
    return jsonify(body)


def _money_or_none(value):
    return None if value is None else format_money(value)


@bp.route("/payments/new", methods=["GET", "POST"])
@allow(*FINANCE)
def new_payment():
    form = PaymentForm()
    status = 200
    checking = request.method == "POST" and "check" in request.form
    if request.method == "GET":
        args = request.args
        form.project_code.data = (args.get("project") or "").strip() or None
        form.source_code.data = (args.get("source") or "").strip() or None
        form.paid_on.data, _ = _as_of({"as_of": args.get("paid_on")})
    elif checking:
        pass  # "查看可用额度" without JavaScript: show the figures, post nothing
    elif form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                payment = funds.post_disbursement(
                    voucher_no=form.voucher_no.data,
                    project=get_project(form.project_code.data),
                    source=funds.get_source(form.source_code.data),
                    paid_on=form.paid_on.data, amount=form.amount.data, kind=form.kind.data,
                    payee=form.payee.data, memo=form.memo.data,
                )
                warnings = funds.payment_warnings(payment)
                voucher, amount, code = payment.voucher_no, payment.amount, form.project_code.data
        except Refused as e:
            show_refusal(form, e)
            status = _status(e)
        else:
            target = project_url(code)
            if target and warnings:  # the project page lists every payment's notes: once
                flash(f"已登记支出:凭证号 {voucher},金额 {money(amount)} 元。"
                      f"请注意该凭证的提示(见「支出明细」)", "warning")
            else:
                flash(f"已登记支出:凭证号 {voucher},金额 {money(amount)} 元", "success")
                for w in warnings:
                    flash(f"请注意:{w}", "warning")
            return redirect(target or url_for(".payments", project=code))
    else:
        status = 422
    return _payment_page(form, status)


def _payment_page(form: PaymentForm, status: int):
    project_code = form.project_code.data or None
    source_code = form.source_code.data or None
    sources = _source_choices(project_code)
    form.source_code.choices = [SelectChoice("", "请选择资金来源")] + [
        SelectChoice(c, f"{c} {n}") for c, n in sources]
    figures, problem = None, None
    if project_code or source_code:
        try:
            figures = _availability(project_code, source_code, form.paid_on.data or today())
        except Refused as e:
            problem = e.message
    return render_template(
        "funds/payment_form.html", form=form, projects=_project_choices(), figures=figures,
        problem=problem, no_channels=bool(project_code) and not sources,
    ), status


@bp.route("/payments/<path:voucher_no>/reverse", methods=["GET", "POST"])
@allow(*FINANCE)
def reverse(voucher_no: str):
    try:
        original = funds.get_disbursement(voucher_no)
    except NotFound:
        abort(404)
    taken, left = funds.reversal_room(original)
    form = ReversalForm()
    status = 200
    if request.method == "GET":
        form.paid_on.data = today()
        form.amount.data = left if left > 0 else None
    elif form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                reversal = funds.post_disbursement(
                    voucher_no=form.voucher_no.data, project=original.project,
                    source=original.source, paid_on=form.paid_on.data,
                    amount=-form.amount.data, kind=PaymentKind.REVERSAL,
                    payee=original.payee, memo=form.memo.data, reverses=original,
                )
                voucher, amount = reversal.voucher_no, reversal.amount
                code = original.project.code
        except Refused as e:
            show_refusal(form, e)
            status = _status(e)
        else:
            flash(f"已红字冲回凭证 {voucher_no}:冲销凭证号 {voucher},金额 {money(amount)} 元",
                  "success")
            return redirect(project_url(code) or url_for(".payments", project=code))
    else:
        status = 422
    return render_template("funds/reverse.html", original=original, taken=taken, left=left,
                           form=form), status
