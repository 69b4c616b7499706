"""The visa rules that change over time, as dated configuration.

Each ``VisaRules`` row is complete and applies from its ``effective_from`` date until the next
row's; the rule in force on the date that matters applies:
- the CoS validity: on the day the CoS was issued;
- the application window, the fee, the maximum stay and the minimum age: on the day the
  application was submitted (an application is judged by the rules it was made under), or, for
  an application not yet submitted, on the day it would be.
Rows are added with a future ``effective_from`` (never rewritten), so every past decision stays
explainable by the row that was in force.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from visa.domain.errors import InvalidRules, NoRulesInForce

CENT = Decimal("0.01")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class VisaRules:
    effective_from: date
    cos_validity_months: int  # a CoS may be used for an application this long after issue
    application_window_months: int  # how long before the placement start one may apply
    max_stay_days: int  # the longest stay in any window of stay_window_days (183 in 365)
    stay_window_days: int
    minimum_age: int
    application_fee: Decimal
    fee_currency: str

    def cos_expires_on(self, issued_on: date) -> date:
        """The last day an application may use a CoS issued on ``issued_on``: valid for
        ``cos_validity_months`` months, so one issued on 15 January serves until 14 April."""
        return add_months(issued_on, self.cos_validity_months) - timedelta(days=1)

    def earliest_submission(self, placement_start: date) -> date:
        return add_months(placement_start, -self.application_window_months)

    def check(self) -> None:
        """Raise InvalidRules, naming the field, for the first value out of range."""
        bounds = {
            "cos_validity_months": (self.cos_validity_months, 1, 24),
            "application_window_months": (self.application_window_months, 1, 24),
            "max_stay_days": (self.max_stay_days, 1, 366),
            "stay_window_days": (self.stay_window_days, 1, 731),
            "minimum_age": (self.minimum_age, 16, 30),
        }
        for name, (value, low, high) in bounds.items():
            if not low <= value <= high:
                raise InvalidRules(f"{name} must be from {low} to {high}", field=name)
        if self.max_stay_days > self.stay_window_days:
            raise InvalidRules("max_stay_days exceeds stay_window_days", field="max_stay_days")
        fee = self.application_fee
        if not fee.is_finite() or fee < 0 or fee != fee.quantize(CENT) or fee >= Decimal("1e8"):
            raise InvalidRules(
                "application_fee is 0 or more, with at most 2 decimals", field="application_fee"
            )
        code = self.fee_currency
        if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
            raise InvalidRules("fee_currency is an ISO 4217 code such as GBP", field="fee_currency")


class RuleBook:
    """Every dated rule, oldest first; ``in_force(day)`` picks the one that applies."""

    def __init__(self, rules: Iterable[VisaRules]) -> None:
        self.rules = sorted(rules, key=lambda rule: rule.effective_from)
        self._starts = [rule.effective_from for rule in self.rules]

    def in_force(self, day: date) -> VisaRules:
        position = bisect_right(self._starts, day)
        if position == 0:
            raise NoRulesInForce(f"no visa rules are in force on {day.isoformat()}")
        return self.rules[position - 1]

    def check_new(self, rule: VisaRules, today: date) -> None:
        """A new rule takes effect after today and on a date no other rule starts on."""
        rule.check()
        if rule.effective_from <= today:
            raise InvalidRules(
                "a new rule takes effect after today: rules in force are never rewritten",
                field="effective_from",
            )
        if rule.effective_from in self._starts:
            raise InvalidRules(
                f"a rule takes effect on {rule.effective_from.isoformat()} already",
                field="effective_from",
            )
