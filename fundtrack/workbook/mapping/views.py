"""导入县级台账: a workbook in the county's own layout, in the browser.

Upload any .xlsx → pick the sheet → see the header found and the proposed mapping, change
it (field, channel, unit of each column; the county's unit names matched to fundtrack's)
→ 检查 (a dry run: the problems, or what will be written) → 确认导入 (the same check again,
then written, all or nothing). A mapping saved under a name opens next month's file
already mapped and checked: one step. The upload is kept between the steps as the
workbook import keeps it (workbook/views.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField

from ...access import FINANCE, allow
from ...database import unit_of_work
from ...errors import Refused
from ...extensions import db
from ...projects.models import Project, Unit
from ..cells import is_blank, read_text
from ..reading import max_import_rows
from ..views import _remove_stale, _upload_path, _uploads
from .fields import TARGETS, UNITS, ColumnMap, Mapping
from .grid import sheet_names
from .plan import check_county, known_channels, read_header
from .propose import propose
from .service import get_mapping, save_mapping, saved_mappings

bp = Blueprint("county_import", __name__, url_prefix="/import/county")

#: Data rows shown under each column as examples.
SAMPLES = 2


class UploadForm(FlaskForm):
    workbook = FileField("县级台账工作簿(.xlsx)", validators=[
        FileRequired("请选择要导入的工作簿"),
        FileAllowed(["xlsx"], "只能导入 .xlsx 格式的工作簿(旧版 .xls 请先另存为 .xlsx)"),
    ])
    mapping = SelectField("使用已保存的映射", choices=[], validate_choice=False)


class MapForm(FlaskForm):
    """The mapping page's own fields; each column's field, channel and unit, and the
    unit matches, are read from the request by their numbered names (col-3-field ...)."""
    as_of = StringField("台账截至日期")
    year = StringField("项目年度(无年度列时)")
    save_as = StringField("保存为映射(名称)")
    reason = StringField("计划调整原因")


@bp.get("/")
@allow(*FINANCE)
def upload_page():
    form = UploadForm()
    form.mapping.choices = [("", "(不使用,按表头自动对应)")] + [
        (m.name, m.name) for m in saved_mappings()]
    return render_template("workbook/county_upload.html", form=form)


@bp.post("/")
@allow(*FINANCE)
def upload():
    form = UploadForm()
    form.mapping.choices = [("", "")] + [(m.name, m.name) for m in saved_mappings()]
    if not form.validate_on_submit():
        return render_template("workbook/county_upload.html", form=form), 422
    file = form.workbook.data
    filename = file.filename or "上传的文件"
    folder = _uploads()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    upload_id = str(uuid.uuid4())
    path = folder / f"{upload_id}.xlsx"
    file.save(path)
    try:
        names = sheet_names(path) if zipfile.is_zipfile(path) else []
    except Exception:
        names = []
    if not names:
        path.unlink(missing_ok=True)
        form.workbook.errors.append(f"「{filename}」不是有效的 .xlsx 工作簿(无法打开)")
        return render_template("workbook/county_upload.html", form=form), 422
    args = {"upload": upload_id, "filename": filename}
    if form.mapping.data:
        args["mapping"] = form.mapping.data
    return redirect(url_for(".map_page", **args))


def _upload_or_404(upload: str):
    path = _upload_path(upload)
    if path is None:
        flash("找不到上传的文件(可能已导入或已过期),请重新上传", "error")
        abort(redirect(url_for(".upload_page")))
    return path


def _columns(header, grid) -> list[dict]:
    """Each named column of the header: its position, name and first values."""
    rows = [values for number, values in grid if number > header.last_row][:SAMPLES + 1]
    out = []
    for j, name in enumerate(header.names):
        if not name:
            continue
        samples = [read_text(v[j]) for v in rows if j < len(v) and not is_blank(v[j])]
        out.append({"index": j, "name": name, "samples": samples[:SAMPLES]})
    return out


def _posted_mapping(columns: list[dict], sheet: str) -> Mapping:
    mapping = Mapping(sheet=sheet)
    for c in columns:
        j = c["index"]
        field = request.form.get(f"col-{j}-field", "")
        unit = request.form.get(f"col-{j}-unit", "元")
        mapping.columns[c["name"]] = ColumnMap(
            field=field if field in TARGETS else "",
            source=request.form.get(f"col-{j}-source") or None,
            unit=unit if unit in UNITS else "元")
    for kind, into in (("unit", mapping.units), ("village", mapping.villages)):
        i = 0
        while f"{kind}-{i}-from" in request.form:
            county = request.form.get(f"{kind}-{i}-from")
            ours = request.form.get(f"{kind}-{i}-to")
            if county and ours:
                into[county] = ours
            i += 1
    return mapping


@bp.route("/<upload>", methods=["GET", "POST"])
@allow(*FINANCE)
def map_page(upload: str):
    path = _upload_or_404(upload)
    filename = request.args.get("filename") or "上传的文件"
    names = sheet_names(path)
    saved_name = request.args.get("mapping") or None
    saved = None
    if saved_name:
        try:
            saved = get_mapping(saved_name)[1]
        except Refused as e:
            flash(e.message, "error")
    sheet = request.args.get("sheet") or (saved.sheet if saved else None)
    if sheet not in names:
        sheet = names[0]
    form = MapForm()
    try:
        grid, header = read_header(path, sheet)
    except Exception:  # beyond the import's row limit, or a damaged sheet
        path.unlink(missing_ok=True)
        flash(f"无法读取「{filename}」的工作表「{sheet}」:文件已损坏,或超过一次导入的上限"
              f" {max_import_rows()} 行", "error")
        return redirect(url_for(".upload_page"))
    check = None
    columns = _columns(header, grid) if header else []
    action = request.form.get("action")
    if header is not None and form.validate_on_submit():
        mapping = _posted_mapping(columns, sheet)
    elif header is not None and saved is not None:
        mapping = saved
        mapping.sheet = sheet
    elif header is not None:
        mapping = propose(header.names, channels=known_channels(), year=header.year,
                          unit=header.unit)
        mapping.sheet = sheet
    else:
        mapping = Mapping(sheet=sheet)
    if not form.is_submitted():
        form.as_of.data = header.as_of.isoformat() if header and header.as_of else ""
        form.year.data = str(header.year) if header and header.year else ""
        form.save_as.data = saved_name or ""
    as_of, year = _day(form), _year(form)
    run = header is not None and not form.errors and (
        (form.is_submitted() and action in ("check", "confirm")) or
        (not form.is_submitted() and saved is not None))
    if run:
        confirm = action == "confirm"
        check = check_county(path, sheet=sheet, mapping=mapping, actor=current_user.username,
                             as_of=as_of, year=year, name=filename, dry_run=not confirm,
                             reason=form.reason.data)
        if confirm and check.report.ok:
            if form.save_as.data.strip():
                try:
                    with unit_of_work(current_user.username):
                        save_mapping(form.save_as.data, mapping)
                except Refused as e:
                    flash(f"数据已导入,但映射未保存:{e.message}", "warning")
            path.unlink(missing_ok=True)
            flash(f"「{filename}」{check.report.summary()}", "success")
            if check.report.warnings:
                flash(f"导入时另有 {len(check.report.warnings)} 条提示(不影响导入),请核对。",
                      "warning")
            return redirect(url_for(".upload_page"))
    elif form.is_submitted() and action == "save" and header is not None and not form.errors:
        try:
            with unit_of_work(current_user.username):
                save_mapping(form.save_as.data, mapping)
        except Refused as e:
            form.save_as.errors.append(e.message)
        else:
            flash(f"映射「{form.save_as.data.strip()}」已保存", "success")
    db.session.rollback()
    units = [u.name for u in db.session.scalars(db.select(Unit).order_by(Unit.name))]
    villages = list(db.session.scalars(
        db.select(Project.village).where(Project.village.is_not(None))
        .distinct().order_by(Project.village)))
    status = 200
    if check is not None and not check.report.ok and action == "confirm":
        status = 409
    return render_template(
        "workbook/county_map.html", form=form, upload=upload, filename=filename,
        sheets=names, sheet=sheet, header=header, columns=columns, mapping=mapping,
        targets=TARGETS, units_list=units, villages_list=villages, unit_choices=list(UNITS),
        channels=known_channels(), check=check, saved_name=saved_name), status


def _day(form: MapForm) -> dt.date | None:
    text = (form.as_of.data or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        form.as_of.errors.append(f"「{text}」不是有效日期(应为 YYYY-MM-DD)")
        return None


def _year(form: MapForm) -> int | None:
    text = (form.year.data or "").strip().removesuffix("年")
    if not text:
        return None
    if text.isascii() and text.isdigit() and 1900 <= int(text) <= 2200:
        return int(text)
    form.year.errors.append(f"「{form.year.data}」不是有效年度")
    return None
