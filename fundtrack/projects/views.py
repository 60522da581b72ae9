"""项目库: the project table (from the 项目台账 report) and the project page."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import sheets
from ..access import READ, allow
from ..assets import service as assets
from ..clock import today
from ..contracts.service import contracts_of
from ..database import unit_of_work
from ..dates import parse_date
from ..enums import NO, YES, ProjectStatus, Role
from ..errors import Refused
from ..funds.queries import channel_choices, payments_of
from ..funds.service import project_payment_warnings
from ..ledger import LedgerFilter, allocation_ledger, project_ledger
from ..ledger.contracts import project_figures
from ..ledger.params import parse_ledger_query
from ..milestones.queries import milestone_states
from ..milestones.schedule import timeline
from ..milestones.service import adjustments_of
from ..paging import DEFAULT_PER_PAGE
from ..performance import service as performance
from ..performance.queries import targets_of_year
from ..web import can_open, or_404
from ..workbook.reading import read_record
from . import queries, service
from .forms import ProjectForm, filter_form, read_milestone_filters, unit_choices
from .service import get_project

#: Who may create and edit projects: admin and finance any, a manager their own unit's.
PROJECT_WRITERS = (Role.ADMIN, Role.FINANCE, Role.MANAGER)

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/")
@allow(*READ)
def index():
    form = filter_form(request.args)
    money_unit = "wan" if request.args.get("money") == "wan" else "yuan"
    try:
        query = parse_ledger_query(request.args, default_per_page=DEFAULT_PER_PAGE)
        filt = dataclasses.replace(query.filt, **read_milestone_filters(request.args))
        report = project_ledger(query.as_of, filt, page=query.page, per_page=query.per_page,
                                sort=query.sort)
    except Refused as e:
        return render_template("projects/index.html", form=form, error=e.message,
                               report=None, money_unit=money_unit), 400
    if not form.as_of.data:
        form.as_of.data = query.as_of
    return render_template("projects/index.html", form=form, report=report, error=None,
                           money_unit=money_unit)


@bp.get("/<code>")
@allow(*READ)
def detail(code: str):
    project = or_404(get_project, code)
    error = None
    try:
        as_of = parse_date(request.args["as_of"], "as_of") if request.args.get("as_of") \
            else today()
    except Refused as e:
        error, as_of = e.message, today()
    channels = allocation_ledger(as_of, LedgerFilter(project_code=project.code))
    payments = payments_of(project)
    warnings = project_payment_warnings(
        project, [row.payment for row in payments if row.payment.reverses_id is None])
    return render_template(
        "projects/detail.html",
        project=project,
        as_of=as_of,
        error=error,
        channels=channels,
        payments=payments,
        warnings=warnings,
        timeline=timeline(milestone_states(project, as_of), as_of),
        can_edit=project.milestones_editable_by(current_user),
        can_edit_project=project.editable_by(current_user),
        adjustments=adjustments_of(project),
        targets=performance.targets_of(project),
        can_edit_targets=performance.may_edit(current_user, project),
        may_record_actuals=project.status in performance.EVALUATED,
        handovers=assets.handovers_of(project),
        settled_on=assets.settled_on(project),
        can_hand_over=assets.may_hand_over(current_user, project),
        steps=[(to, service.STEP_WORDS[to]) for to in service.STEPS[project.status]
               if service.may_change_status(current_user, project, to)],
        channel_choices=channel_choices() if can_open("funds.allocate_for") else [],
        contracts=contracts_of(project),
        contract_money=project_figures(project.id, as_of),
    )


def _refusal_status(e: Refused) -> int:
    return 409 if e.conflict else 422


@bp.route("/new", methods=["GET", "POST"])
@allow(*PROJECT_WRITERS)
def new():
    """登记项目 (申报 for a manager: the project starts as 储备)."""
    form = ProjectForm()
    form.unit.choices = unit_choices(current_user)
    manager = current_user.role == Role.MANAGER
    status = 200
    if request.method == "GET":
        form.year.data = str(today().year)
        form.status.data = service.initial_status(current_user, None).label
    elif not form.validate_on_submit():
        form.form_errors.append("页面已过期,请重新提交")
        status = 400
    else:
        values, errors = read_record(sheets.PROJECTS, form.raw())
        if not errors:
            try:
                with unit_of_work(current_user.username):
                    unit = service.get_unit(values["unit"])
                    if not service.may_create_for(current_user, unit):
                        raise Refused("只能为本单位申报项目", "unit")
                    project = service.create_project(
                        code=values["project_code"], name=values["name"],
                        year=values["year"], township=values["township"], unit=unit,
                        total_investment=values["total_investment"],
                        category=values["category"], village=values["village"],
                        responsible_person=values["responsible_person"],
                        phone=values["phone"], scope=values["scope"],
                        priority=bool(values["priority"]),
                        status=service.initial_status(current_user, values["status"]),
                    )
                    code, label = project.code, project.status.label
            except Refused as e:
                errors = {e.field: e.message}
                status = _refusal_status(e)
            else:
                flash(f"已登记项目「{code}」(状态:{label})", "success")
                return redirect(url_for(".detail", code=code))
        else:
            status = 422
        form.show(errors)
    return render_template("projects/form.html", form=form, project=None,
                           status_editable=not manager), status


@bp.route("/<code>/edit", methods=["GET", "POST"])
@allow(*PROJECT_WRITERS)
def edit(code: str):
    """修改项目: every field of the 项目 sheet but the code and the status."""
    project = or_404(get_project, code)
    if not project.editable_by(current_user):
        abort(403)
    form = ProjectForm(obj=None)
    form.unit.choices = unit_choices(current_user)
    status = 200
    if request.method == "GET":
        for key in service.EDITABLE:
            value = getattr(project, key)
            if key == "unit":
                value = project.unit.name
            elif key == "priority":
                value = YES if value else NO
            elif value is not None:
                value = str(value)
            form[key].data = value
    elif not form.validate_on_submit():
        form.form_errors.append("页面已过期,请重新提交")
        status = 400
    else:
        raw = {**form.raw(), "project_code": project.code, "status": project.status.label}
        values, errors = read_record(sheets.PROJECTS, raw)
        if not errors:
            try:
                with unit_of_work(current_user.username):
                    changes = {k: values[k] for k in service.EDITABLE}
                    changes["unit"] = service.get_unit(values["unit"])
                    changed = service.update_project(get_project(code), changes,
                                                     user=current_user)
            except Refused as e:
                errors = {e.field: e.message}
                status = _refusal_status(e)
            else:
                flash("已保存项目的修改" if changed else "没有修改", "success")
                return redirect(url_for(".detail", code=code))
        else:
            status = 422
        form.show(errors)
    form.project_code.data = project.code
    return render_template("projects/form.html", form=form, project=project,
                           status_editable=False), status


@bp.post("/<code>/status")
@allow(*PROJECT_WRITERS)
def change_status(code: str):
    """审定, 实施, 完工, 终止: one step of the project's status."""
    project = or_404(get_project, code)
    try:
        to = ProjectStatus.from_text(request.form.get("to", ""))
    except ValueError:
        abort(400)
    if not service.may_change_status(current_user, project, to):
        abort(403)
    try:
        with unit_of_work(current_user.username):
            service.change_status(get_project(code), to, user=current_user,
                                  reason=request.form.get("reason"))
    except Refused as e:
        flash(e.message, "error")
    else:
        flash(f"项目「{code}」已{service.STEP_WORDS[to]}", "success")
    return redirect(url_for(".detail", code=code))


@bp.get("/plan")
@allow(*READ)
def plan():
    """年度计划: the year's approved projects (计划 and later), with their investment and
    the channels funding them; printable."""
    years = queries.plan_years()
    try:
        year = int(request.args["year"]) if request.args.get("year") else \
            (years[0] if years else today().year)
    except ValueError:
        return render_template("projects/plan.html", error="年度应为数字,如 2025",
                               year=None, years=years, report=None), 400
    as_of = today()
    # the ledgers' scope (every project not 储备) of the year, whatever year its money
    filt = LedgerFilter(project_year=year)
    report = project_ledger(as_of, filt, sort="unit")
    channels: dict[str, list] = {}
    for row in allocation_ledger(as_of, filt).rows:
        if row["allocated"]:
            channels.setdefault(row["project_code"], []).append(row)
    return render_template("projects/plan.html", error=None, year=year, years=years,
                           report=report, channels=channels, as_of=as_of,
                           statuses=queries.statuses_of(year), targets=targets_of_year(year))
