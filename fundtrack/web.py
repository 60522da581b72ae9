"""What every request shares: read-only transactions for reads, the end of the unit of
work, the database being unreachable, and the number formats of the templates."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import TypeVar
from urllib.parse import quote

from flask import Flask, Response, abort, g, jsonify, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import IntegerConverter

from . import clock, formatting
from .database import enter_read_only, leave_read_only
from .errors import NotFound
from .extensions import db

_READS = ("GET", "HEAD", "OPTIONS")

T = TypeVar("T")


def register(app: Flask) -> None:
    @app.before_request
    def _refuse_unreadable_json():
        """A JSON body nested deeper than MAX_JSON_DEPTH is no entry a user makes, and
        parsing or walking it would exhaust the stack: refuse it here, before sign-in
        and for every URL, as bad input (400, not 500)."""
        if _json_too_deep():
            return _refusal(400, f"JSON 嵌套层数过多(最多 {MAX_JSON_DEPTH} 层)")
        return None

    @app.before_request
    def _refuse_nul_characters():
        """A NUL character is no text a user types, and PostgreSQL refuses it in any text
        value: refuse it here, for every page, form and API call, as bad input (not 500)."""
        field = _field_with_nul()
        if field is None:
            return None
        if request.path.startswith("/api/"):
            return _refusal(422, "输入含有无效字符(NUL),请删除后重试", field)
        return _refusal(400, "输入含有无效字符(NUL),请删除后重试", field)

    @app.before_request
    def _read_only_for_reads():
        if request.method in _READS:
            g._read_only = enter_read_only()

    @app.teardown_request
    def _end(exc):
        token = g.pop("_read_only", None)
        if token is not None:
            leave_read_only(token)

    @app.errorhandler(OperationalError)
    def _database_unavailable(e):
        db.session.rollback()
        message = "数据库暂时无法访问,请稍后再试"
        if request.path.startswith("/api/"):
            return jsonify({"errors": [{"field": None, "message": message}]}), 503
        _user_unknown_if_unloaded()
        return render_template("error.html", code=503, message=message), 503

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        """Unmatched URLs and methods too: JSON under /api/, a page elsewhere."""
        if request.path.startswith("/api/"):
            from .api import error

            response, status = error(e.code or 500)
        else:
            _user_unknown_if_unloaded()
            response = make_response(render_template(
                "error.html", code=e.code, message=_PAGE_MESSAGES.get(e.code, e.description)))
            status = e.code
        if isinstance(e, MethodNotAllowed) and e.valid_methods:
            response.headers["Allow"] = ", ".join(e.valid_methods)  # as RFC 9110 asks
        return response, status

    @app.context_processor
    def _access_helpers():
        return {"can_open": can_open, "nav_current": nav_current}

    # also a global: macros imported without the template's context (table cells) ask it
    app.jinja_env.globals["can_open"] = can_open
    app.jinja_env.globals["today"] = clock.today  # a list's date on screen and on paper
    formatting.register(app)


def _user_unknown_if_unloaded() -> None:
    """An error page must render without the database: when the signed-in user could not
    be loaded (the database failed), the page treats the visitor as anonymous instead of
    asking the database again from the template (which would turn a 503 into a 500)."""
    from .extensions import login_manager

    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()


#: The deepest nesting of arrays and objects a JSON body may have.
MAX_JSON_DEPTH = 32


def _refusal(status: int, message: str, field: str | None = None):
    """Bad input refused before any view: the API's JSON error body for the API and for
    a JSON request anywhere, else the error page."""
    if request.path.startswith("/api/") or request.is_json:
        from .api import error

        return error(status, message, field)
    return render_template("error.html", code=status, message=message), status


def _json_too_deep() -> bool:
    """Whether the request's JSON body nests deeper than MAX_JSON_DEPTH (walked without
    recursion; a body too deep for the parser itself counts as too deep)."""
    if not request.is_json:
        return False
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return True
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return False


#: The largest id a key column holds (INTEGER: 32 bits, signed, in PostgreSQL).
MAX_RECORD_ID = 2**31 - 1


def record_id(text) -> int | None:
    """A record's id as typed (digits, at most MAX_RECORD_ID), else None."""
    text = str(text or "").strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_RECORD_ID:
        return None
    return int(text)


class RecordId(IntegerConverter):
    """``<int:...>`` in this app's routes: a record's id, 0 to the largest key. A
    larger number matches no route (404) instead of overflowing the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(url_map, *args, **kwargs)


def _field_with_nul() -> str | None:
    """The first URL, query, form or JSON field whose name or text holds a NUL character."""
    fields = [(k, v) for k, v in (request.view_args or {}).items() if isinstance(v, str)]
    fields += list(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += list(request.form.items(multi=True))
    elif request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            fields += [(k, v) for k, v in body.items() if isinstance(v, str)]
    for key, value in fields:
        key, value = key or "", value or ""  # a part without a name or a value
        if "\x00" in key or "\x00" in value:
            return key.replace("\x00", "")
    return None


def nav_current(endpoints: list[str]) -> str | None:
    """The menu entry the current page belongs to: the longest URL the path starts with."""
    from flask import url_for
    from werkzeug.routing import BuildError

    best, best_len = None, 0
    for endpoint in endpoints:
        try:
            url = url_for(endpoint)
        except BuildError:
            continue
        matches = request.path == url or (url != "/" and request.path.startswith(url))
        if matches and len(url) > best_len:
            best, best_len = endpoint, len(url)
    return best


def can_open(endpoint: str) -> bool:
    """May the current user open the view behind ``endpoint``? (For links and menus.)"""
    from flask import current_app
    from flask_login import current_user

    view = current_app.view_functions.get(endpoint)
    access = getattr(view, "access", None)
    if access == "public":
        return True
    return bool(access) and current_user.is_authenticated and current_user.role in access


_PAGE_MESSAGES = {
    403: "您没有权限访问此页面",
    404: "页面不存在",
    405: "不支持该请求方法",
    413: "上传的文件过大",
}


def or_404(find: Callable[..., T], *args, missing: type[Exception] = NotFound) -> T:
    """``find(*args)``, the record a URL names; a 404 page when it is not there (when
    ``find`` raises ``missing``)."""
    try:
        return find(*args)
    except missing:
        abort(404)


def send_temporary(path: str, mimetype: str, name: str, fallback: str, *,
                   chunk: int = 256 * 1024) -> Response:
    """A download of the temporary file ``path``: streamed from disk in chunks (never
    whole in memory), named ``name`` (RFC 5987; ``fallback`` for clients reading only
    the ASCII name) and removed once sent, or when the response is closed unread (a
    HEAD request, a client gone)."""
    response = Response(_send_and_remove(path, chunk), mimetype=mimetype,
                        direct_passthrough=True)
    response.content_length = os.path.getsize(path)
    response.headers.set("Content-Disposition", "attachment", filename=name.encode(
        "ascii", "ignore").decode() or fallback, **{"filename*": f"UTF-8''{quote(name)}"})
    response.call_on_close(lambda: remove_quietly(path))
    return response


def _send_and_remove(path: str, chunk: int) -> Iterator[bytes]:
    try:
        with open(path, "rb") as f:
            while block := f.read(chunk):
                yield block
    finally:
        remove_quietly(path)


def remove_quietly(path: str) -> None:
    """Remove a temporary file that may be gone already."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
