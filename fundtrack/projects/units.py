"""责任单位: the admin's list of responsible units (name, kind, contact).

Units are kept on purpose here; project forms choose from this list, so a typo never
creates a unit. A unit is renamed in place: projects and users point at its id.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice as C

from ..access import ADMIN, allow
from ..accounts.models import User
from ..database import unit_of_work
from ..enums import UnitKind
from ..errors import Refused
from ..extensions import db
from . import service
from .models import Project, Unit

bp = Blueprint("units", __name__, url_prefix="/units")


class UnitForm(FlaskForm):
    name = StringField("单位名称")
    kind = SelectField("类型", choices=[C("", "(未填)"), *(C(k.label) for k in UnitKind)],
                       validate_choice=False)
    contact = StringField("联系人及电话")


def _rows(kind: str | None):
    projects = (select(Project.unit_id, func.count().label("n"))
                .group_by(Project.unit_id).subquery())
    users = select(User.unit_id, func.count().label("n")).group_by(User.unit_id).subquery()
    stmt = (select(Unit, func.coalesce(projects.c.n, 0), func.coalesce(users.c.n, 0))
            .outerjoin(projects, projects.c.unit_id == Unit.id)
            .outerjoin(users, users.c.unit_id == Unit.id)
            .order_by(Unit.kind, Unit.name))
    if kind:
        try:
            stmt = stmt.where(Unit.kind == UnitKind.from_text(kind))
        except ValueError:
            pass
    return db.session.execute(stmt).all()


def _show(form: UnitForm, e: Refused) -> None:
    field = form._fields.get(e.field) if e.field else None
    if field is not None:
        field.errors = [*field.errors, e.message]
    else:
        form.form_errors.append(e.message)


@bp.route("/", methods=["GET", "POST"])
@allow(*ADMIN)
def index():
    form = UnitForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            form.form_errors.append("页面已过期,请重新提交")
            status = 400
        else:
            try:
                with unit_of_work(current_user.username):
                    name = service.create_unit(form.name.data, kind=form.kind.data,
                                               contact=form.contact.data).name
            except Refused as e:
                _show(form, e)
                status = 409 if e.conflict else 422
            else:
                flash(f"已添加责任单位「{name}」", "success")
                return redirect(url_for(".index"))
    kind = request.args.get("kind") or None
    return render_template("projects/units.html", form=form, rows=_rows(kind), kind=kind,
                           kinds=UnitKind.labels()), status


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@allow(*ADMIN)
def edit(unit_id: int):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    form = UnitForm()
    status = 200
    if request.method == "GET":
        form.name.data, form.contact.data = unit.name, unit.contact
        form.kind.data = unit.kind.label if unit.kind else ""
    elif not form.validate_on_submit():
        form.form_errors.append("页面已过期,请重新提交")
        status = 400
    else:
        try:
            with unit_of_work(current_user.username):
                changed = service.update_unit(db.session.get(Unit, unit_id),
                                              name=form.name.data, kind=form.kind.data,
                                              contact=form.contact.data)
        except Refused as e:
            _show(form, e)
            status = 409 if e.conflict else 422
        else:
            flash("已保存责任单位" if changed else "没有修改", "success")
            return redirect(url_for(".index"))
    return render_template("projects/unit_form.html", form=form, unit=unit), status
