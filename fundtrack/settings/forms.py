"""The settings form: the standard durations and the tendering threshold."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange

from ..enums import MilestoneKind
from .service import DURATION_KINDS, MAX_DURATION, duration_field


def _previous(kind: MilestoneKind) -> MilestoneKind:
    return MilestoneKind(kind.value - 1)


class SettingsForm(FlaskForm):
    tender_threshold = StringField(
        "招标限额(元)", validators=[InputRequired("请填写招标限额")]
    )
    # public disclosure (公示)
    complaint_phone = StringField("监督举报电话")
    public_url = StringField("公示网址")

    def duration_fields(self):
        return [self[duration_field(kind)] for kind in DURATION_KINDS]


for _kind in DURATION_KINDS:
    setattr(
        SettingsForm,
        duration_field(_kind),
        IntegerField(
            f"{_previous(_kind).label} → {_kind.label}(天)",
            validators=[
                InputRequired("请填写天数"),
                NumberRange(0, MAX_DURATION, f"应在 0 到 {MAX_DURATION} 天之间"),
            ],
            invalid_value_message="应为整数天数",
        ),
    )
