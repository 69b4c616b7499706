"""The applicant's age and passport, the CoS's validity and the visa's length, as each step
checks them; every failure names the field at fault."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from visa.domain.applicant import Applicant, Period, check_stay_limit
from visa.domain.case import VisaCase
from visa.domain.errors import (
    ApplicantUnderAge,
    ApplicantUnknown,
    ApplicationTooEarly,
    CosExpired,
    DomainError,
    InvalidCaseData,
    PassportExpiresTooSoon,
    VisaOutsidePlacement,
    VisaPeriodTooLong,
)
from visa.domain.rules import RuleBook, VisaRules

START, END = date(2026, 4, 6), date(2026, 9, 30)
TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, tzinfo=UTC)
RULES = VisaRules(date(2020, 1, 1), 3, 3, 183, 365, 18, Decimal("298.00"), "GBP")
BOOK = RuleBook([RULES])
ADULT = Applicant(uuid.uuid4(), date(1998, 4, 12), date(2031, 6, 30))


def case(start: date = START, end: date = END) -> VisaCase:
    return VisaCase.open_for_placement(
        case_id=uuid.uuid4(), worker_id=ADULT.worker_id, organisation_id=uuid.uuid4(),
        operator_id=uuid.uuid4(), placement_id=uuid.uuid4(), placement_start=start,
        placement_end=end, accepted_at=NOW, now=NOW,
    )  # fmt: skip


def sponsored(issued_on: date = date(2026, 1, 20)) -> VisaCase:
    c = case()
    c.assign_sponsorship("COS-2026-0001", issued_on, BOOK, TODAY, NOW)
    return c


def ready_for_decision(applicant: Applicant = ADULT) -> VisaCase:
    c = sponsored()
    c.submit_application(date(2026, 2, 2), "GWF1", applicant, BOOK, TODAY, NOW)
    c.record_biometrics(date(2026, 2, 9), TODAY, NOW)
    return c


def grant(
    c: VisaCase, start: date, end: date, applicant: Applicant = ADULT, **extra: object
) -> None:
    c.grant(
        decided_on=date(2026, 2, 20), visa_start=start, visa_end=end, applicant=applicant,
        earlier_visas=extra.get("earlier", []), rules=BOOK, today=TODAY, now=NOW,  # type: ignore[arg-type]
    )  # fmt: skip


def field_of(error: pytest.ExceptionInfo[DomainError]) -> str | None:
    return error.value.field


def test_a_cos_that_has_expired_already_cannot_be_assigned() -> None:
    with pytest.raises(CosExpired) as raised:
        sponsored(issued_on=date(2025, 11, 30))  # valid to 2026-02-28, today is 2026-03-01
    assert field_of(raised) == "issued_on"


def test_an_application_after_the_cos_expired_is_refused() -> None:
    c = sponsored(issued_on=date(2025, 12, 5))  # valid to 2026-03-04
    with pytest.raises(CosExpired) as raised:
        c.submit_application(date(2026, 3, 5), "GWF1", ADULT, BOOK, date(2026, 3, 5), NOW)
    assert field_of(raised) == "submitted_on"


def test_an_application_before_the_cos_was_issued_is_refused() -> None:
    c = sponsored()
    with pytest.raises(InvalidCaseData) as raised:
        c.submit_application(date(2026, 1, 19), "GWF1", ADULT, BOOK, TODAY, NOW)
    assert field_of(raised) == "submitted_on"


def test_an_application_is_submitted_no_earlier_than_three_months_before_the_start() -> None:
    c = sponsored(issued_on=date(2026, 1, 2))
    with pytest.raises(ApplicationTooEarly):
        c.submit_application(date(2026, 1, 5), "GWF1", ADULT, BOOK, TODAY, NOW)
    c.submit_application(date(2026, 1, 6), "GWF1", ADULT, BOOK, TODAY, NOW)


def test_an_application_needs_the_applicants_facts_from_the_registry() -> None:
    with pytest.raises(ApplicantUnknown):
        sponsored().submit_application(date(2026, 2, 2), "GWF1", None, BOOK, TODAY, NOW)


def test_an_applicant_under_18_at_the_placement_start_cannot_apply() -> None:
    seventeen = Applicant(ADULT.worker_id, date(2008, 4, 7), date(2031, 1, 1))
    with pytest.raises(ApplicantUnderAge) as raised:
        sponsored().submit_application(date(2026, 2, 2), "GWF1", seventeen, BOOK, TODAY, NOW)
    assert field_of(raised) == "applicant.date_of_birth"
    eighteen = Applicant(ADULT.worker_id, date(2008, 4, 6), date(2031, 1, 1))
    sponsored().submit_application(date(2026, 2, 2), "GWF1", eighteen, BOOK, TODAY, NOW)


def test_a_visa_is_not_granted_to_someone_under_18_at_its_start() -> None:
    # Of age when applying; the registry corrected the date of birth before the decision.
    corrected = Applicant(ADULT.worker_id, date(2008, 5, 1), date(2031, 1, 1))
    with pytest.raises(ApplicantUnderAge) as raised:
        grant(ready_for_decision(), START, END, applicant=corrected)
    assert field_of(raised) == "visa_start"
    grant(ready_for_decision(), date(2026, 5, 1), END, applicant=corrected)


def test_a_passport_expiring_before_the_placement_end_stops_the_application() -> None:
    short = Applicant(ADULT.worker_id, ADULT.date_of_birth, END - timedelta(days=1))
    with pytest.raises(PassportExpiresTooSoon) as raised:
        sponsored().submit_application(date(2026, 2, 2), "GWF1", short, BOOK, TODAY, NOW)
    assert field_of(raised) == "applicant.passport_expiry"


def test_a_passport_expiring_before_the_visa_end_stops_the_grant() -> None:
    short = Applicant(ADULT.worker_id, ADULT.date_of_birth, date(2026, 8, 31))
    with pytest.raises(PassportExpiresTooSoon) as raised:
        grant(ready_for_decision(), START, END, applicant=short)
    assert field_of(raised) == "visa_end"
    grant(ready_for_decision(), START, date(2026, 8, 31), applicant=short)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(START - timedelta(days=1), END, "visa_start"), (START, END + timedelta(days=1), "visa_end")],
)
def test_a_visa_lies_within_the_placement(start: date, end: date, field: str) -> None:
    with pytest.raises(VisaOutsidePlacement) as raised:
        grant(ready_for_decision(), start, end)
    assert field_of(raised) == field


def test_a_visa_lasts_at_most_183_days() -> None:
    assert Period(date(2026, 4, 1), date(2026, 9, 30)).days == 183
    check_stay_limit(Period(date(2026, 4, 1), date(2026, 9, 30)), [], RULES)
    with pytest.raises(VisaPeriodTooLong) as raised:
        check_stay_limit(Period(date(2026, 4, 1), date(2026, 10, 1)), [], RULES)
    assert field_of(raised) == "visa_end"


def test_earlier_visas_count_towards_six_months_in_any_twelve() -> None:
    visa = Period(date(2026, 4, 6), date(2026, 9, 30))  # 178 days
    last_autumn = Period(date(2025, 9, 1), date(2025, 10, 31))
    with pytest.raises(VisaPeriodTooLong) as raised:  # 2025-10-01..31 fall in the window
        check_stay_limit(visa, [last_autumn], RULES)
    assert "days in the 365 days to 2026-09-30" in str(raised.value)
    check_stay_limit(visa, [Period(date(2025, 4, 1), date(2025, 9, 30))], RULES)


def test_a_grant_counts_the_workers_earlier_visas() -> None:
    with pytest.raises(VisaPeriodTooLong):
        grant(
            ready_for_decision(), START, END, earlier=[Period(date(2025, 9, 1), date(2025, 11, 30))]
        )
