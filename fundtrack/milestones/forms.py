"""The forms of 节点: one step to set an actual date, the full edit of a project's
milestones, and back-scheduling (倒排工期). Forms only read dates and text; the rules
are milestones.service's."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, Form, FormField, HiddenField, StringField
from wtforms.validators import InputRequired, Optional

from ..enums import MilestoneKind
from ..fields import fits

BAD_DATE = "不是有效日期(应为 YYYY-MM-DD)"


def field_name(kind: MilestoneKind) -> str:
    """The form name of a milestone kind (approved, designed, ...)."""
    return kind.name.lower()


def _none_if_blank(value):
    value = value.strip() if isinstance(value, str) else value
    return value or None


class DoneForm(FlaskForm):
    """完成: the actual date of one milestone, in one step from the list."""

    done_on = DateField("实际日期", [InputRequired("请填写实际日期")],
                        invalid_value_message=BAD_DATE)
    #: Where to go back to (the list with its filters and page).
    next = HiddenField()


class MilestoneEntry(Form):
    """One milestone of the edit form (a sub-form: the CSRF token is the outer form's)."""

    planned_on = DateField("计划日期", [Optional()], invalid_value_message=BAD_DATE)
    done_on = DateField("实际日期", [Optional()], invalid_value_message=BAD_DATE)
    note = StringField("备注", [Optional(), fits("note")],
                       filters=[_none_if_blank])


class EditForm(FlaskForm):
    """All eight milestones of a project, saved together."""

    #: 计划调整: why a planned date of a project in 实施 moves (one reason a save).
    reason = StringField("调整原因", render_kw={"maxlength": 500})

    def entries(self):
        return [(kind, self[field_name(kind)]) for kind in MilestoneKind]


class DeadlineForm(FlaskForm):
    """倒排工期, step one: the completion deadline (a GET form: it only proposes)."""

    class Meta:
        csrf = False

    deadline = DateField("完工期限", [InputRequired("请填写完工期限")],
                         invalid_value_message=BAD_DATE)


class ScheduleForm(FlaskForm):
    """倒排工期, step two: the planned dates to save, proposed and then adjusted."""

    def planned(self):
        return [(kind, self[field_name(kind)]) for kind in MilestoneKind]


for _kind in MilestoneKind:
    setattr(EditForm, field_name(_kind), FormField(MilestoneEntry, label=_kind.label))
    setattr(ScheduleForm, field_name(_kind), DateField(
        _kind.label, [Optional()], invalid_value_message=BAD_DATE))
