"""The JSON API of CONTRACT.md (section HTTP), under /api/v1.

Every 4xx answer is ``{"errors": [{"field": F, "message": M}]}`` with M in Chinese; no
input makes it answer 500.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..errors import NotFound, Refused
from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_MESSAGES = {
    400: "请求格式错误",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "未找到",
    405: "不支持该请求方法",
    409: "与台账现有记录冲突",
    413: "上传内容过大",
    415: "请求内容应为 JSON",
    422: "输入无效",
}


def error(status: int, message: str | None = None, field: str | None = None):
    body = {"errors": [{"field": field, "message": message or _MESSAGES.get(status, "错误")}]}
    return jsonify(body), status


def refused(e: Refused, *, not_found_status: int = 422):
    if isinstance(e, NotFound):
        return error(not_found_status, e.message, e.field)
    return error(409 if e.conflict else 422, e.message, e.field)


@bp.before_request
def _who_is_asking():
    """A request with a bearer header is a script's: the token alone says who it is, and
    a token that signs in nobody is 401 (a browser session cookie sent beside it changes
    nothing). Without one, a browser session writing to the API must send its CSRF token
    (X-CSRFToken), like any form. A public route (the OpenAPI description) ignores the
    header."""
    from flask import current_app, g, request

    from ..accounts.views import bearer_token

    view = current_app.view_functions.get(request.endpoint)
    token = bearer_token(request)
    if token is not None and getattr(view, "access", None) != "public":
        from ..accounts.service import user_for_token

        user = user_for_token(token) if token else None
        if user is None:
            return error(401)
        g._login_user = user  # Flask-Login's user of this request: the token's, alone
        return None
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if current_user.is_authenticated:
        csrf.protect()
    return None


@bp.errorhandler(CSRFError)
def _csrf_error(e):
    return error(400, "缺少或无效的 CSRF 令牌", "csrf_token")


def register(app) -> None:
    from . import (  # noqa: F401  (routes)
        attachments,
        contracts,
        ledger,
        openapi,
        projects,
        warnings,
        writes,
    )

    csrf.exempt(bp)
    app.register_blueprint(bp)
