"""节点: the milestones of a unit's projects, setting an actual date in one step, the
full edit of a project's milestones, and back-scheduling (倒排工期).

Anyone signed in reads the list; only a manager of the project's own unit, or an admin,
changes a project's milestones (``Project.milestones_editable_by``, as the API does).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import MILESTONES, READ, allow
from ..clock import today
from ..database import unit_of_work
from ..enums import MilestoneKind, Role
from ..errors import Refused
from ..extensions import db
from ..ledger import LedgerFilter, project_ledger
from ..ledger.dashboard import filter_choices
from ..paging import page_args, paginate
from ..projects.models import Project, Unit
from ..projects.service import get_project
from ..settings.service import get_durations
from ..web import or_404
from .forms import DeadlineForm, DoneForm, EditForm, ScheduleForm, field_name
from .models import Milestone
from .queries import adjustments as adjustment_rows
from .queries import milestone_states, next_milestones
from .schedule import DEADLINE_KIND, propose
from .service import milestones_of, set_milestone

bp = Blueprint("milestones", __name__, url_prefix="/milestones")


# --- loading and access ---------------------------------------------------------------


def _editable_project(code: str) -> Project:
    """The project, if the current user may change its milestones: 404, else 403."""
    project = or_404(get_project, code)
    if not project.milestones_editable_by(current_user):
        abort(403)
    return project


def _safe_next(target: str | None) -> str:
    """A path of this site to go back to; anything else (another host) goes to the list."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not urlsplit(target).netloc:
        return target
    return url_for(".index")


# --- the list -----------------------------------------------------------------------------


@bp.get("/")
@allow(*READ)
def index():
    as_of = today()
    page, per_page = page_args(request.args)
    overdue_only = request.args.get("overdue", "") not in ("", "0")
    search = (request.args.get("q") or "").strip() or None
    manager = current_user.role == Role.MANAGER
    if manager:
        unit = current_user.unit.name if current_user.unit else None
        units = []
    else:
        unit = request.args.get("unit") or None
        units = list(db.session.scalars(select(Unit.name).order_by(Unit.name)))
    report, error = None, None
    if manager and unit is None:
        error = "您的账号没有关联责任单位,请联系系统管理员"
    else:
        try:
            report = project_ledger(
                as_of, LedgerFilter(unit=unit, search=search, overdue_only=overdue_only),
                page=page, per_page=per_page,
                sort=request.args.get("sort") or "-max_days_overdue",
            )
        except Refused as e:
            error = e.message
    return render_template(
        "milestones/index.html",
        as_of=as_of,
        report=report,
        error=error,
        next_of=next_milestones(report.rows, as_of) if report else {},
        units=units,
        unit=unit,
        manager=manager,
        may_edit=current_user.role in MILESTONES,
        back=request.full_path,
    )


# --- one step: an actual date -----------------------------------------------------------


@bp.post("/<code>/<kind>/done")
@allow(*MILESTONES)
def done(code: str, kind: str):
    project = _editable_project(code)
    milestone_kind = or_404(MilestoneKind.from_text, kind, missing=ValueError)
    form = DoneForm()
    back = _safe_next(form.next.data)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(f"「{code}」{milestone_kind.label}:{message}", "error")
        return redirect(back)
    try:
        with unit_of_work(current_user.username):
            set_milestone(project, milestone_kind, done_on=form.done_on.data)
    except Refused as e:
        flash(f"「{code}」未保存:{e.message}", "error")
    else:
        flash(f"项目「{code}」的「{milestone_kind.label}」已完成,实际日期 "
              f"{form.done_on.data.isoformat()}", "success")
    return redirect(back)


# --- the full edit ------------------------------------------------------------------------


def _save_order(current: dict[MilestoneKind, Milestone], changes: dict) -> list[MilestoneKind]:
    """An order in which the changed milestones can be saved one by one so that each
    step keeps the actual dates in order (invariant 7) whenever the final state does:
    dates cleared first, then dates moved earlier (along the order), then dates moved
    later (against the order), then new dates."""
    other, cleared, earlier, later, new = [], [], [], [], []
    for kind, values in changes.items():
        if "done_on" not in values:
            other.append(kind)
            continue
        old = current[kind].done_on if kind in current else None
        value = values["done_on"]
        if value is None:
            cleared.append(kind)
        elif old is None:
            new.append(kind)
        elif value < old:
            earlier.append(kind)
        else:
            later.append(kind)

    def by_order(kinds, reverse=False):
        return sorted(kinds, key=lambda k: k.value, reverse=reverse)

    return [*other, *by_order(cleared), *by_order(earlier), *by_order(later, reverse=True),
            *by_order(new)]


def _changes(form: EditForm, current: dict[MilestoneKind, Milestone]) -> dict:
    changes = {}
    for kind, entry in form.entries():
        m = current.get(kind)
        values = {}
        for key in ("planned_on", "done_on", "note"):
            value = entry[key].data
            if (getattr(m, key) if m is not None else None) != value:
                values[key] = value
        if values and not (m is None and all(v is None for v in values.values())):
            changes[kind] = values
    return changes


@bp.route("/<code>/edit", methods=["GET", "POST"])
@allow(*MILESTONES)
def edit(code: str):
    project = _editable_project(code)
    current = {m.kind: m for m in milestones_of(project)}
    if request.method == "POST":
        form = EditForm()
    else:
        form = EditForm(data={field_name(kind): m for kind, m in current.items()})
    if form.validate_on_submit():
        changes = _changes(form, current)
        at = None
        try:
            with unit_of_work(current_user.username):
                for at in _save_order(current, changes):
                    set_milestone(project, at, **changes[at], reason=form.reason.data)
        except Refused as e:
            entry = form[field_name(at)]
            target = entry.form._fields.get(e.field) if e.field else None
            if e.field == "reason":
                target = form.reason
            if target is None:
                target = entry["done_on"]
            target.errors = [*target.errors, e.message]
            form.form_errors.append(f"「{at.label}」:{e.message}。未保存任何更改。")
        else:
            flash(f"已保存项目「{project.code}」的节点" if changes else "节点没有变化",
                  "success")
            return redirect(url_for("projects.detail", code=project.code) + "#milestones")
    return render_template("milestones/edit.html", project=project, form=form)


# --- back-scheduling (倒排工期) -------------------------------------------------------------


@bp.route("/<code>/schedule", methods=["GET", "POST"])
@allow(*MILESTONES)
def schedule(code: str):
    project = _editable_project(code)
    as_of = today()
    states = {s.kind: s for s in milestone_states(project, as_of)}
    durations = get_durations()

    deadline_form = DeadlineForm(formdata=request.args if "deadline" in request.args else None)
    deadline = None
    if "deadline" in request.args:
        if deadline_form.validate():
            deadline = deadline_form.deadline.data
    elif DEADLINE_KIND in states and states[DEADLINE_KIND].planned_on:
        deadline = deadline_form.deadline.data = states[DEADLINE_KIND].planned_on
    proposal = None
    if deadline is not None:
        try:
            proposal = propose(deadline, durations)
        except ValueError as e:
            deadline_form.deadline.errors = [*deadline_form.deadline.errors, str(e)]

    form = ScheduleForm()
    if form.validate_on_submit():
        changes = {}
        for kind, f in form.planned():
            old = states[kind].planned_on if kind in states else None
            if old != f.data and not (kind not in states and f.data is None):
                changes[kind] = f.data
        try:
            with unit_of_work(current_user.username):
                for kind, planned_on in changes.items():
                    set_milestone(project, kind, planned_on=planned_on)
        except Refused as e:
            form.form_errors.append(e.message)
        else:
            flash(f"已保存项目「{project.code}」{len(changes)} 个节点的计划日期", "success")
            return redirect(url_for("projects.detail", code=project.code) + "#milestones")
    elif not form.is_submitted():
        for kind, f in form.planned():
            s = states.get(kind)
            done = s is not None and s.done
            f.data = proposal[kind] if proposal and not done else (s.planned_on if s else None)
    return render_template(
        "milestones/schedule.html",
        project=project,
        form=form,
        deadline_form=deadline_form,
        deadline=deadline,
        proposal=proposal,
        states=states,
        durations=durations,
    )


#: Who see the county's plan adjustments in one list: the county (admin, finance), its
#: auditors and its leaders.
ADJUSTMENT_READERS = (Role.ADMIN, Role.FINANCE, Role.AUDITOR, Role.VIEWER)


@bp.get("/adjustments")
@allow(*ADJUSTMENT_READERS)
def adjustments():
    """计划调整: every moved planned date of the county (who, when, old, new, why),
    filtered by unit and project, a page at a time."""
    args = request.args
    page, per_page = page_args(args)
    rows = paginate(adjustment_rows(unit=args.get("unit") or None,
                                    project=(args.get("project") or "").strip() or None),
                    page, per_page, scalars=False)
    return render_template("milestones/adjustments.html", rows=rows, args=args,
                           units=filter_choices()["units"])
