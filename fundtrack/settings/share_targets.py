"""The 重点村占比 targets (priority-area shares, shown by the charts): the share of a
channel's allocations that should go to priority villages (e.g. "over 90% of poverty
funds to the poorest areas"), and of a unit's ("at least 40%")."""

from __future__ import annotations

from decimal import Decimal

from ..errors import Refused
from .store import read, write

CHANNEL_SHARE_KEY = "priority_share_channel"
UNIT_SHARE_KEY = "priority_share_unit"
DEFAULT_CHANNEL_SHARE = Decimal("0.9000")
DEFAULT_UNIT_SHARE = Decimal("0.4000")
SHARE_FIELDS = {CHANNEL_SHARE_KEY: "channel_share_target", UNIT_SHARE_KEY: "unit_share_target"}


def share_targets() -> tuple[Decimal, Decimal]:
    """(channel target, unit target) as rates (0.9000), stored or default."""
    def get(key, default):
        stored = read(key)
        return Decimal(stored) if stored is not None else default

    return get(CHANNEL_SHARE_KEY, DEFAULT_CHANNEL_SHARE), get(UNIT_SHARE_KEY, DEFAULT_UNIT_SHARE)


def parse_percent(text, field: str) -> Decimal:
    """``"90"`` or ``"87.5%"`` (a percentage, at most two decimals) → ``Decimal("0.9000")``."""
    raw = str(text if text is not None else "").strip().rstrip("%").strip()
    try:
        value = Decimal(raw)
    except ArithmeticError:
        raise Refused(f"「{text}」不是有效的百分比", field) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise Refused("百分比最多两位小数", field)
    if not 0 <= value <= 100:
        raise Refused("应在 0 到 100 之间", field)
    return (value / 100).quantize(Decimal("0.0001"))


def set_share_targets(channel=None, unit=None) -> tuple[Decimal, Decimal]:
    """Set the targets from percentages as typed (``"90"``); an empty one is left as it
    is, and a value equal to the one in force is not written (no history row)."""
    current = dict(zip((CHANNEL_SHARE_KEY, UNIT_SHARE_KEY), share_targets(), strict=True))
    for key, text in ((CHANNEL_SHARE_KEY, channel), (UNIT_SHARE_KEY, unit)):
        if text is None or not str(text).strip():
            continue
        value = parse_percent(text, SHARE_FIELDS[key])
        if value != current[key]:
            write(key, str(value))
            current[key] = value
    return current[CHANNEL_SHARE_KEY], current[UNIT_SHARE_KEY]


def percent_text(value: Decimal) -> str:
    """``Decimal("0.9000")`` → ``"90"``; ``0.8750`` → ``"87.5"`` (as the form shows it)."""
    text = f"{(value * 100).quantize(Decimal('0.01'))}"
    return text.rstrip("0").rstrip(".") if "." in text else text
