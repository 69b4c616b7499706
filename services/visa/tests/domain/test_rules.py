"""Dated visa rules: the rule in force on the date that matters applies; a change of rule on a
date changes what follows it and nothing before it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from visa.domain.applicant import Applicant
from visa.domain.case import VisaCase
from visa.domain.errors import ApplicationTooEarly, InvalidRules, NoRulesInForce
from visa.domain.rules import RuleBook, VisaRules, add_months

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BASE = VisaRules(date(2020, 1, 1), 3, 3, 183, 365, 18, Decimal("298.00"), "GBP")
# From 1 May 2026: a CoS serves one month only, one may apply two months ahead, a new fee.
CHANGE = VisaRules(date(2026, 5, 1), 1, 2, 183, 365, 18, Decimal("319.00"), "GBP")
BOOK = RuleBook([CHANGE, BASE])  # any order
MAY_1, MAY_20 = date(2026, 5, 1), date(2026, 5, 20)


def case_starting(start: date) -> VisaCase:
    return VisaCase.open_for_placement(
        case_id=uuid.uuid4(), worker_id=uuid.uuid4(), organisation_id=uuid.uuid4(),
        operator_id=uuid.uuid4(), placement_id=uuid.uuid4(), placement_start=start,
        placement_end=date(start.year, 10, 31), accepted_at=NOW, now=NOW,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("day", "rule"),
    [(date(2020, 1, 1), BASE), (date(2026, 4, 30), BASE), (date(2026, 5, 1), CHANGE)],
)
def test_the_rule_in_force_is_the_latest_effective_on_the_day(day: date, rule: VisaRules) -> None:
    assert BOOK.in_force(day) == rule


def test_no_rule_before_the_first_is_a_named_error() -> None:
    with pytest.raises(NoRulesInForce):
        BOOK.in_force(date(2019, 12, 31))


def test_a_cos_is_valid_for_the_months_in_force_on_its_issue_date() -> None:
    assert BOOK.in_force(date(2026, 4, 30)).cos_expires_on(date(2026, 4, 30)) == date(2026, 7, 29)
    assert BOOK.in_force(date(2026, 5, 1)).cos_expires_on(date(2026, 5, 1)) == date(2026, 5, 31)


def test_a_change_of_rule_on_a_date_applies_to_cases_from_that_date() -> None:
    before, after = case_starting(date(2026, 7, 1)), case_starting(date(2026, 7, 1))
    before.assign_sponsorship("COS-A-0001", date(2026, 4, 30), BOOK, date(2026, 5, 20), NOW)
    after.assign_sponsorship("COS-A-0002", date(2026, 5, 1), BOOK, date(2026, 5, 20), NOW)

    assert before.sponsorship is not None
    assert before.sponsorship.expires_on == date(2026, 7, 29)
    assert after.sponsorship is not None
    assert after.sponsorship.expires_on == date(2026, 5, 31)


def test_the_fee_and_the_window_are_those_in_force_on_the_submission_date() -> None:
    applicant = Applicant(uuid.uuid4(), date(1990, 1, 1), date(2035, 1, 1))
    old_rules = case_starting(date(2026, 7, 20))
    old_rules.assign_sponsorship("COS-B-0001", date(2026, 4, 15), BOOK, date(2026, 4, 30), NOW)
    old_rules.submit_application(date(2026, 4, 30), "GWF1", applicant, BOOK, date(2026, 4, 30), NOW)
    assert old_rules.application is not None
    assert old_rules.application.fee == Decimal("298.00")

    new_rules = case_starting(date(2026, 7, 20))
    new_rules.assign_sponsorship("COS-B-0002", date(2026, 5, 1), BOOK, date(2026, 5, 1), NOW)
    with pytest.raises(ApplicationTooEarly) as raised:  # 2 months ahead now, not 3
        new_rules.submit_application(
            date(2026, 5, 1), "GWF2", applicant, BOOK, date(2026, 5, 1), NOW
        )
    assert raised.value.field == "submitted_on"
    new_rules.submit_application(date(2026, 5, 20), "GWF2", applicant, BOOK, MAY_20, NOW)
    assert new_rules.application is not None
    assert new_rules.application.fee == Decimal("319.00")


def test_a_new_rule_takes_effect_after_today_on_a_free_date_with_sane_values() -> None:
    today = date(2026, 6, 1)
    with pytest.raises(InvalidRules) as past:
        BOOK.check_new(VisaRules(**{**vars(BASE), "effective_from": today}), today)
    assert past.value.field == "effective_from"
    with pytest.raises(InvalidRules):
        RuleBook([BASE, VisaRules(**{**vars(BASE), "effective_from": date(2027, 1, 1)})]).check_new(
            VisaRules(**{**vars(BASE), "effective_from": date(2027, 1, 1)}), today
        )
    with pytest.raises(InvalidRules) as too_long:
        BOOK.check_new(
            VisaRules(**{**vars(BASE), "effective_from": date(2027, 1, 1), "max_stay_days": 400}),
            today,
        )
    assert too_long.value.field == "max_stay_days"
    BOOK.check_new(VisaRules(**{**vars(BASE), "effective_from": date(2027, 1, 1)}), today)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
        (date(2024, 5, 31), -3, date(2024, 2, 29)),
    ],
)
def test_months_are_added_by_the_calendar(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
