"""Notices before a granted visa ends: 30, 14 and 3 days ahead (the contract's thresholds).

A check that runs late (the service was down) sends only the tightest threshold reached: a
notice saying "30 days" when 10 are left would be wrong, and the earlier thresholds are never
sent afterwards, since the days left only shrink. So each threshold is sent at most once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

THRESHOLDS: tuple[int, ...] = (30, 14, 3)


def due_notice(visa_end: date, today: date, sent: Collection[int]) -> int | None:
    """The threshold to announce today, or None."""
    days_left = (visa_end - today).days
    if days_left < 0:
        return None  # the visa has ended: overstay is the registry's check
    reached = [threshold for threshold in THRESHOLDS if days_left <= threshold]
    if not reached:
        return None
    tightest = min(reached)
    return None if tightest in sent else tightest
