"""The worker as an applicant: the facts the visa rules need and the checks on them.

The facts (date of birth, passport expiry) come from the registry's events; nothing that names
the person is kept here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from visa.domain.errors import ApplicantUnderAge, PassportExpiresTooSoon, VisaPeriodTooLong
from visa.domain.rules import VisaRules


@dataclass(frozen=True)
class Applicant:
    worker_id: UUID
    date_of_birth: date
    passport_expiry: date

    def age_on(self, day: date) -> int:
        had_birthday = (day.month, day.day) >= (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - (0 if had_birthday else 1)

    def check_age(self, on: date, rules: VisaRules, *, field: str) -> None:
        age = self.age_on(on)
        if age < rules.minimum_age:
            raise ApplicantUnderAge(
                f"the applicant is {age} on {on.isoformat()}, under the minimum age of"
                f" {rules.minimum_age}",
                field=field,
            )

    def check_passport(self, last_day: date, *, field: str) -> None:
        """The passport must be valid on every day of the stay, the last one included."""
        if self.passport_expiry < last_day:
            raise PassportExpiresTooSoon(
                f"the passport expires on {self.passport_expiry.isoformat()}, before"
                f" {last_day.isoformat()}",
                field=field,
            )


@dataclass(frozen=True)
class Period:
    """Days in the UK a visa allows, both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def days_within(self, first: date, last: date) -> set[date]:
        start, end = max(self.start, first), min(self.end, last)
        return {start + timedelta(days=n) for n in range((end - start).days + 1)}


def check_stay_limit(visa: Period, earlier: Iterable[Period], rules: VisaRules) -> None:
    """At most ``max_stay_days`` in any ``stay_window_days`` (6 months in 12): the visa itself,
    then every window that contains part of it, counting the worker's other granted visas.

    The busiest window ends on the last day of some visa, so only those windows are checked.
    """
    if visa.days > rules.max_stay_days:
        raise VisaPeriodTooLong(
            f"the visa covers {visa.days} days; at most {rules.max_stay_days} are allowed",
            field="visa_end",
        )
    periods = [visa, *earlier]
    span = timedelta(days=rules.stay_window_days - 1)
    for last in sorted({period.end for period in periods}):
        first = last - span
        if last < visa.start or first > visa.end:
            continue  # a window without this visa in it was not changed by it
        days: set[date] = set()
        for period in periods:
            days |= period.days_within(first, last)
        if len(days) > rules.max_stay_days:
            raise VisaPeriodTooLong(
                f"with the worker's earlier visas this makes {len(days)} days in the"
                f" {rules.stay_window_days} days to {last.isoformat()}; at most"
                f" {rules.max_stay_days} are allowed",
                field="visa_end",
            )
