"""整改: the list of findings (filter by status, unit, overdue; paged), recording one,
and a finding's page with its notes, evidence, closing and reopening."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import FINDING_EVIDENCE, READ, allow
from ..clock import today
from ..database import unit_of_work
from ..dates import parse_date
from ..errors import Refused
from ..ledger.dashboard import filter_choices
from ..paging import page_args, paginate
from ..projects.models import Unit
from ..web import or_404
from . import service
from .forms import CloseForm, EvidenceForm, FindingForm, ReopenForm
from .models import RECORDERS, Finding, FindingStatus

bp = Blueprint("rectification", __name__, url_prefix="/rectification")
PER_PAGE = 50


def _query(args, as_of):
    stmt = select(Finding).outerjoin(Unit, Unit.id == Finding.unit_id)
    status = args.get("status") or ""
    if status:
        try:
            stmt = stmt.where(Finding.status == FindingStatus.from_text(status))
        except ValueError as e:
            raise Refused(str(e), "status") from None
    if args.get("unit"):
        stmt = stmt.where(Unit.name == args["unit"])
    if args.get("overdue"):
        stmt = stmt.where(service.is_overdue(as_of))
    return stmt.order_by(Finding.status, Finding.deadline, Finding.id)


@bp.get("/")
@allow(*READ)
def index():
    args = request.args
    page = {"args": args, "choices": filter_choices(), "statuses": list(FindingStatus)}
    try:
        as_of = parse_date(args["as_of"], "as_of") if args.get("as_of") else today()
        stmt = _query(args, as_of)
    except Refused as e:
        return render_template("rectification/index.html", error=e.message, **page), 400
    number, per_page = page_args(args, PER_PAGE)
    result = paginate(stmt, number, per_page)
    return render_template("rectification/index.html", result=result, as_of=as_of,
                           can_record=current_user.role in RECORDERS, **page)


def _apply_refusal(form, e: Refused) -> None:
    if e.field and e.field in form:
        form[e.field].errors = [*form[e.field].errors, e.message]
    else:
        form.form_errors.append(e.message)


@bp.route("/new", methods=["GET", "POST"])
@allow(*RECORDERS)
def new():
    form = FindingForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                finding = service.record_finding(
                    source=form.source.data, description=form.description.data,
                    found_on=form.found_on.data, deadline=form.deadline.data,
                    project_code=form.project_code.data, unit_name=form.unit.data)
                finding_id = finding.id
        except Refused as e:
            _apply_refusal(form, e)
        else:
            flash(f"已登记整改事项 #{finding_id}", "success")
            return redirect(url_for(".detail", finding_id=finding_id))
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template("rectification/new.html", form=form,
                           units=filter_choices()["units"]), status


def _page(finding: Finding, status: int = 200, **forms):
    editable = finding.editable_by(current_user)
    forms.setdefault("evidence_form", EvidenceForm(formdata=None))
    forms.setdefault("close_form", CloseForm(formdata=None, data={"done_on": today()}))
    forms.setdefault("reopen_form", ReopenForm(formdata=None))
    return render_template(
        "rectification/detail.html", finding=finding, as_of=today(), editable=editable,
        closable=finding.closable_by(current_user),
        can_reopen=current_user.role in RECORDERS, **forms), status


@bp.get("/<int:finding_id>")
@allow(*READ)
def detail(finding_id: int):
    return _page(or_404(service.get_finding, finding_id))


def _editable(finding_id: int) -> Finding:
    finding = or_404(service.get_finding, finding_id)
    if not finding.editable_by(current_user):
        abort(403)
    return finding


@bp.post("/<int:finding_id>/evidence")
@allow(*FINDING_EVIDENCE)
def evidence(finding_id: int):
    finding = _editable(finding_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                service.add_evidence(or_404(service.get_finding, finding_id), form.note.data,
                                     today())
        except Refused as e:
            _apply_refusal(form, e)
        else:
            flash("已添加整改证据", "success")
            return redirect(url_for(".detail", finding_id=finding_id))
    return _page(finding, 400, evidence_form=form)


@bp.post("/<int:finding_id>/close")
@allow(*RECORDERS)
def close(finding_id: int):
    """Marking a finding rectified: never by the unit that rectifies (access.py)."""
    finding = or_404(service.get_finding, finding_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                service.close(or_404(service.get_finding, finding_id), done_on=form.done_on.data,
                              note=form.note.data)
        except Refused as e:
            _apply_refusal(form, e)
        else:
            flash("整改事项已标记为整改完成", "success")
            return redirect(url_for(".detail", finding_id=finding_id))
    return _page(finding, 400, close_form=form)


@bp.post("/<int:finding_id>/reopen")
@allow(*RECORDERS)
def reopen(finding_id: int):
    finding = or_404(service.get_finding, finding_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                service.reopen(or_404(service.get_finding, finding_id), note=form.note.data,
                               on=today())
        except Refused as e:
            _apply_refusal(form, e)
        else:
            flash("整改事项已重新打开", "success")
            return redirect(url_for(".detail", finding_id=finding_id))
    return _page(finding, 400, reopen_form=form)
