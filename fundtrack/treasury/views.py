"""对账: upload the treasury's payment export, see matched / only in the treasury / only
in the ledger / differing, filter and download; register a payment only the treasury
holds; explain a difference; map the county's header names to ours.

The upload is kept in the data folder (``uploads/treasury/<uuid4>.xlsx``, removed after
a day) so that the result can be filtered, downloaded and acted on; the result itself is
computed from it each time (reconciling writes nothing).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import FINANCE, TREASURY, allow
from ..clock import today
from ..database import unit_of_work
from ..errors import Refused
from ..formatting import money
from ..forms import show_refusal
from ..funds.queries import channel_choices
from ..paging import MAX_PAGE
from ..settings.service import set_treasury_headers, treasury_headers
from ..workbook.download import file_name, write_sheet, xlsx_response
from . import service
from .forms import ExplainForm, HeadersForm, RegisterForm, UploadForm
from .queries import explanations, project_choices
from .reading import COLUMNS
from .rows import GROUPS, RESULT_SHEET, counts, filtered, result_rows

bp = Blueprint("treasury", __name__, url_prefix="/treasury")

STALE_AFTER_SECONDS = 24 * 3600
PER_PAGE = 100


def _folder() -> Path:
    return Path(current_app.instance_path) / "uploads" / "treasury"


def _kept(upload: str) -> Path:
    """The kept upload ``upload`` names (a uuid, as we wrote it); 404 when there is none."""
    try:
        parsed = uuid.UUID(str(upload))
    except ValueError:
        abort(404)
    path = _folder() / f"{parsed}.xlsx"
    if str(parsed) != upload or not path.is_file():
        abort(404)
    return path


def _name(path: Path) -> str:
    try:
        return path.with_suffix(".name").read_text("utf-8") or "国库支付明细.xlsx"
    except OSError:
        return "国库支付明细.xlsx"


def _remove_stale(folder: Path) -> None:
    limit = time.time() - STALE_AFTER_SECONDS
    for old in list(folder.glob("*.xlsx")) + list(folder.glob("*.name")):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass


def _headers_form(formdata=None) -> HeadersForm:
    form = HeadersForm(formdata=formdata)
    if formdata is None:
        saved = treasury_headers()
        for header, key in saved.items():
            getattr(form, key).data = header
    return form


def _index(form: UploadForm, headers: HeadersForm | None = None, problems=(), found=(),
           status: int = 200):
    return render_template(
        "treasury/index.html", form=form, headers=headers or _headers_form(),
        columns=COLUMNS, problems=problems, found=found,
        may_write=current_user.role in FINANCE,
        explained=_recent_explanations(),
    ), status


def _recent_explanations() -> list:
    return sorted(explanations().values(), key=lambda e: e.id, reverse=True)[:20]


@bp.get("/")
@allow(*TREASURY)
def index():
    return _index(UploadForm())


@bp.post("/check")
@allow(*TREASURY)
def check():
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, status=422)
    upload = form.export.data
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    upload_id = str(uuid.uuid4())
    path = folder / f"{upload_id}.xlsx"
    upload.save(path)
    path.with_suffix(".name").write_text(upload.filename or "国库支付明细.xlsx", "utf-8")
    done = service.reconcile(path, name=_name(path))
    if not done.ok:
        path.unlink(missing_ok=True)
        path.with_suffix(".name").unlink(missing_ok=True)
        return _index(form, problems=[str(p) for p in done.export.problems],
                      found=done.export.headers, status=422)
    return redirect(url_for(".result", upload=upload_id))


@bp.post("/headers")
@allow(*FINANCE)
def headers():
    form = _headers_form(request.form)
    if form.validate_on_submit():
        try:
            with unit_of_work(current_user.username):
                set_treasury_headers({c.key: getattr(form, c.key).data for c in COLUMNS})
        except Refused as e:
            show_refusal(form, e)
        else:
            flash("已保存本县国库导出的表头对应关系,请重新上传导出文件", "success")
            return redirect(url_for(".index"))
    return _index(UploadForm(formdata=None), headers=form, status=422)


def _reconciled(upload: str):
    path = _kept(upload)
    done = service.reconcile(path, name=_name(path))
    if not done.ok:  # the mapping changed since the upload: show why
        flash("；".join(str(p) for p in done.export.problems[:5]), "error")
        return path, None
    return path, done


@bp.get("/<upload>")
@allow(*TREASURY)
def result(upload: str):
    path, done = _reconciled(upload)
    if done is None:
        return redirect(url_for(".index"))
    group = request.args.get("show") or None
    if group not in GROUPS:
        group = None
    text = request.args.get("q") or None
    rows = filtered(result_rows(done.result, explanations()), group, text)
    try:
        page = min(max(int(request.args.get("page") or 1), 1), MAX_PAGE)
    except ValueError:
        page = 1
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(page, pages)
    return render_template(
        "treasury/result.html", upload=upload, filename=_name(path), done=done,
        counts=counts(done.result), groups=GROUPS, group=group, text=text or "",
        rows=rows[(page - 1) * PER_PAGE: page * PER_PAGE], found=len(rows), page=page,
        pages=pages, may_write=current_user.role in FINANCE, money=money,
    )


@bp.get("/<upload>/result.xlsx")
@allow(*TREASURY)
def download(upload: str):
    path, done = _reconciled(upload)
    if done is None:
        return redirect(url_for(".index"))
    group = request.args.get("show") if request.args.get("show") in GROUPS else None
    rows = filtered(result_rows(done.result, explanations()), group,
                    request.args.get("q"))
    title = (f"{current_app.config['FUNDTRACK_REGION']} 国库支付对账结果({_name(path)};"
             f"{GROUPS[group] if group else '全部'} {len(rows)} 条)")
    return xlsx_response(
        lambda out: write_sheet(out, RESULT_SHEET, rows, title),
        file_name("对账结果", [GROUPS[group]] if group else [],
                  f"对账于{today().isoformat()}"))


def _treasury_row(done, row: int):
    for t in done.result.only_in_treasury:
        if t.row == row:
            return t
    return None


@bp.route("/<upload>/register/<int:row>", methods=["GET", "POST"])
@allow(*FINANCE)
def register(upload: str, row: int):
    path, done = _reconciled(upload)
    if done is None:
        return redirect(url_for(".index"))
    t = _treasury_row(done, row)
    if t is None:
        flash(f"第{row}行不是仅国库有的支付(可能已登记),请查看对账结果", "warning")
        return redirect(url_for(".result", upload=upload))
    form = RegisterForm()
    form.source_code.choices = [SelectChoice("", "请选择资金来源")] + [
        SelectChoice(c, f"{c} {n}({y}年)") for c, n, y in channel_choices()]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                with unit_of_work(current_user.username):
                    payment = service.register_payment(
                        t, project_code=form.project_code.data,
                        source_code=form.source_code.data, kind=form.kind.data,
                        memo=form.memo.data)
                    voucher = payment.voucher_no
            except Refused as e:
                show_refusal(form, e)
                status = 409 if e.conflict else 422
            else:
                flash(f"已登记支出:凭证号 {voucher},金额 {money(t.amount)} 元", "success")
                return redirect(url_for(".result", upload=upload, show="only_in_treasury"))
        else:
            status = 422
    return render_template("treasury/register.html", upload=upload, t=t, form=form,
                           projects=project_choices()), status


@bp.post("/<upload>/explain/<int:row>")
@allow(*FINANCE)
def explain(upload: str, row: int):
    path, done = _reconciled(upload)
    if done is None:
        return redirect(url_for(".index"))
    pair = next((p for p in done.result.differ if p.treasury.row == row), None)
    back = url_for(".result", upload=upload, show="differ")
    if pair is None:
        flash(f"第{row}行不是不一致的支付,请查看对账结果", "warning")
        return redirect(back)
    form = ExplainForm()
    if not form.validate_on_submit():
        flash("；".join(form.note.errors) or "请填写差异说明", "error")
        return redirect(back)
    try:
        with unit_of_work(current_user.username):
            service.explain(pair, form.note.data)
    except Refused as e:
        flash(e.message, "error")
    else:
        flash(f"已记录凭证 {pair.treasury.voucher_no} 的差异说明", "success")
    return redirect(back)
