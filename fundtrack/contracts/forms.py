"""The contract form (登记合同 / 修改合同): what the clerk types, read into values; the
rules are contracts/service.py's, their refusals shown on the field they name."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from ..enums import TenderMethod
from ..fields import fits
from ..funds.forms import MoneyField

_BAD_DATE = "不是有效日期(应为 YYYY-MM-DD)"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _none_if_blank(value):
    value = _strip(value)
    return value or None


def _method(value):
    if value is None or isinstance(value, TenderMethod):
        return value
    if not value:
        return None
    try:
        return TenderMethod(value)
    except ValueError:
        return value  # refused in Chinese by the form's validator


class ContractForm(FlaskForm):
    """登记合同 (and, with the 合同编号 fixed, 修改合同)."""

    contract_no = StringField("合同编号", [InputRequired("请填写合同编号"), fits("contract_no")],
                              filters=[_strip])
    project_code = StringField("项目编号", [InputRequired("请填写项目编号"),
                                          fits("project_code")], filters=[_strip])
    contractor = StringField("承建单位", [InputRequired("请填写承建单位"), fits("contractor")],
                             filters=[_strip])
    amount = MoneyField("合同金额(元)", [InputRequired("请填写合同金额")])
    signed_on = DateField("签订日期", [Optional()], invalid_value_message=_BAD_DATE)
    tender_method = SelectField(
        "招标方式", choices=[SelectChoice("", "(未填写)")]
        + [SelectChoice(m.value, m.label) for m in TenderMethod],
        coerce=_method, validate_choice=False, default="")
    retention_rate = StringField("质保金比例(%)", [Optional()], filters=[_none_if_blank])
    retention_due_on = DateField("质保期满日期", [Optional()], invalid_value_message=_BAD_DATE)

    def validate_tender_method(self, field):
        if field.data is not None and not isinstance(field.data, TenderMethod):
            raise ValidationError("请从列表中选择")
