"""Reading and writing one stored setting; every change goes into the change history.

Without a stored value a setting has its default, which the module of its group gives.
"""

from __future__ import annotations

from ..database import lock_name
from ..extensions import db
from ..history.service import record, snapshot
from .models import Setting


def read(key: str) -> str | None:
    """The stored text of a setting, None when it was never stored."""
    return db.session.scalar(db.select(Setting.value).where(Setting.key == key))


def write(key: str, value: str) -> None:
    """Store a setting (under its name lock); nothing is written when the value is the
    same, otherwise one change-history row with before and after."""
    lock_name("setting", key)
    setting = db.session.get(Setting, key)
    if setting is not None and setting.value == value:
        return
    before = snapshot(setting) if setting is not None else None
    if setting is None:
        setting = Setting(key=key, value=value)
        db.session.add(setting)
    else:
        setting.value = value
    record("insert" if before is None else "update", setting, before)
