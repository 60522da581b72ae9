"""支出: the payments list and its download, the clerk's payment form with what it may
take (availability), and reversals."""

from __future__ import annotations

from flask import (
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
from wtforms.fields.choices import SelectChoice

from ... import sheets
from ...access import FINANCE, READ, allow
from ...clock import today
from ...database import unit_of_work
from ...dates import parse_date
from ...enums import PaymentKind
from ...errors import NotFound, Refused
from ...formatting import money
from ...forms import show_refusal
from ...money import format_money
from ...paging import page_args, paginate
from ...projects.service import get_project
from ...settings.service import get_checklist
from ...web import or_404
from ...workbook.download import file_name, write_sheet, xlsx_response
from .. import queries
from .. import service as funds
from ..forms import (
    PaymentForm,
    ReversalForm,
)
from . import (
    PER_PAGE,
    _as_of,
    _project_choices,
    _sorted_payments,
    _source_choices,
    _status,
    bp,
    project_url,
)


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
        # 要件不全: the payments lacking a document of their kind's checklist
        "incomplete": get_checklist() if args.get("docs") == "incomplete" else None,
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
    if filters["incomplete"] is not None:
        parts.append("要件不全")
    return parts


def _availability(project_code, source_code, paid_on) -> dict:
    """The payment form's figures (funds.queries.availability) for the project and channel
    named by their codes."""
    project = get_project(project_code, "project") if project_code else None
    source = funds.get_source(source_code, "source") if source_code else None
    return queries.availability(project, source, paid_on)


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
                    payee_account=form.payee_account.data,
                    budget_subject=form.budget_subject.data,
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
    original = or_404(funds.get_disbursement, voucher_no)
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
                    payee_account=original.payee_account,
                    budget_subject=original.budget_subject,
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
