"""The 重点村占比 targets (priority-area shares, shown by the charts): the share of a
channel's allocations that should go to priority villages (e.g. "over 90% of poverty
funds to the poorest areas"), and of a unit's ("at least 40%")."""

from __future__ import annotations

from decimal import Decimal

from .percent import parse_percent
from .store import read, write

CHANNEL_SHARE_KEY = "priority_share_channel"
UNIT_SHARE_KEY = "priority_share_unit"
DEFAULT_CHANNEL_SHARE = Decimal("0.9000")
DEFAULT_UNIT_SHARE = Decimal("0.4000")
SHARE_FIELDS = {CHANNEL_SHARE_KEY: "channel_share_target", UNIT_SHARE_KEY: "unit_share_target"}
#: What a refusal calls each target.
SHARE_LABELS = {CHANNEL_SHARE_KEY: "各资金渠道投向重点村的比例",
                UNIT_SHARE_KEY: "各责任单位投向重点村的比例"}


def share_targets() -> tuple[Decimal, Decimal]:
    """(channel target, unit target) as rates (0.9000), stored or default."""
    def get(key, default):
        stored = read(key)
        return Decimal(stored) if stored is not None else default

    return get(CHANNEL_SHARE_KEY, DEFAULT_CHANNEL_SHARE), get(UNIT_SHARE_KEY, DEFAULT_UNIT_SHARE)


def set_share_targets(channel=None, unit=None) -> tuple[Decimal, Decimal]:
    """Set the targets from percentages as typed (``"90"``); an empty one is left as it
    is, and a value equal to the one in force is not written (no history row)."""
    current = dict(zip((CHANNEL_SHARE_KEY, UNIT_SHARE_KEY), share_targets(), strict=True))
    for key, text in ((CHANNEL_SHARE_KEY, channel), (UNIT_SHARE_KEY, unit)):
        if text is None or not str(text).strip():
            continue
        value = parse_percent(text, SHARE_FIELDS[key], SHARE_LABELS[key])
        if value != current[key]:
            write(key, str(value))
            current[key] = value
    return current[CHANNEL_SHARE_KEY], current[UNIT_SHARE_KEY]
