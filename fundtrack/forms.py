"""What every form shares: a service's refusal shown on the field it names."""

from __future__ import annotations

from flask_wtf import FlaskForm

from .errors import Refused


def show_refusal(form: FlaskForm, e: Refused) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    field = form._fields.get(e.field) if e.field else None
    if field is not None and field.name != "csrf_token":
        field.errors = [*field.errors, e.message]
    else:
        form.form_errors.append(e.message)
