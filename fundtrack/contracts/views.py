"""合同: registering a project's contract and correcting one (finance, admin). The
project page lists the contracts beside its money (projects/views.py)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import FINANCE, allow
from ..database import unit_of_work
from ..errors import Refused
from ..extensions import db
from ..forms import show_refusal
from ..projects.models import Project
from ..projects.service import get_project
from ..settings.percent import percent_text
from ..web import or_404
from . import service
from .forms import ContractForm
from .models import Contract

bp = Blueprint("contracts", __name__)


def _status(e: Refused) -> int:
    return 409 if e.conflict else 422


def _values(form: ContractForm) -> dict:
    return dict(contractor=form.contractor.data, amount=form.amount.data,
                signed_on=form.signed_on.data, tender_method=form.tender_method.data,
                retention_rate=form.retention_rate.data,
                retention_due_on=form.retention_due_on.data)


def _projects() -> list:
    return db.session.execute(select(Project.code, Project.name).order_by(Project.code)).all()


@bp.route("/projects/<code>/contracts/new", methods=["GET", "POST"])
@allow(*FINANCE)
def new(code: str):
    project = or_404(get_project, code)
    form = ContractForm()
    status = 200
    if not form.is_submitted():
        form.project_code.data = project.code
    elif form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                target = get_project(form.project_code.data)
                contract = service.register_contract(
                    target, contract_no=form.contract_no.data, **_values(form))
                no, target_code = contract.contract_no, target.code
        except Refused as e:
            show_refusal(form, e)
            status = _status(e)
        else:
            flash(f"已登记合同「{no}」", "success")
            return redirect(url_for("projects.detail", code=target_code, _anchor="contracts"))
    else:
        status = 422
    return render_template("contracts/form.html", form=form, project=project, contract=None,
                           projects=_projects()), status


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@allow(*FINANCE)
def edit(contract_id: int):
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        abort(404)
    project = contract.project
    form = ContractForm(obj=contract) if request.method == "GET" else ContractForm()
    status = 200
    if request.method == "GET":
        form.project_code.data = project.code
        form.retention_rate.data = (percent_text(contract.retention_rate)
                                    if contract.retention_rate is not None else None)
    else:
        form.contract_no.validators = ()  # the number is not changed: not read here
        form.contract_no.data = contract.contract_no
        if form.validate_on_submit():
            try:
                with unit_of_work(current_user.username):
                    contract = db.session.get(Contract, contract_id)
                    target = get_project(form.project_code.data)
                    changed = service.update_contract(
                        contract, {"project": target, **_values(form)})
                    target_code = target.code
            except Refused as e:
                show_refusal(form, e)
                status = _status(e)
            else:
                flash(f"已修改合同「{form.contract_no.data}」" if changed else "没有修改任何内容",
                      "success")
                return redirect(url_for("projects.detail", code=target_code,
                                        _anchor="contracts"))
        else:
            status = 422
    return render_template("contracts/form.html", form=form, project=project,
                           contract=contract, projects=_projects()), status
