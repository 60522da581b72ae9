"""设置: the settings page of the administrator, every group on one form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import ADMIN, allow
from ..database import unit_of_work
from ..errors import Refused
from ..money import format_money
from . import service
from .forms import SettingsForm

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/", methods=["GET", "POST"])
@allow(*ADMIN)
def index():
    form = SettingsForm()
    if form.validate_on_submit():
        durations = {
            kind: form[service.duration_field(kind)].data for kind in service.DURATION_KINDS
        }
        try:
            with unit_of_work(current_user.username):
                service.set_durations(durations)
                service.set_tender_threshold(form.tender_threshold.data)
                service.set_warning_thresholds(_warning_changes(form))
                service.set_year_thresholds(_changes(form, service.YEAR_FIELDS))
                if form.checklist_present.data == "1":
                    service.set_checklist({
                        kind: form[service.checklist_field(kind)].data or []
                        for kind in service.CHECKLIST_KINDS})
                service.set_share_targets(form.channel_share_target.data,
                                          form.unit_share_target.data)
                service.set_complaint_phone(form.complaint_phone.data)
                service.set_public_url(form.public_url.data)
        except Refused as e:
            if e.field and e.field in form:
                form[e.field].errors.append(e.message)
            else:
                form.form_errors.append(e.message)
        else:
            flash("设置已保存", "success")
            return redirect(url_for(".index"))
    elif not form.is_submitted():
        for kind, days in service.get_durations().items():
            form[service.duration_field(kind)].data = days
        form.tender_threshold.data = format_money(service.tender_threshold())
        _fill_warning_fields(form)
        year = service.get_year_thresholds()
        form.idle_amount.data = format_money(year.idle_amount)
        form.leftover_days.data = year.leftover_days
        form.checklist_present.data = "1"
        for kind, docs in service.get_checklist().items():
            form[service.checklist_field(kind)].data = [d.value for d in docs]
        channel_share, unit_share = service.share_targets()
        form.channel_share_target.data = service.percent_text(channel_share)
        form.unit_share_target.data = service.percent_text(unit_share)
        form.complaint_phone.data = service.complaint_phone()
        form.public_url.data = service.public_url()
    return render_template("settings/index.html", form=form, mappings=_mappings())


def _mappings() -> list:
    """The saved import mappings, each with how many columns it maps."""
    from ..workbook.mapping.service import mapped_columns, saved_mappings

    return [(m, mapped_columns(m)) for m in saved_mappings()]


# --- warning thresholds (预警阈值) ----------------------------------------------------


def _warning_changes(form: SettingsForm) -> dict:
    """The thresholds filled in (a blank field keeps its value)."""
    return _changes(form, service.WARNING_FIELDS)


def _changes(form: SettingsForm, fields) -> dict:
    """The fields of a group filled in (a blank field keeps its value)."""
    out = {}
    for name in fields:
        data = form[name].data
        if data is None or (isinstance(data, str) and not data.strip()):
            continue
        out[name] = data
    return out


def _fill_warning_fields(form: SettingsForm) -> None:
    current = service.get_warning_thresholds()
    for name in service.WARNING_FIELDS:
        value = getattr(current, name)
        if name == "completed_spending_rate":
            value = f"{(value * 100).normalize():f}"
        form[name].data = value
