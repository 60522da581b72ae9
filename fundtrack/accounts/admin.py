"""用户管理 (admin only): list users, create one, change name, role and unit, reset a
password, deactivate and reactivate, issue API tokens; 接口令牌: every user's tokens,
each revocable. Every change goes through accounts.service, which records it in the
change history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from ..access import ADMIN, allow
from ..database import unit_of_work
from ..enums import Role
from ..errors import NotFound, Refused
from ..web import or_404
from . import passwords, service

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_CHOICES = [(r.value, r.label) for r in Role]
NEW_UNIT_LABEL = "新建该责任单位(名称不在已有单位中时勾选)"


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in ROLE_CHOICES]


def _name_field():
    return StringField("姓名", validators=[
        Optional(), Length(max=service.NAME_MAX,
                           message=f"姓名不能超过 {service.NAME_MAX} 个字符")])


def _unit_field():
    return StringField("责任单位", validators=[
        Optional(), Length(max=100, message="责任单位名称不能超过 100 个字符")])


class CreateUserForm(FlaskForm):
    username = StringField("用户名", validators=[
        DataRequired("请输入用户名"), Length(max=80, message="用户名不能超过 80 个字符")])
    name = _name_field()
    role = SelectField("角色", choices=_role_choices, default=Role.VIEWER.value)
    unit = _unit_field()
    new_unit = BooleanField(NEW_UNIT_LABEL)
    password = PasswordField("密码", validators=[
        DataRequired("请输入密码"), passwords.Strong("username")])
    confirm = PasswordField("确认密码", validators=[
        DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")])


class UpdateUserForm(FlaskForm):
    name = _name_field()
    role = SelectField("角色", choices=_role_choices)
    unit = _unit_field()
    new_unit = BooleanField(NEW_UNIT_LABEL)


class ResetPasswordForm(FlaskForm):
    password = PasswordField("新密码", validators=[
        DataRequired("请输入新密码"), passwords.Strong()])
    confirm = PasswordField("确认新密码", validators=[
        DataRequired("请再次输入新密码"), EqualTo("password", "两次输入的密码不一致")])


class _DaysField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("有效天数应为整数") from None


class TokenForm(FlaskForm):
    name = StringField("令牌名称", validators=[
        Optional(), Length(max=100, message="令牌名称不能超过 100 个字符")])
    days = _DaysField("有效天数", validators=[
        Optional(), NumberRange(1, service.TOKEN_MAX_DAYS,
                                f"有效天数应为 1 至 {service.TOKEN_MAX_DAYS} 天")])


class ActiveForm(FlaskForm):
    active = HiddenField()


def _errors(form) -> str:
    return ";".join(str(e) for errs in form.errors.values() for e in errs)


def _page(form: CreateUserForm | None = None, row_errors: dict | None = None, status=200):
    return render_template(
        "admin/users.html",
        users=service.list_users(),
        unit_names=service.unit_names(),
        form=form or CreateUserForm(formdata=None),
        roles=ROLE_CHOICES,
        row_errors=row_errors or {},
        rule=passwords.RULE_TEXT,
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
            user = service.create_user(form.username.data, role, unit=unit,
                                       password=form.password.data, name=form.name.data,
                                       new_unit=form.new_unit.data)
            name = user.username
    except Refused as e:
        target = getattr(form, e.field, None) \
            if e.field in ("username", "unit", "name", "password") else None
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
    user = or_404(service.get_user_by_id, user_id)
    form = UpdateUserForm()
    if not form.validate_on_submit():
        return _page(row_errors={user_id: _errors(form)}, status=422)
    try:
        with unit_of_work(current_user.username):
            service.update_user(user, role=Role(form.role.data), unit=form.unit.data,
                                name=form.name.data, new_unit=form.new_unit.data)
            name, label = user.username, user.role.label
    except Refused as e:
        return _page(row_errors={user_id: e.message}, status=422)
    flash(f"已保存用户「{name}」:{label}", "success")
    return redirect(url_for(".users"))


def _password_page(user, form, status=200):
    return render_template("admin/password.html", user=user, form=form,
                           rule=passwords.RULE_TEXT), status


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@allow(*ADMIN)
def reset_password(user_id: int):
    """An admin sets another user's password (they forgot it); the user's sessions end."""
    user = or_404(service.get_user_by_id, user_id)
    form = ResetPasswordForm()
    form.target_username = user.username
    if not form.is_submitted():
        return _password_page(user, form)
    if not form.validate_on_submit():
        return _password_page(user, form, 422)
    try:
        with unit_of_work(current_user.username):
            service.set_password(user, form.password.data)
            name = user.username
    except Refused as e:
        form.password.errors.append(e.message)
        return _password_page(user, form, 422)
    flash(f"已重设用户「{name}」的密码,其已登录的会话均已退出", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/active")
@allow(*ADMIN)
def set_active(user_id: int):
    user = or_404(service.get_user_by_id, user_id)
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
    user = or_404(service.get_user_by_id, user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(row_errors={user_id: _errors(form)}, status=422)
    try:
        with unit_of_work(current_user.username):
            issued = service.issue_token(user, form.name.data, form.days.data)
            name = user.username
    except Refused as e:
        return _page(row_errors={user_id: e.message}, status=422)
    response = render_template("admin/token.html", username=name, token=issued)
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/tokens")
@allow(*ADMIN)
def tokens():
    return render_template("admin/tokens.html", tokens=service.list_tokens(),
                           now=service.now())


@bp.post("/tokens/<int:token_id>/revoke")
@allow(*ADMIN)
def revoke_token(token_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work(current_user.username):
            token = service.revoke_token(service.get_token(token_id))
            name, owner = token.name, token.user.username
    except NotFound:
        abort(404)
    except Refused as e:
        flash(e.message, "error")
        return redirect(url_for(".tokens"))
    flash(f"已吊销用户「{owner}」的令牌「{name}」", "success")
    return redirect(url_for(".tokens"))
