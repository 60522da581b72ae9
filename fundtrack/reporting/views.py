"""上报 (reporting upward): the package of a closed month (download, send upward); on a
collecting instance, the lower regions (admin), receiving packages (upload, API) and
the roll-up of a month, region by region, with its total."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..access import ADMIN, FINANCE, READ, allow, has_role
from ..api import bp as api_bp
from ..api import encode
from ..api import error as api_error
from ..api import refused as api_refused
from ..database import unit_of_work
from ..errors import Refused
from ..paging import page_args
from ..periods.service import closes, parse_month, suggested_month
from ..workbook.download import file_name, xlsx_response
from . import keys, package, queries, service
from .workbook import write_city_workbook

#: A month as YYYY-MM, as periods.parse_month reads it: year 1900-9999, month 01-12.
MONTH_PATTERN = r"^(19\d{2}|[2-9]\d{3})-(0[1-9]|1[0-2])$"

bp = Blueprint("reporting", __name__, url_prefix="/reporting")

#: The roll-up's columns a user may sort by (key → label), as the page shows them.
SORTS = {"region": "地区", "amount_issued": "下达金额", "arrived": "已到位", "spent": "已支出",
         "spending_rate": "支出率", "projects": "项目数", "started": "已开工",
         "start_rate": "开工率", "completed": "已完工", "overdue_count": "逾期节点"}


def suggested_month_before() -> str:
    """The last closed month, else last month: what the pages show first."""
    done = closes()
    if done:
        return done[0].month
    return suggested_month()


@bp.get("/")
@allow(*READ)
def index():
    upward, upward_error = [], None
    if current_app.config.get("FUNDTRACK_UPWARD_URL"):
        try:  # what the upper region says of our packages: received, returned (退回)
            upward = service.upward_status()
        except Refused as e:
            upward_error = e.message
    return render_template(
        "reporting/index.html", upward=upward, upward_error=upward_error,
        public_key=keys.own_public_key(),
        closes=closes(),
        collects=service.collects(),
        months=queries.months() if service.collects() else [],
        upward_url=current_app.config.get("FUNDTRACK_UPWARD_URL"),
        can_send=has_role(*FINANCE),
    )


def _download(body: dict) -> Response:
    name = f"上报_{body['region']}_{body['month']}.json"
    response = Response(package.canonical(body), mimetype="application/json")
    from urllib.parse import quote
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"package-{body['month']}.json\"; "
        f"filename*=UTF-8''{quote(name)}")
    return response


@bp.get("/package/<month>.json")
@allow(*FINANCE)
def download(month):
    try:
        return _download(service.build(month))
    except Refused as e:
        flash(e.message, "error")
        return redirect(url_for(".index"))


@bp.post("/send")
@allow(*FINANCE)
def send():
    month = request.form.get("month")
    try:
        message = service.send(service.build(month))
    except Refused as e:
        flash(e.message, "error")
        return redirect(url_for(".index"))
    flash(f"{month} 上报包已报送:{message}", "success")
    return redirect(url_for(".index"))


# --- a collecting instance ------------------------------------------------------------


def _not_collecting():
    """The page a non-collecting instance shows instead (None when it collects)."""
    if service.collects():
        return None
    return render_template("reporting/not_collecting.html")


@bp.get("/rollup")
@allow(*READ)
def rollup():
    if (page := _not_collecting()) is not None:
        return page
    month = request.args.get("month") or suggested_month_before()
    try:
        month = parse_month(month)[0]
    except Refused as e:
        flash(e.message, "error")
        month = suggested_month_before()
    roll = queries.rollup(month)
    sort = request.args.get("sort") or "region"
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "region", "region"
    present = [r for r in roll["rows"] if r[key] is not None]
    present.sort(key=lambda r: r[key], reverse=sort.startswith("-"))
    rows = present + [r for r in roll["rows"] if r[key] is None]
    page, per_page = page_args(request.args)
    args = {**request.args.to_dict(), "month": month, "sort": sort}
    return render_template(
        "reporting/rollup.html", roll=roll, rows=rows[(page - 1) * per_page:page * per_page],
        page=page, per_page=per_page, count=len(rows), args=args, sort=sort, sorts=SORTS,
        missing=queries.missing(month, roll["rows"]),
        received=queries.received(month=month), can_receive=has_role(*ADMIN),
    )


@bp.get("/rollup.xlsx")
@allow(*READ)
def rollup_workbook():
    """The city workbook of the month: 上报汇总 (one row per region, 合计 the exact sum),
    then one sheet per region's package (reporting/workbook.py)."""
    if (page := _not_collecting()) is not None:
        return page
    try:
        month = parse_month(request.args.get("month") or suggested_month_before())[0]
    except Refused as e:
        flash(e.message, "error")
        return redirect(url_for(".rollup"))
    name = file_name("上报汇总", [current_app.config["FUNDTRACK_REGION"]], month)
    return xlsx_response(lambda path: write_city_workbook(path, month), name)


@bp.get("/packages/<int:package_id>")
@allow(*READ)
def package_view(package_id):
    if (page := _not_collecting()) is not None:
        return page
    kept = queries.package(package_id)
    if kept is None:
        abort(404)
    versions = queries.statuses(region=kept.region, month=kept.month)
    return render_template("reporting/package.html", p=kept, body=kept.body,
                           versions=versions, latest=versions[0],
                           can_return=has_role(*ADMIN), note_length=service.NOTE_LENGTH)


@bp.post("/return")
@allow(*ADMIN)
def return_month():
    """退回 a region's month (its latest package) with a note."""
    if (page := _not_collecting()) is not None:
        return page, 404
    region, month = request.form.get("region", ""), request.form.get("month", "")
    try:
        with unit_of_work(current_user.username):
            returned = service.return_month(region, month, request.form.get("note", ""))
            package_id, region, month = returned.package_id, returned.region, returned.month
    except Refused as e:
        flash(f"未退回:{e.message}", "error")
        return redirect(url_for(".rollup", month=month or None))
    flash(f"已退回 {region} {month} 的上报包,等待其更正后重报", "success")
    return redirect(url_for(".package_view", package_id=package_id))


@bp.post("/receive")
@allow(*ADMIN)
def receive_upload():
    if (page := _not_collecting()) is not None:
        return page, 404
    upload = request.files.get("package")
    if upload is None or not upload.filename:
        flash("请选择要接收的上报包文件(.json)", "error")
        return redirect(url_for(".rollup"))
    try:
        with unit_of_work(current_user.username):
            kept = service.receive(upload.read())
            region, month = kept.region, kept.month
    except Refused as e:
        flash(f"拒收 {upload.filename}:{e.message}", "error")
        return redirect(url_for(".rollup"))
    flash(f"已接收 {region} {month} 的上报包", "success")
    return redirect(url_for(".rollup", month=month))


@bp.get("/regions")
@allow(*ADMIN)
def regions():
    if (page := _not_collecting()) is not None:
        return page
    return render_template("reporting/regions.html", regions=queries.regions(),
                           name="", public_key="")


@bp.post("/regions")
@allow(*ADMIN)
def add_region():
    if (page := _not_collecting()) is not None:
        return page, 404
    name, key = request.form.get("name", ""), request.form.get("public_key", "")
    try:
        with unit_of_work(current_user.username):
            service.add_region(name, key)
    except Refused as e:
        return render_template("reporting/regions.html", regions=queries.regions(),
                               name=name, public_key=key, error=e.message), 422
    flash(f"已登记下级地区「{name.strip()}」", "success")
    return redirect(url_for(".regions"))


# --- the API (CONTRACT.md) --------------------------------------------------------------


def _api_figures(row: dict) -> dict:
    out = {"region": row["region"]}
    for k in queries.AMOUNTS:
        out[k] = encode.value("money", row[k])
    out["spending_rate"] = encode.value("rate", row["spending_rate"])
    for k in queries.COUNTS:
        out[k] = row[k]
    return out


@api_bp.post("/packages")
@allow(*ADMIN)
def api_receive():
    if not service.collects():
        return api_error(404, "本实例不汇总下级上报")
    try:
        with unit_of_work(current_user.username):
            kept = service.receive(request.get_data())
            answer = {"id": kept.id, "region": kept.region, "month": kept.month,
                      "digest": kept.digest}
    except Refused as e:
        return api_refused(e)
    return jsonify(answer), 201


def _utc(moment) -> str:
    """A stored moment as ISO 8601 with its offset (SQLite keeps UTC without its zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()


@api_bp.get("/packages")
@allow(*READ)
def api_packages():
    """The packages received (of a region, a month), newest first, with their status
    (已接收, 已退回 with the note, 已更正): how a lower region learns of a 退回."""
    month = request.args.get("month") or None
    region = (request.args.get("region") or "").strip() or None
    try:
        if month is not None:
            month = parse_month(month)[0]
    except Refused as e:
        return api_refused(e)
    rows = queries.statuses(region=region, month=month)
    return jsonify({"region": current_app.config["FUNDTRACK_REGION"], "packages": [{
        **{k: r[k] for k in ("id", "region", "level", "month", "digest", "received_by",
                             "status")},
        "received_at": _utc(r["received_at"]),
        "returned": None if r["returned"] is None else {
            "note": r["returned"]["note"], "returned_by": r["returned"]["returned_by"],
            "returned_at": _utc(r["returned"]["returned_at"])},
    } for r in rows]})


@api_bp.get("/rollup")
@allow(*READ)
def api_rollup():
    # a non-collecting instance has no lower regions: its rows are empty
    try:
        roll = queries.rollup(request.args.get("month") or suggested_month_before())
    except Refused as e:
        return api_refused(e)
    return jsonify({"region": roll["region"], "month": roll["month"],
                    "as_of": roll["ends_on"].isoformat(),
                    "rows": [_api_figures(r) for r in roll["rows"]],
                    "total": _api_figures(roll["total"])})


def openapi_paths() -> dict:
    """The two routes above, for /api/v1/openapi.json."""
    money = {"type": "string", "pattern": r"^-?\d+\.\d{2}$"}
    figures = {"type": "object", "properties": {
        "region": {"type": "string"}, **{k: money for k in queries.AMOUNTS},
        "spending_rate": {"type": ["number", "null"]},
        **{k: {"type": "integer"} for k in queries.COUNTS}}}
    err = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
    moment = {"type": "string", "format": "date-time"}
    listed = {"type": "object", "properties": {
        "id": {"type": "integer"}, "region": {"type": "string"}, "level": {"type": "string"},
        "month": {"type": "string"}, "digest": {"type": "string"}, "received_at": moment,
        "received_by": {"type": "string"},
        "status": {"type": "string", "enum": [queries.RECEIVED, queries.RETURNED,
                                              queries.SUPERSEDED]},
        "returned": {"type": ["object", "null"], "properties": {
            "note": {"type": "string"}, "returned_by": {"type": "string"},
            "returned_at": moment}}},
        "required": ["id", "region", "month", "status", "returned"]}
    return {
        "/api/v1/packages": {"get": {
            "summary": "收到的上报包及其状态(已接收、已退回及原因、已更正),最新的在前,至多 100 个",
            "parameters": [
                {"name": "region", "in": "query", "description": "只列这个下级地区的",
                 "schema": {"type": "string"}},
                {"name": "month", "in": "query", "description": "YYYY-MM,只列这个月份的",
                 "schema": {"type": "string", "pattern": MONTH_PATTERN}}],
            "responses": {
                "200": {"description": "上报包", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "region": {"type": "string"},
                        "packages": {"type": "array", "items": listed}},
                    "required": ["region", "packages"]}}}},
                "401": {"description": "未登录", **err},
                "422": {"description": "月份无效", **err},
            }}, "post": {
            "summary": "接收下级上报包(汇总实例的管理员)",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "object"}}}},
            "responses": {
                "201": {"description": "已接收", "content": {"application/json": {
                    "schema": {"type": "object"}}}},
                "401": {"description": "未登录", **err}, "403": {"description": "无权", **err},
                "404": {"description": "本实例不汇总", **err},
                "409": {"description": "冲突", **err},
                "422": {"description": "拒收(签名、地区、公钥或数字不符)", **err},
            }}},
        "/api/v1/rollup": {"get": {
            "summary": "某月各下级地区最新上报的数字及合计",
            "parameters": [{"name": "month", "in": "query",
                            "description": "YYYY-MM;默认最近月结的月份(否则上个月)",
                            "schema": {"type": "string", "pattern": MONTH_PATTERN}}],
            "responses": {
                "200": {"description": "汇总", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "region": {"type": "string"}, "month": {"type": "string"},
                        "as_of": {"type": "string", "format": "date"},
                        "rows": {"type": "array", "items": figures}, "total": figures},
                    "required": ["region", "month", "rows", "total"]}}}},
                "401": {"description": "未登录", **err},
                "422": {"description": "月份无效", **err},
            }}},
    }
