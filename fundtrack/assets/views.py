"""资产移交: register a settled project's assets (from its page), and the 资产台账."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import READ, allow
from ..clock import today
from ..database import unit_of_work
from ..enums import AssetClass, Role
from ..errors import Refused
from ..forms import show_refusal
from ..ledger import LedgerFilter, project_ledger
from ..ledger.dashboard import filter_choices
from ..money import MoneyError, parse_money
from ..paging import page_args, paginate
from ..projects.service import get_project
from ..web import or_404
from . import queries, service
from .forms import HandoverForm

#: Who may register assets: admin, finance, the manager of the project's own unit.
WRITERS = (Role.ADMIN, Role.FINANCE, Role.MANAGER)

bp = Blueprint("assets", __name__)


def _spent(code: str):
    rows = project_ledger(today(), LedgerFilter(project_code=code, include_proposed=True)).rows
    return rows[0]["spent"] if rows else None


@bp.route("/projects/<code>/assets/new", methods=["GET", "POST"])
@allow(*WRITERS)
def new(code: str):
    """资产移交: one asset of a settled project."""
    project = or_404(get_project, code)
    if not service.may_hand_over(current_user, project):
        abort(403)
    form = HandoverForm()
    status = 200
    if request.method == "GET":
        spent = _spent(code)
        form.value.data = f"{spent:.2f}" if spent is not None else ""
        form.handed_over_on.data = today()
    elif not form.validate_on_submit():
        if form.csrf_token.errors:
            form.form_errors.append("页面已过期,请重新提交")
            status = 400
        else:
            status = 422
    else:
        try:
            try:
                value = parse_money(form.value.data) if (form.value.data or "").strip() \
                    else None
            except MoneyError as e:
                raise Refused(f"资产价值{e}", "value") from None
            with unit_of_work(current_user.username):
                item = service.record_handover(
                    get_project(code), name=form.name.data, asset_class=form.asset_class.data,
                    value=value, owner=form.owner.data, maintainer=form.maintainer.data,
                    caretaker=form.caretaker.data, handed_over_on=form.handed_over_on.data,
                    document_no=form.document_no.data)
                name = item.name
        except Refused as e:
            show_refusal(form, e)
            status = 409 if e.conflict else 422
        else:
            flash(f"已登记资产移交「{name}」", "success")
            return redirect(url_for("projects.detail", code=code, _anchor="assets"))
    return render_template("assets/form.html", form=form, project=project,
                           settled_on=service.settled_on(project)), status


@bp.get("/assets/")
@allow(*READ)
def index():
    """资产台账: every asset handed over, by unit, class and project year."""
    args = request.args
    error = None
    asset_class = year = None
    try:
        if args.get("asset_class"):
            try:
                asset_class = AssetClass.from_text(args["asset_class"])
            except ValueError as e:
                raise Refused(f"资产类别{e}", "asset_class") from None
        if args.get("year"):
            try:
                year = int(args["year"])
            except ValueError:
                raise Refused("年度应为数字,如 2025", "year") from None
    except Refused as e:
        error = e.message
    stmt = queries.ledger(unit=args.get("unit") or None, asset_class=asset_class, year=year)
    count, total = queries.totals(stmt)
    page, per_page = page_args(args)
    rows = paginate(stmt, page, per_page, scalars=False, count=count)
    return render_template("assets/index.html", rows=rows, total=total, error=error,
                           options=filter_choices(), classes=AssetClass.labels(),
                           args=args), 400 if error else 200
