"""The close form: a month, then a confirmation of what will be stored."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired


class CloseForm(FlaskForm):
    month = StringField("月结月份", [DataRequired("请填写要月结的月份")],
                        render_kw={"placeholder": "YYYY-MM", "autocomplete": "off"})
    #: "1" once the user has seen the figures to be stored and confirms.
    confirmed = HiddenField()
