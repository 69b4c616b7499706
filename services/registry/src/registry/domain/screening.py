"""Eligibility for a season: age, passport, active placements and the UK stay limit.

The stay rule counts the days in the UK within the 12 months up to the season end: the earlier
stays recorded on the worker plus the planned season itself, each day once. Counting the season
is what "6 months in any 12" means for someone about to travel; the window ending on the season
end is the one with the most days in it, since earlier stays all precede the season.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from registry.domain.errors import InvalidWorkerData
from registry.domain.placement import Placement, PlacementStatus
from registry.domain.profile import Profile
from registry.domain.values import SIX_MONTHS_DAYS, days_inclusive

ScreeningReasonCode = Literal[
    "under_age",
    "passport_expires_before_season_end",
    "active_placement",
    "uk_stay_limit_exceeded",
]
MINIMUM_AGE = 18
FIRST_SEASON, LAST_SEASON = 2020, 2100  # the range the contracts accept for a season


@dataclass(frozen=True)
class ScreeningReason:
    code: ScreeningReasonCode
    text: str


@dataclass(frozen=True)
class UkStay:
    """A stay in the UK, from the day the worker left Kazakhstan to the day they came back."""

    departure_date: date
    return_date: date


@dataclass(frozen=True)
class Screening:
    season_start: date
    season_end: date
    reasons: tuple[ScreeningReason, ...]
    screened_at: datetime

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def season(self) -> int:
        return self.season_start.year


def check_season_dates(season_start: date, season_end: date, today: date) -> None:
    if season_end < season_start:
        raise InvalidWorkerData("the season ends before it starts", field="season_end")
    if season_end < today:
        raise InvalidWorkerData("the season is over already", field="season_end")
    if not FIRST_SEASON <= season_start.year <= LAST_SEASON:
        raise InvalidWorkerData(
            f"a season lies between {FIRST_SEASON} and {LAST_SEASON}", field="season_start"
        )


def eligibility_reasons(
    profile: Profile,
    stays: Sequence[UkStay],
    placements: Sequence[Placement],
    start: date,
    end: date,
) -> tuple[ScreeningReason, ...]:
    """Every rule the season from ``start`` to ``end`` breaks; empty when eligible."""
    found = (
        age_reason(profile, start),
        passport_reason(profile, end),
        active_placement_reason(placements, start),
        stay_reason(stays, start, end),
    )
    return tuple(reason for reason in found if reason is not None)


def age_on(born: date, day: date) -> int:
    # Someone born on 29 February turns a year older on 1 March in common years.
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_reason(profile: Profile, start: date) -> ScreeningReason | None:
    age = age_on(profile.date_of_birth, start)
    if age >= MINIMUM_AGE:
        return None
    return ScreeningReason(
        "under_age",
        f"The worker is {age} on the season start {start.isoformat()};"
        f" the minimum age is {MINIMUM_AGE}.",
    )


def passport_reason(profile: Profile, end: date) -> ScreeningReason | None:
    expiry = profile.passport_expiry
    if expiry >= end:
        return None
    return ScreeningReason(
        "passport_expires_before_season_end",
        f"Passport expires on {expiry.isoformat()}, before {end.isoformat()}.",
    )


def active_placement_reason(placements: Sequence[Placement], start: date) -> ScreeningReason | None:
    for placement in placements:
        if placement.status is PlacementStatus.ACCEPTED and placement.end_date >= start:
            return ScreeningReason(
                "active_placement",
                f"An accepted placement at {placement.farm_name} runs until"
                f" {placement.end_date.isoformat()}.",
            )
    return None


def stay_reason(stays: Sequence[UkStay], start: date, end: date) -> ScreeningReason | None:
    season_days = days_inclusive(start, end)
    if season_days > SIX_MONTHS_DAYS:
        return ScreeningReason(
            "uk_stay_limit_exceeded",
            f"The season lasts {season_days} days, more than the {SIX_MONTHS_DAYS} allowed.",
        )
    total = days_in_uk(stays, start, end)
    if total <= SIX_MONTHS_DAYS:
        return None
    return ScreeningReason(
        "uk_stay_limit_exceeded",
        f"With this season the worker would spend {total} days in the UK in the 12 months up to"
        f" {end.isoformat()}, more than the {SIX_MONTHS_DAYS} allowed.",
    )


def days_in_uk(stays: Iterable[UkStay], start: date, end: date) -> int:
    """Distinct days in the UK within the 12 months ending on ``end``, the season included."""
    window_start = _one_year_before(end) + timedelta(days=1)
    periods = [(s.departure_date, s.return_date) for s in stays] + [(start, end)]
    days: set[int] = set()
    for first, last in periods:
        first, last = max(first, window_start), min(last, end)
        days.update(range(first.toordinal(), last.toordinal() + 1))
    return len(days)


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return date(day.year - 1, 2, 28)
