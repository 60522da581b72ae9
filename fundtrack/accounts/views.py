"""Signing in and out (the browser), and 我的账户: a signed-in user's own password and
API tokens. API tokens are read in ``load_user_from_request``.

A browser session is a row of ``user_session`` (accounts.service): the signed cookie
carries its key, every request must find the row, sign-out deletes it. A cookie copied
before sign-out therefore signs in nobody afterwards.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from ..access import READ, allow, public
from ..database import read_only, unit_of_work
from ..errors import NotFound, Refused
from ..extensions import db, login_manager
from . import passwords, service, throttle

bp = Blueprint("accounts", __name__)

#: The session's key for its server-side row.
SESSION_KEY = "sid"


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])


class PasswordForm(FlaskForm):
    """A signed-in user changes their own password."""

    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码"),
                                                 passwords.Strong()])
    confirm = PasswordField("确认新密码", validators=[
        DataRequired("请再次输入新密码"), EqualTo("password", "两次输入的密码不一致")])


@login_manager.user_loader
def load_user(user_id: str):
    return service.user_for_session(user_id, session.get(SESSION_KEY))


@login_manager.request_loader
def load_user_from_request(req):
    token = bearer_token(req)
    return service.user_for_token(token) if token else None


def bearer_token(req) -> str | None:
    """The token of an ``Authorization: Bearer …`` header ("" when the header names
    none), or None when the request has no bearer header."""
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in. Repeated failures lock the name and the address a while (throttle.py).

    At sign-in the session is emptied before the user is put in it, so nothing from
    before (a planted value, the old CSRF token) survives: the signed session cookie
    changes whole (session fixation). Signing out ends the session on the server.
    """
    form = LoginForm()
    if form.validate_on_submit():
        username, address = form.username.data, request.remote_addr
        with unit_of_work(username):
            attempt = throttle.begin(username, address)
        if isinstance(attempt, int):
            flash(throttle.wait_text(attempt), "error")
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(attempt)}
        with read_only():  # the hash is checked holding no lock
            user = service.authenticate(username, form.password.data)
            db.session.rollback()
        if user is not None:
            with unit_of_work(username):
                throttle.succeeded(attempt)
                key = service.start_session(user)
                session.clear()
                session[SESSION_KEY] = key
                login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("用户名或密码错误", "error")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    key = session.get(SESSION_KEY)
    actor = current_user.username if current_user.is_authenticated else "匿名"
    with unit_of_work(actor):
        service.end_session(key)
    session.clear()
    logout_user()
    return redirect(url_for("accounts.login"))


# --- 我的账户 ------------------------------------------------------------------------------


def _account_page(form: PasswordForm | None = None, status: int = 200):
    return render_template(
        "accounts/account.html", form=form or PasswordForm(formdata=None),
        tokens=service.list_tokens(current_user), now=service.now(),
        rule=passwords.RULE_TEXT), status


@bp.get("/account")
@allow(*READ)
def account():
    return _account_page()


@bp.post("/account/password")
@allow(*READ)
def change_password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _account_page(form, 422)
    try:
        with unit_of_work(current_user.username):
            service.change_own_password(current_user, form.current.data, form.password.data,
                                        session_key=session.get(SESSION_KEY))
    except Refused as e:
        target = getattr(form, e.field, None) if e.field in ("current", "password") else None
        (target.errors if target is not None else form.form_errors).append(e.message)
        return _account_page(form, 422)
    flash("密码已修改;您在其他设备上的登录已全部退出", "success")
    return redirect(url_for(".account"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@allow(*READ)
def revoke_own_token(token_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work(current_user.username):
            token = service.get_token(token_id)
            if token.user_id != current_user.id:
                raise NotFound("", "token")
            service.revoke_token(token)
            name = token.name
    except NotFound:
        abort(404)
    except Refused as e:
        flash(e.message, "error")
        return redirect(url_for(".account"))
    flash(f"已吊销令牌「{name}」", "success")
    return redirect(url_for(".account"))
