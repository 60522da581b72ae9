"""The settings form: one field per setting, grouped as the settings' modules are."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..attachments.models import DocumentKind
from ..enums import MilestoneKind
from .checklist import CHECKLIST_KINDS, checklist_field
from .durations import DURATION_KINDS, MAX_DURATION, duration_field
from .warning_thresholds import WARNING_FIELDS
from .year_thresholds import YEAR_FIELDS


def _previous(kind: MilestoneKind) -> MilestoneKind:
    return MilestoneKind(kind.value - 1)


class SettingsForm(FlaskForm):
    tender_threshold = StringField(
        "招标限额(元)", validators=[InputRequired("请填写招标限额")]
    )
    # public disclosure (公示)
    complaint_phone = StringField("监督举报电话")
    public_url = StringField("公示网址")

    # --- 重点村占比 targets (charts) ---
    channel_share_target = StringField(
        "各资金渠道投向重点村的比例不低于(%)", validators=[Optional()]
    )
    unit_share_target = StringField(
        "各责任单位投向重点村的比例不低于(%)", validators=[Optional()]
    )

    def duration_fields(self):
        return [self[duration_field(kind)] for kind in DURATION_KINDS]

    def warning_fields(self):
        return [self[name] for name in WARNING_FIELDS]

    def year_fields(self):
        return [self[name] for name in YEAR_FIELDS]

    def checklist_fields(self):
        return [self[checklist_field(kind)] for kind in CHECKLIST_KINDS]

    #: Present on the page's form: only then are the checklists read from it (a form
    #: without them, from a script, leaves them as they are).
    checklist_present = HiddenField()


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


# --- warning thresholds (预警阈值): optional; a blank field keeps its current value -----

for _name, _label in WARNING_FIELDS.items():
    if _name == "completed_spending_rate":
        _field = StringField(_label, validators=[Optional()])
    else:
        _field = IntegerField(
            _label,
            validators=[Optional(),
                        NumberRange(0, MAX_DURATION, f"应在 0 到 {MAX_DURATION} 天之间")],
            invalid_value_message="应为整数天数",
        )
    setattr(SettingsForm, _name, _field)


# --- the year's thresholds (结存, 报账后结余未调减): a blank field keeps its value ------

SettingsForm.idle_amount = StringField(YEAR_FIELDS["idle_amount"], validators=[Optional()])
SettingsForm.leftover_days = IntegerField(
    YEAR_FIELDS["leftover_days"],
    validators=[Optional(), NumberRange(0, MAX_DURATION, f"应在 0 到 {MAX_DURATION} 天之间")],
    invalid_value_message="应为整数天数",
)


# --- 要件清单: per payment kind, the document kinds it needs (checkboxes) ------------


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


for _kind in CHECKLIST_KINDS:
    setattr(SettingsForm, checklist_field(_kind), _Checkboxes(
        f"{_kind.label}须附", choices=[SelectChoice(d.value, d.label) for d in DocumentKind],
        validate_choice=True))
