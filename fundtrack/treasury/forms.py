"""The 对账 page's forms: the upload, the county's header names, registering a payment
only the treasury holds, and explaining a difference."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..enums import PaymentKind
from ..fields import fits
from ..funds.forms import PAYMENT_KINDS, ChoiceField
from ..settings.treasury_headers import MAX_HEADER
from .reading import COLUMNS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UploadForm(FlaskForm):
    export = FileField("国库支付明细(.xlsx)", validators=[
        FileRequired("请选择国库集中支付系统(预算管理一体化)导出的支付明细"),
        FileAllowed(["xlsx"], "只能上传 .xlsx 格式的工作簿(旧版 .xls 请先另存为 .xlsx)"),
    ])


class HeadersForm(FlaskForm):
    """For each of our columns, the header the county's export gives it (empty: ours)."""


_TOO_LONG = f"表头不能超过 {MAX_HEADER} 个字符"
for _c in COLUMNS:
    setattr(HeadersForm, _c.key, StringField(
        _c.header, [Optional(), Length(max=MAX_HEADER, message=_TOO_LONG)], filters=[_strip]))


class RegisterForm(FlaskForm):
    """Register a payment only the treasury holds: its voucher, date, amount, payee,
    account and subject come from the export; the clerk names project and channel."""

    project_code = StringField("项目", [InputRequired("请填写项目编号"), fits("project_code")],
                               filters=[_strip])
    source_code = SelectField("资金来源", [InputRequired("请选择资金来源")], choices=[],
                              validate_choice=False)
    kind = ChoiceField("支付类型", PaymentKind, PAYMENT_KINDS, default=PaymentKind.PROGRESS)
    memo = TextAreaField("摘要", [Optional(), fits("memo")], filters=[_strip])


class ExplainForm(FlaskForm):
    note = TextAreaField("差异说明", [InputRequired("请填写差异说明"), fits("note")],
                         filters=[_strip])
