"""The filter form of 项目库 (a GET form: no CSRF token, nothing is written).

The values are read by ``ledger.params.parse_ledger_query`` (as_of, filters, q, page,
sort) and ``read_milestone_filters`` (reached, overdue); the form only renders them,
with the choices of the dropdowns read from the projects in one statement each.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice as C

from ..enums import NO, YES, MilestoneKind, ProjectStatus, Role
from ..errors import Refused
from ..extensions import db
from ..ledger.filters import HANDED_OVER, NOT_HANDED_OVER
from ..projects.models import Project, Unit

ANY = C("", "全部")


class ProjectFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("搜索", render_kw={"placeholder": "项目编号或名称"})
    as_of = DateField("截至日期")
    year = SelectField("年度")
    township = SelectField("乡镇")
    village = StringField("村")
    unit = SelectField("责任单位")
    category = SelectField("项目类别")
    priority = SelectField("重点村", choices=[ANY, C(YES), C(NO)])
    reached = SelectField(
        "当前节点至少", choices=[ANY, *(C(k.label) for k in MilestoneKind)]
    )
    overdue = BooleanField("只看逾期", false_values=("", "0", "false"))
    status = SelectField("项目状态", choices=[ANY, *(C(s.label) for s in ProjectStatus)])
    handover = SelectField("资产移交",
                           choices=[ANY, C(HANDED_OVER), C(NOT_HANDED_OVER, "报账未移交")])
    money = SelectField("金额单位", choices=[C("yuan", "元"), C("wan", "万元")])


def filter_form(args) -> ProjectFilterForm:
    """The form bound to the request's arguments, its dropdowns filled from the database."""
    form = ProjectFilterForm(formdata=args)
    options = filter_options()
    form.year.choices = [ANY, *(C(str(y)) for y in options["years"])]
    form.township.choices = [ANY, *map(C, options["townships"])]
    form.unit.choices = [ANY, *map(C, options["units"])]
    form.category.choices = [ANY, *map(C, options["categories"])]
    return form


def filter_options() -> dict[str, list]:
    """The values the dropdowns offer: one SELECT DISTINCT each."""
    return {
        "years": list(db.session.scalars(
            select(Project.year).distinct().order_by(Project.year.desc()))),
        "townships": list(db.session.scalars(
            select(Project.township).distinct().order_by(Project.township))),
        "units": list(db.session.scalars(
            select(Unit.name).join(Project, Project.unit_id == Unit.id).distinct()
            .order_by(Unit.name))),
        "categories": list(db.session.scalars(
            select(Project.category).where(Project.category.is_not(None)).distinct()
            .order_by(Project.category))),
    }


def read_milestone_filters(args) -> dict:
    """``reached`` (a milestone's label), ``overdue`` (1), ``status`` and ``handover``
    (已移交 / 未移交) as LedgerFilter fields."""
    reached = None
    if args.get("reached"):
        try:
            reached = MilestoneKind.from_text(args["reached"])
        except ValueError as e:
            raise Refused(str(e), "reached") from None
    overdue_only = args.get("overdue", "") not in ("", "0", "false")
    status = None
    if args.get("status"):
        try:
            status = ProjectStatus.from_text(args["status"])
        except ValueError as e:
            raise Refused(str(e), "status") from None
    handover = args.get("handover") or None
    if handover not in (None, HANDED_OVER, NOT_HANDED_OVER):
        raise Refused(f"资产移交应为:{HANDED_OVER}、{NOT_HANDED_OVER}", "handover")
    # 项目库 is the registry: 储备 projects are listed too
    return {"reached": reached, "overdue_only": overdue_only, "status": status,
            "include_proposed": True, "handover": handover}


class ProjectForm(FlaskForm):
    """登记/修改项目: every field of the 项目 sheet. The values are read by
    ``workbook.reading.read_record`` with the importer's rules and messages; the form
    only renders them and carries the CSRF token."""

    project_code = StringField("项目编号", render_kw={"autocomplete": "off"})
    name = StringField("项目名称")
    year = StringField("年度", render_kw={"inputmode": "numeric"})
    category = StringField("项目类别")
    township = StringField("乡镇")
    village = StringField("村")
    unit = SelectField("责任单位", validate_choice=False)
    responsible_person = StringField("责任人")
    phone = StringField("联系电话")
    scope = TextAreaField("建设内容")
    total_investment = StringField("总投资", render_kw={"inputmode": "decimal",
                                                       "autocomplete": "off"})
    priority = SelectField("重点村", choices=[C(NO), C(YES)], validate_choice=False)
    status = SelectField("项目状态", choices=[C(s.label) for s in ProjectStatus],
                         validate_choice=False)

    def raw(self) -> dict:
        """The typed values by key of the 项目 sheet, as the importer reads cells."""
        return {key: f.data for key, f in self._fields.items() if key != "csrf_token"}

    def show(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            field = self._fields.get(key)
            if field is not None and key != "csrf_token":
                field.errors = [*field.errors, message]
            else:
                self.form_errors.append(message)


def unit_choices(user) -> list:
    """The units a user may choose: a manager only their own, the others every unit."""
    stmt = select(Unit.name).order_by(Unit.name)
    if user.role == Role.MANAGER:
        stmt = stmt.where(Unit.id == user.unit_id)
    return [C(n) for n in db.session.scalars(stmt)]
