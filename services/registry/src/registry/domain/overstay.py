"""Overstay risk: a worker still abroad after the visa end, or long after the contract end.

Checked by a periodic job with today's date; the worker flags each season at most once, so the
ministry hears of a risk once, not every day it lasts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, Protocol

from registry.domain.journey import ABROAD, Stage

OverstayReason = Literal["visa_expired", "contract_ended_no_return"]
# Time to travel home after the contract ends before a missing return counts as a risk.
RETURN_GRACE = timedelta(days=14)


class AbroadFacts(Protocol):
    """What the rule needs to know; the Worker provides it."""

    @property
    def stage(self) -> Stage: ...

    @property
    def visa_end(self) -> date | None: ...

    @property
    def contract_end(self) -> date | None: ...


def overstay_risk(facts: AbroadFacts, today: date) -> OverstayReason | None:
    """Why the worker is at risk of overstaying on ``today``, or None.

    The visa reason comes first: an expired visa is the graver fact when both hold.
    """
    if facts.stage not in ABROAD:
        return None
    if facts.visa_end is not None and today > facts.visa_end:
        return "visa_expired"
    if facts.contract_end is not None and today > facts.contract_end + RETURN_GRACE:
        return "contract_ended_no_return"
    return None
