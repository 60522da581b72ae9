"""The forms of 资金 and 支出: what a clerk types, read into values the services take.

Forms only read input (a date, an amount with at most two decimals, a choice); every
rule of the money is the service's (funds/service.py) and its refusal is shown on the
field it names (``fundtrack.forms.show_refusal``).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from ..enums import FundCategory, Level, PaymentKind, RecoveryDestination
from ..fields import fits
from ..money import MoneyError, parse_money

_BAD_DATE = "不是有效日期(应为 YYYY-MM-DD)"
_BAD_CHOICE = "请从列表中选择"


def _required(what: str) -> InputRequired:
    return InputRequired(f"请填写{what}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _none_if_blank(value):
    value = _strip(value)
    return value or None


class MoneyField(StringField):
    """An amount of yuan read by ``parse_money`` (Decimal, at most two decimals)."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = parse_money(valuelist[0])
        except MoneyError as e:
            self.data = None
            raise ValueError(str(e)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class ChoiceField(SelectField):
    """A select of a LabelledEnum's members, by code, labelled in Chinese."""

    def __init__(self, label, enum_cls, members=None, **kwargs):
        members = list(members if members is not None else enum_cls)
        kwargs.setdefault("invalid_choice_message", _BAD_CHOICE)
        super().__init__(
            label,
            choices=[SelectChoice(m.value, m.label) for m in members],
            coerce=lambda v: v if isinstance(v, enum_cls) else enum_cls(v),
            **kwargs,
        )

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_BAD_CHOICE) from None


def _year(form, field):
    if field.data is not None and not 1900 <= field.data <= 2999:
        raise ValidationError("年度应在 1900 到 2999 之间")


# --- channels, arrivals, allocations -------------------------------------------------


class SourceForm(FlaskForm):
    """登记资金来源"""

    source_code = StringField("资金来源编号", [_required("资金来源编号"), fits("source_code")],
                              filters=[_strip])
    name = StringField("资金名称", [_required("资金名称"), fits("name")], filters=[_strip])
    level = ChoiceField("资金级次", Level, default=Level.CENTRAL)
    category = ChoiceField("资金类别", FundCategory, default=FundCategory.INTEGRATED)
    year = IntegerField("年度", [_required("年度"), _year],
                        invalid_value_message="年度应为四位整数")
    document_no = StringField("下达文号", [Optional(), fits("document_no")],
                              filters=[_none_if_blank])
    amount_issued = MoneyField("下达金额(元)", [_required("下达金额")])
    issued_on = DateField("下达日期", [Optional()], invalid_value_message=_BAD_DATE)


class ArrivalForm(FlaskForm):
    """登记资金到位"""

    arrived_on = DateField("到位日期", [_required("到位日期")], invalid_value_message=_BAD_DATE)
    amount = MoneyField("到位金额(元)", [_required("到位金额")])
    note = StringField("备注", [Optional(), fits("note")], filters=[_none_if_blank])


class AllocationForm(FlaskForm):
    """资金安排 (or, negative, 调减)"""

    project_code = StringField("项目编号", [_required("项目编号"), fits("project_code")],
                               filters=[_strip])
    amount = MoneyField("安排金额(元)", [_required("安排金额")])
    document_no = StringField("文号", [Optional(), fits("document_no")],
                              filters=[_none_if_blank])
    allocated_on = DateField("安排日期", [Optional()], invalid_value_message=_BAD_DATE)


class RecoveryForm(FlaskForm):
    """登记资金收回"""

    recovered_on = DateField("收回日期", [_required("收回日期")], invalid_value_message=_BAD_DATE)
    amount = MoneyField("收回金额(元)", [_required("收回金额")])
    destination = ChoiceField("去向", RecoveryDestination, validators=[_required("去向")])
    document_no = StringField("文号", [Optional(), fits("document_no")],
                              filters=[_none_if_blank])
    reason = StringField("原因", [Optional(), fits("reason")], filters=[_none_if_blank])


# --- payments and reversals ----------------------------------------------------------

#: What a clerk may pick on the payment form: a reversal starts from its payment.
PAYMENT_KINDS = [k for k in PaymentKind if k != PaymentKind.REVERSAL]


class PaymentForm(FlaskForm):
    """The clerk's payment form (支出)."""

    project_code = StringField("项目", [_required("项目编号"), fits("project_code")],
                               filters=[_strip])
    #: Choices are set by the view (the channels of the chosen project, or all); the
    #: service says whether the code names a channel.
    source_code = SelectField("资金来源", [_required("资金来源")], choices=[],
                              validate_choice=False)
    voucher_no = StringField("凭证号", [_required("凭证号"), fits("voucher_no")],
                             filters=[_strip])
    paid_on = DateField("支付日期", [_required("支付日期")], invalid_value_message=_BAD_DATE)
    amount = MoneyField("支付金额(元)", [_required("支付金额")])
    kind = ChoiceField("支付类型", PaymentKind, PAYMENT_KINDS, default=PaymentKind.PROGRESS)
    payee = StringField("收款单位", [Optional(), fits("payee")], filters=[_none_if_blank])
    payee_account = StringField("收款账号", [Optional(), fits("payee_account")],
                                filters=[_none_if_blank])
    budget_subject = StringField("预算科目", [Optional(), fits("budget_subject")],
                                 filters=[_none_if_blank])
    memo = TextAreaField("摘要", [Optional(), fits("memo")], filters=[_none_if_blank])


class ReversalForm(FlaskForm):
    """红字冲回 a payment: the amount is typed positive and posted negative."""

    voucher_no = StringField("冲销凭证号", [_required("冲销凭证号"), fits("voucher_no")],
                             filters=[_strip])
    paid_on = DateField("冲销日期", [_required("冲销日期")], invalid_value_message=_BAD_DATE)
    amount = MoneyField("冲销金额(元)", [_required("冲销金额")])
    memo = TextAreaField("冲销原因", [_required("冲销原因"), fits("memo")], filters=[_strip])

    def validate_amount(self, field):
        # How the amount is typed, not a rule: a positive number, posted as red ink.
        if field.data is not None and field.data <= 0:
            raise ValidationError("请填写正数,系统将按负数(红字)过账")
