"""The form of 资产移交: text and a date only; the rules are assets.service's."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice as C
from wtforms.validators import Optional

from ..enums import AssetClass


class HandoverForm(FlaskForm):
    name = StringField("资产名称", render_kw={"maxlength": 200,
                                          "placeholder": "如:东村道路 3.2 公里"})
    asset_class = SelectField("资产类别", choices=[C(c.label) for c in AssetClass],
                              validate_choice=False)
    value = StringField("资产价值(元)", render_kw={"inputmode": "decimal", "autocomplete": "off"})
    owner = StringField("产权归属(接收单位)", render_kw={"maxlength": 100})
    maintainer = StringField("管护主体", render_kw={"maxlength": 100})
    caretaker = StringField("管护责任人", render_kw={"maxlength": 100,
                                               "placeholder": "姓名及联系电话"})
    handed_over_on = DateField("移交日期", [Optional()],
                               invalid_value_message="不是有效日期(应为 YYYY-MM-DD)")
    document_no = StringField("移交文号", render_kw={"maxlength": 100})
