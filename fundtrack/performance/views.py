"""绩效目标 of a project: add an indicator, record its actual value (linked from the
project page, where the indicators are listed)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import READ, allow
from ..clock import today
from ..database import unit_of_work
from ..enums import NO, YES, Role
from ..errors import Refused
from ..forms import show_refusal
from ..ledger import LedgerFilter
from ..ledger.dashboard import filter_choices
from ..projects.queries import plan_years
from ..projects.service import get_project
from ..web import or_404
from . import service
from .evaluation import self_evaluation
from .forms import ActualForm, TargetForm

#: Who may keep targets: admin, finance, the manager of the project's own unit.
WRITERS = (Role.ADMIN, Role.FINANCE, Role.MANAGER)

bp = Blueprint("performance", __name__, url_prefix="/projects")


def _project(code: str):
    project = or_404(get_project, code)
    if not service.may_edit(current_user, project):
        abort(403)
    return project


def _back(code: str):
    return redirect(url_for("projects.detail", code=code, _anchor="targets"))


@bp.route("/<code>/targets/new", methods=["GET", "POST"])
@allow(*WRITERS)
def new_target(code: str):
    """添加绩效目标."""
    project = _project(code)
    form = TargetForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            form.form_errors.append("页面已过期,请重新提交")
            status = 400
        else:
            try:
                with unit_of_work(current_user.username):
                    item = service.add_target(
                        get_project(code), category=form.category.data, name=form.name.data,
                        measure=form.measure.data, target=form.target.data)
                    name = item.name
            except Refused as e:
                show_refusal(form, e)
                status = 409 if e.conflict else 422
            else:
                flash(f"已添加绩效目标「{name}」", "success")
                return _back(code)
    return render_template("performance/target_form.html", form=form, project=project,
                           item=None), status


@bp.route("/<code>/targets/<int:target_id>", methods=["GET", "POST"])
@allow(*WRITERS)
def actual(code: str, target_id: int):
    """填写实际值: the actual value, whether the target was met, why not."""
    project = _project(code)
    item = or_404(service.get_target, project, target_id)
    form = ActualForm()
    status = 200
    if request.method == "GET":
        form.actual.data, form.gap_reason.data = item.actual, item.gap_reason
        form.met.data = NO if item.met is False else YES
    elif not form.validate_on_submit():
        form.form_errors.append("页面已过期,请重新提交")
        status = 400
    else:
        try:
            with unit_of_work(current_user.username):
                changed = service.record_actual(
                    service.get_target(get_project(code), target_id), actual=form.actual.data,
                    met=form.met.data, gap_reason=form.gap_reason.data)
        except Refused as e:
            show_refusal(form, e)
            status = 409 if e.conflict else 422
        else:
            flash("已保存绩效目标的实际值" if changed else "没有修改", "success")
            return _back(code)
    return render_template("performance/target_form.html", form=form, project=project,
                           item=item), status


@bp.get("/evaluation")
@allow(*READ)
def evaluation():
    """绩效自评: for a year, each project's indicators (met, not met, not yet evaluated,
    why not) and the totals per 责任单位; printable."""
    years = plan_years()
    unit = request.args.get("unit") or None
    options = filter_choices()
    try:
        year = int(request.args["year"]) if request.args.get("year") else \
            (years[0] if years else today().year)
    except ValueError:
        return render_template("performance/evaluation.html", error="年度应为数字,如 2025",
                               year=None, years=years, unit=unit, units=options["units"],
                               report=None), 400
    report = self_evaluation(today(), LedgerFilter(project_year=year, unit=unit))
    return render_template("performance/evaluation.html", error=None, year=year, years=years,
                           unit=unit, units=options["units"], report=report)
