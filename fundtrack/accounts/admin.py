"""用户管理 (admin only): list users, create one, change role and unit, deactivate and
reactivate, issue an API token. Every change goes through accounts.service, which
records it in the change history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..access import ADMIN, allow
from ..database import unit_of_work
from ..enums import Role
from ..errors import NotFound, Refused
from . import service

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in ROLE_CHOICES]


class CreateUserForm(FlaskForm):
    username = StringField("用户名", validators=[
        DataRequired("请输入用户名"), Length(max=80, message="用户名不能超过 80 个字符")])
    role = SelectField("角色", choices=_role_choices, default=Role.VIEWER.value)
    unit = StringField("责任单位", validators=[
        Optional(), Length(max=100, message="责任单位名称不能超过 100 个字符")])
    password = PasswordField("密码", validators=[
        DataRequired("请输入密码"), Length(min=8, message="密码至少 8 个字符")])
    confirm = PasswordField("确认密码", validators=[
        DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")])


class UpdateUserForm(FlaskForm):
    role = SelectField("角色", choices=_role_choices)
    unit = StringField("责任单位", validators=[
        Optional(), Length(max=100, message="责任单位名称不能超过 100 个字符")])


class ActiveForm(FlaskForm):
    active = HiddenField()


def _user_or_404(user_id: int):
    try:
        return service.get_user_by_id(user_id)
    except NotFound:
        abort(404)


def _page(form: CreateUserForm | None = None, row_errors: dict | None = None, status=200):
    return render_template(
        "admin/users.html",
        users=service.list_users(),
        unit_names=service.unit_names(),
        form=form or CreateUserForm(formdata=None),
        roles=ROLE_CHOICES,
        row_errors=row_errors or {},
    ), status


@bp.get("/users")
@allow(*ADMIN)
def users():
    return _page()


@bp.post("/users/new")
@allow(*ADMIN)
def create():
    form = CreateUserForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    role, unit = Role(form.role.data), (form.unit.data or "").strip() or None
    try:
        with unit_of_work(current_user.username):
            service.check_role_unit(role, unit)
            user = service.create_user(form.username.data, role, unit=unit,
                                       password=form.password.data)
            name = user.username
    except Refused as e:
        target = getattr(form, e.field, None) if e.field in ("username", "unit") else None
        if target is not None:
            target.errors.append(e.message)
        else:
            form.form_errors.append(e.message)
        return _page(form, status=409 if e.conflict else 422)
    flash(f"已创建用户「{name}」({role.label})", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>")
@allow(*ADMIN)
def update(user_id: int):
    user = _user_or_404(user_id)
    form = UpdateUserForm()
    if not form.validate_on_submit():
        errors = [e for errs in form.errors.values() for e in errs]
        return _page(row_errors={user_id: ";".join(map(str, errors))}, status=422)
    try:
        with unit_of_work(current_user.username):
            service.update_user(user, role=Role(form.role.data), unit=form.unit.data)
            name, label = user.username, user.role.label
    except Refused as e:
        return _page(row_errors={user_id: e.message}, status=422)
    flash(f"已保存用户「{name}」:{label}", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/active")
@allow(*ADMIN)
def set_active(user_id: int):
    user = _user_or_404(user_id)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        abort(400)
    active = form.active.data == "1"
    try:
        with unit_of_work(current_user.username):
            service.update_user(user, active=active)
            name = user.username
    except Refused as e:
        return _page(row_errors={user_id: e.message}, status=422)
    flash(f"已{'启用' if active else '停用'}用户「{name}」", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/token")
@allow(*ADMIN)
def token(user_id: int):
    user = _user_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work(current_user.username):
            issued = service.issue_token(user)
            name = user.username
    except Refused as e:
        return _page(row_errors={user_id: e.message}, status=422)
    response = render_template("admin/token.html", username=name, token=issued)
    return response, 200, {"Cache-Control": "no-store"}
