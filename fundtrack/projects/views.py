"""项目库: the project table (from the 项目台账 report) and the project page."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..access import READ, allow
from ..clock import today
from ..dates import parse_date
from ..errors import Refused
from ..funds.queries import channel_choices, payments_of
from ..funds.service import project_payment_warnings
from ..ledger import LedgerFilter, allocation_ledger, project_ledger
from ..ledger.params import parse_ledger_query
from ..milestones.queries import milestone_states
from ..milestones.schedule import timeline
from ..paging import DEFAULT_PER_PAGE
from ..web import can_open, or_404
from .forms import filter_form, read_milestone_filters
from .service import get_project

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
        channel_choices=channel_choices() if can_open("funds.allocate_for") else [],
    )
