"""Signing in and out (the browser); API tokens are read in ``load_user_from_request``."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..access import public
from ..database import unit_of_work
from ..extensions import db, login_manager
from . import throttle
from .models import User
from .service import authenticate, user_for_token

bp = Blueprint("accounts", __name__)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


@login_manager.request_loader
def load_user_from_request(req):
    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return user_for_token(header[len("Bearer "):].strip())
    return None


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
    changes whole (session fixation). Signing out empties it too.
    """
    form = LoginForm()
    if form.validate_on_submit():
        username, address = form.username.data, request.remote_addr
        wait = throttle.locked_for(username, address)
        if wait is not None:
            flash(throttle.wait_text(wait), "error")
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        user = authenticate(username, form.password.data)
        if user is not None:
            with unit_of_work(username):
                throttle.clear_failures(username)
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        with unit_of_work(username):
            throttle.note_failure(username, address)
        flash("用户名或密码错误", "error")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    session.clear()
    logout_user()
    return redirect(url_for("accounts.login"))
