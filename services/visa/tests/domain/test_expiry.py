"""Notices before a granted visa ends: 30, 14 and 3 days ahead, once each; a late check sends
only the tightest threshold reached (a notice never says more days than are left)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from visa.domain import events
from visa.domain.case import VisaCase
from visa.domain.expiry import due_notice
from visa.domain.records import Decision
from visa.domain.status import CaseStatus

VISA_END = date(2026, 9, 30)
NOW = datetime(2026, 8, 1, tzinfo=UTC)


def before_end(days: int) -> date:
    return VISA_END - timedelta(days=days)


@pytest.mark.parametrize(
    ("days_left", "sent", "due"),
    [
        (31, (), None),
        (30, (), 30),
        (29, (30,), None),
        (14, (30,), 14),
        (10, (), 14),  # late: 30 is skipped, never sent afterwards
        (3, (30, 14), 3),
        (0, (30, 14), 3),
        (0, (30, 14, 3), None),
        (-1, (), None),  # ended: the registry's overstay check takes over
    ],
)
def test_the_notice_due_is_the_tightest_threshold_reached_not_yet_sent(
    days_left: int, sent: tuple[int, ...], due: int | None
) -> None:
    assert due_notice(VISA_END, before_end(days_left), sent) == due


def granted_case() -> VisaCase:
    case = VisaCase.open_for_placement(
        case_id=uuid.uuid4(), worker_id=uuid.uuid4(), organisation_id=uuid.uuid4(),
        operator_id=uuid.uuid4(), placement_id=uuid.uuid4(), placement_start=date(2026, 4, 6),
        placement_end=VISA_END, accepted_at=NOW, now=NOW,
    )  # fmt: skip
    case.status = CaseStatus.GRANTED
    case.decision = Decision(True, date(2026, 2, 20), 18, date(2026, 4, 6), VISA_END)
    case.events.clear()
    return case


def test_each_threshold_is_announced_once_over_a_daily_check() -> None:
    case = granted_case()
    announced = [case.note_expiry(before_end(days_left), NOW) for days_left in range(40, -3, -1)]
    assert [n for n in announced if n is not None] == [30, 14, 3]
    assert [e.days_before for e in case.events if isinstance(e, events.VisaExpiring)] == [
        30, 14, 3,
    ]  # fmt: skip
    assert case.expiry_notices == (30, 14, 3)


def test_no_notice_for_a_case_that_is_not_granted_or_whose_worker_returned() -> None:
    case = granted_case()
    assert case.record_return(before_end(20), NOW, NOW) is True
    assert case.note_expiry(before_end(14), NOW) is None
