"""The forms of 绩效目标: add an indicator, record its actual value. Forms only carry
the text; the rules and their messages are performance.service's."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice as C

from ..enums import NO, YES, TargetCategory


class TargetForm(FlaskForm):
    category = SelectField("指标类别", choices=[C(c.label) for c in TargetCategory],
                           validate_choice=False)
    name = StringField("指标名称", render_kw={"maxlength": 100,
                                          "placeholder": "如:新建道路长度"})
    measure = StringField("计量单位", render_kw={"maxlength": 20, "placeholder": "如:公里"})
    target = StringField("目标值", render_kw={"maxlength": 50, "placeholder": "如:3.2 或 ≥95"})


class ActualForm(FlaskForm):
    actual = StringField("实际值", render_kw={"maxlength": 50})
    met = SelectField("是否达成", choices=[C(YES), C(NO)], validate_choice=False)
    gap_reason = TextAreaField("未达成原因", render_kw={"maxlength": 500})
