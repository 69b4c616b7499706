"""The case's state machine: each step in order, the specific error for each step taken too
early, and nothing changed when a rule is broken."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from visa.domain import events
from visa.domain.applicant import Applicant
from visa.domain.case import VisaCase, make_way_for
from visa.domain.errors import (
    BiometricsMissing,
    CosMissing,
    DecisionBeforeSubmission,
    IllegalCaseAction,
    InvalidCaseData,
    PlacementOver,
)
from visa.domain.rules import RuleBook, VisaRules
from visa.domain.status import TRANSITIONS, CaseStatus

START, END = date(2026, 4, 6), date(2026, 9, 30)
TODAY = date(2026, 2, 20)
NOW = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)
ACCEPTED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
RULES = RuleBook([VisaRules(date(2020, 1, 1), 3, 3, 183, 365, 18, Decimal("298.00"), "GBP")])
APPLICANT = Applicant(uuid.uuid4(), date(1998, 4, 12), date(2031, 6, 30))


def opened(accepted_at: datetime = ACCEPTED) -> VisaCase:
    return VisaCase.open_for_placement(
        case_id=uuid.uuid4(), worker_id=APPLICANT.worker_id, organisation_id=uuid.uuid4(),
        operator_id=uuid.uuid4(), placement_id=uuid.uuid4(), placement_start=START,
        placement_end=END, accepted_at=accepted_at, now=NOW,
    )  # fmt: skip


def sponsored() -> VisaCase:
    case = opened()
    case.assign_sponsorship("COS-2026-0001", date(2026, 1, 20), RULES, TODAY, NOW)
    return case


def submitted() -> VisaCase:
    case = sponsored()
    case.submit_application(date(2026, 2, 2), "GWF071234567", APPLICANT, RULES, TODAY, NOW)
    return case


def with_biometrics() -> VisaCase:
    case = submitted()
    case.record_biometrics(date(2026, 2, 9), TODAY, NOW)
    return case


def grant(case: VisaCase, start: date = START, end: date = END) -> None:
    case.grant(
        decided_on=date(2026, 2, 20), visa_start=start, visa_end=end, applicant=APPLICANT,
        earlier_visas=[], rules=RULES, today=TODAY, now=NOW,
    )  # fmt: skip


def refuse(case: VisaCase) -> None:
    case.refuse(
        decided_on=date(2026, 2, 16), reason_code="insufficient_documents",
        reason_text="Employment history not verified.", today=TODAY, now=NOW,
    )  # fmt: skip


def test_a_case_goes_from_sponsorship_to_a_grant_with_an_event_for_each_step() -> None:
    case = with_biometrics()
    grant(case)

    assert case.status is CaseStatus.GRANTED
    assert [type(e) for e in case.events] == [
        events.CaseOpened, events.SponsorshipAssigned, events.ApplicationSubmitted,
        events.BiometricsRecorded, events.VisaGranted,
    ]  # fmt: skip
    assert case.sponsorship is not None
    assert case.sponsorship.expires_on == date(2026, 4, 19)
    assert case.application is not None
    assert case.application.fee == Decimal("298.00")
    assert case.decision is not None
    assert case.decision.processing_days == 18


def test_the_processing_time_runs_from_submission_to_decision_in_calendar_days() -> None:
    case = submitted()
    refuse(case)

    assert case.decision is not None
    assert case.decision.processing_days == 14
    assert case.status is CaseStatus.REFUSED


def test_an_application_without_a_cos_is_refused_as_cos_missing() -> None:
    case = opened()
    with pytest.raises(CosMissing) as raised:
        case.submit_application(date(2026, 2, 2), "GWF1", APPLICANT, RULES, TODAY, NOW)
    assert raised.value.field == "case.status"
    assert "assign_cos" in raised.value.allowed


@pytest.mark.parametrize("build", [opened, sponsored], ids=["open", "sponsored"])
def test_a_decision_before_submission_is_refused(build: object) -> None:
    case = build()  # type: ignore[operator]
    with pytest.raises(DecisionBeforeSubmission):
        grant(case)
    with pytest.raises(DecisionBeforeSubmission):
        refuse(case)


def test_a_grant_needs_the_biometrics_but_a_refusal_does_not() -> None:
    case = submitted()
    with pytest.raises(BiometricsMissing):
        grant(case)
    refuse(case)
    assert case.status is CaseStatus.REFUSED


def test_a_step_out_of_order_names_the_status_and_the_allowed_steps() -> None:
    case = sponsored()
    with pytest.raises(IllegalCaseAction) as raised:
        case.assign_sponsorship("COS-2026-0002", TODAY, RULES, TODAY, NOW)
    assert raised.value.status == "sponsored"
    assert raised.value.allowed == ("submit_application", "close")


def test_a_broken_rule_changes_nothing() -> None:
    case = with_biometrics()
    before = copy.deepcopy(case)
    with pytest.raises(InvalidCaseData):
        grant(case, start=date(2026, 5, 1), end=date(2026, 4, 30))
    assert case == before
    assert len(case.events) == len(before.events)


@pytest.mark.parametrize(
    ("day", "field"),
    [(date(2026, 1, 31), "decided_on"), (date(2026, 2, 21), "decided_on")],
    ids=["before-submission", "in-the-future"],
)
def test_the_decision_date_lies_between_the_submission_and_today(day: date, field: str) -> None:
    case = submitted()
    with pytest.raises(InvalidCaseData) as raised:
        case.refuse(decided_on=day, reason_code="x", reason_text="y", today=TODAY, now=NOW)
    assert raised.value.field == field


def test_biometrics_are_recorded_on_or_after_the_submission() -> None:
    case = submitted()
    with pytest.raises(InvalidCaseData) as raised:
        case.record_biometrics(date(2026, 2, 1), TODAY, NOW)
    assert raised.value.field == "recorded_on"


def test_a_refused_case_reopens_for_a_new_attempt_keeping_the_refused_one() -> None:
    case = submitted()
    refuse(case)
    case.events.clear()

    case.reopen(TODAY, NOW)

    assert (case.status, case.attempt) == (CaseStatus.OPEN, 2)
    assert case.sponsorship is None
    assert case.application is None
    assert case.decision is None
    assert [a.number for a in case.previous_attempts] == [1]
    assert case.previous_attempts[0].decision is not None
    assert case.events == [events.CaseOpened(case.id, NOW, attempt=2)]


def test_only_a_refused_case_reopens_and_only_before_the_placement_ends() -> None:
    granted = with_biometrics()
    grant(granted)
    with pytest.raises(IllegalCaseAction):
        granted.reopen(TODAY, NOW)
    refused = submitted()
    refuse(refused)
    with pytest.raises(PlacementOver):
        refused.reopen(END + timedelta(days=1), NOW)


@pytest.mark.parametrize(
    ("status", "reason", "closes"),
    [
        (CaseStatus.OPEN, "withdrawn", True),
        (CaseStatus.GRANTED, "withdrawn", True),
        (CaseStatus.GRANTED, "completed", True),
        (CaseStatus.OPEN, "completed", False),
        (CaseStatus.SPONSORED, "lapsed", True),
        (CaseStatus.SUBMITTED, "lapsed", False),
        (CaseStatus.REFUSED, "refused_final", True),
        (CaseStatus.CLOSED, "withdrawn", False),
    ],
)
def test_a_case_closes_only_for_a_reason_its_status_allows(
    status: CaseStatus, reason: str, closes: bool
) -> None:
    case = opened()
    case.status = status
    case.events.clear()

    assert case.close(reason, NOW) is closes  # type: ignore[arg-type]
    assert (case.status is CaseStatus.CLOSED) is (closes or status is CaseStatus.CLOSED)
    assert case.events == ([events.CaseClosed(case.id, NOW, reason)] if closes else [])  # type: ignore[arg-type]


def test_a_cos_lapses_the_day_after_it_expires_if_nothing_was_submitted() -> None:
    case = sponsored()
    expiry = date(2026, 4, 19)

    assert case.lapse_if_due(expiry, NOW) is False
    assert case.lapse_if_due(expiry + timedelta(days=1), NOW) is True
    assert case.closure is not None
    assert case.closure.reason == "lapsed"


def test_a_refusal_becomes_final_once_the_placement_has_ended() -> None:
    case = submitted()
    refuse(case)
    assert case.finish_refusal_if_over(END, NOW) is False
    assert case.finish_refusal_if_over(END + timedelta(days=1), NOW) is True
    assert case.closure is not None
    assert case.closure.reason == "refused_final"


def test_a_withdrawal_closes_a_case_opened_before_it_and_not_one_opened_after() -> None:
    case = opened()
    assert case.withdraw(ACCEPTED - timedelta(minutes=1), NOW) is False
    assert case.withdraw(ACCEPTED + timedelta(minutes=1), NOW) is True
    assert case.closure is not None
    assert case.closure.reason == "withdrawn"


def test_a_return_completes_a_granted_case_and_a_departure_is_recorded_once() -> None:
    case = with_biometrics()
    grant(case)
    assert case.record_departure(uuid.uuid4(), START) is False, "another placement"
    assert case.record_departure(case.placement_id, START) is True
    assert case.record_departure(case.placement_id, START) is False
    assert case.record_return(date(2026, 9, 28), NOW, NOW) is True
    assert (case.status, case.returned_on) == (CaseStatus.CLOSED, date(2026, 9, 28))
    assert case.closure is not None
    assert case.closure.reason == "completed"


def test_a_newer_acceptance_supersedes_the_seasons_other_cases() -> None:
    refused, current = submitted(), opened()
    refuse(refused)

    closed = make_way_for([refused, current], ACCEPTED + timedelta(days=1), NOW)

    assert closed == [refused, current]
    assert refused.closure is not None
    assert refused.closure.reason == "refused_final"
    assert current.closure is not None
    assert current.closure.reason == "withdrawn"


def test_an_older_acceptance_than_a_current_case_is_late_and_changes_nothing() -> None:
    current = opened()
    assert make_way_for([current], ACCEPTED - timedelta(days=1), NOW) is None
    assert current.status is CaseStatus.OPEN


def test_every_status_is_in_the_transition_table() -> None:
    assert set(TRANSITIONS) == set(CaseStatus)


def test_a_withdrawal_never_closes_a_case_whose_visa_was_used() -> None:
    case = with_biometrics()
    grant(case)
    case.record_departure(case.placement_id, START)
    assert case.withdraw(NOW + timedelta(days=200), NOW) is False
