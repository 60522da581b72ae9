"""资金 and 支出: the channels with their figures, a channel's page (arrivals, the projects
it funds, its payments), the clerk's payment form and reversals.

Views are thin: read a form, call ``funds.service`` inside one unit of work, redirect
(post/redirect/get). A refusal goes back onto the form next to the field it names and
nothing is written. Figures come from the ledger module; the payment lists from
funds.queries, a fixed number of statements per page.

The blueprint and what both screens share; the routes are in channels.py (资金) and
payments.py (支出), registered on the same blueprint.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from ...clock import today
from ...dates import parse_date
from ...errors import Refused
from ...extensions import db
from ...paging import apply_sort
from ...projects.models import Project
from ...web import can_open
from .. import queries
from ..models import Allocation, Disbursement, FundSource

bp = Blueprint("funds", __name__, url_prefix="/funds")

PER_PAGE = 50
#: The channel page holds two paged tables: shorter pages.
SOURCE_PAGE_ROWS = 20


# --- helpers ---------------------------------------------------------------------------


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


def _sorted_payments(stmt, sort: str | None):
    """Newest first unless a column is asked for."""
    return apply_sort(stmt, sort, queries.PAYMENT_SORTS, Disbursement.paid_on.desc(),
                      Disbursement.id.desc())


from . import channels, payments  # noqa: E402, F401  the routes, on bp
