"""The forms of 整改: recording a finding, an evidence note, closing, reopening. Forms
only read values; the rules are rectification.service's."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .models import FindingSource
from .service import MAX_TEXT

BAD_DATE = "不是有效日期(应为 YYYY-MM-DD)"


class FindingForm(FlaskForm):
    source = SelectField("问题来源",
                         choices=[SelectChoice(s.value, s.label) for s in FindingSource],
                         validators=[InputRequired("请选择问题来源")])
    project_code = StringField("项目编号", [Optional(), Length(max=50)])
    unit = StringField("责任单位", [Optional(), Length(max=100)])
    description = TextAreaField("问题描述", [InputRequired("请填写问题描述"),
                                         Length(max=MAX_TEXT, message=f"不超过 {MAX_TEXT} 字")])
    found_on = DateField("发现日期", [InputRequired("请填写发现日期")],
                         invalid_value_message=BAD_DATE)
    deadline = DateField("整改期限", [InputRequired("请填写整改期限")],
                         invalid_value_message=BAD_DATE)


class EvidenceForm(FlaskForm):
    note = TextAreaField("整改证据说明", [InputRequired("请填写整改证据说明"),
                                       Length(max=MAX_TEXT, message=f"不超过 {MAX_TEXT} 字")])


class CloseForm(FlaskForm):
    done_on = DateField("整改完成日期", [InputRequired("请填写整改完成日期")],
                        invalid_value_message=BAD_DATE)
    note = TextAreaField("整改证据说明", [InputRequired("整改完成须附整改证据说明"),
                                       Length(max=MAX_TEXT, message=f"不超过 {MAX_TEXT} 字")])


class ReopenForm(FlaskForm):
    note = TextAreaField("重新打开的原因", [InputRequired("请填写重新打开的原因"),
                                        Length(max=MAX_TEXT, message=f"不超过 {MAX_TEXT} 字")])
