"""Orientation completion, and the visa service's events: applied when they fit, else ignored."""

from __future__ import annotations

import copy
import uuid
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from domain.worker_builders import at, session, worker_at

from registry.domain import events
from registry.domain.errors import InvalidWorkerData
from registry.domain.journey import Stage
from registry.domain.visa import VisaStatus


def test_orientation_with_all_four_topics_completes() -> None:
    worker = worker_at(Stage.SCREENED)
    given = session()

    worker.complete_orientation(given, date(2026, 2, 1), at(2026, 2, 1))

    assert worker.stage is Stage.ORIENTED
    assert worker.orientation_done
    record = worker.orientations[-1]
    assert (record.session_id, record.season, record.trainer_name) == (
        given.id,
        2026,
        "Gulnara Sadykova",
    )
    event = worker.events[-1]
    assert isinstance(event, events.OrientationCompleted)
    assert event.topics_covered == (
        "emergency_contacts",
        "financial_literacy",
        "health_and_safety",
        "living_conditions",
    )


def test_a_session_missing_a_topic_does_not_complete_orientation() -> None:
    worker = worker_at(Stage.SCREENED)
    partial = session(topics=frozenset({"health_and_safety", "living_conditions"}))

    with pytest.raises(InvalidWorkerData, match="emergency_contacts, financial_literacy") as raised:
        worker.complete_orientation(partial, date(2026, 2, 1), at(2026, 2, 1))

    assert raised.value.field == "topics_covered"
    assert worker.stage is Stage.SCREENED
    assert worker.orientations == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"trainer_name": ""}, "trainer_name"),
        ({"location": "  "}, "location"),
        ({"topics_covered": frozenset({"karaoke"})}, "topics_covered"),
    ],
)
def test_an_invalid_session_is_refused(changes: dict[str, Any], field: str) -> None:
    worker = worker_at(Stage.SCREENED)

    with pytest.raises(InvalidWorkerData) as raised:
        worker.complete_orientation(
            replace(session(), **changes),
            date(2026, 2, 1),
            at(2026, 2, 1),
        )

    assert raised.value.field == field


def test_attendance_is_on_the_sessions_date() -> None:
    worker = worker_at(Stage.SCREENED)

    with pytest.raises(InvalidWorkerData) as raised:
        worker.complete_orientation(session(), date(2026, 2, 2), at(2026, 2, 2))

    assert raised.value.field == "attended_on"


def test_visa_events_move_the_journey_and_keep_the_case() -> None:
    worker = worker_at(Stage.MATCHED)
    case_id = uuid.uuid4()

    assert worker.record_visa_case_opened(case_id, at(2026, 2, 15))
    assert worker.record_visa_granted(case_id, date(2026, 4, 1), date(2026, 10, 5), at(2026, 3, 1))

    assert worker.stage is Stage.VISA_GRANTED
    case = worker.visa_case
    assert case is not None
    assert (case.case_id, case.status, case.visa_end) == (
        case_id,
        VisaStatus.GRANTED,
        date(2026, 10, 5),
    )
    assert isinstance(worker.events[-1], events.VisaGrantRecorded)


def test_a_refusal_keeps_its_reason() -> None:
    worker = worker_at(Stage.VISA_APPLIED)
    case = worker.visa_case
    assert case is not None

    assert worker.record_visa_refused(case.case_id, "insufficient_documents", at(2026, 3, 1))

    assert worker.stage is Stage.VISA_REFUSED
    assert worker.visa_cases[-1].refusal_reason == "insufficient_documents"


def test_a_reopened_case_replaces_the_refused_one() -> None:
    worker = worker_at(Stage.VISA_REFUSED)
    case = worker.visa_case
    assert case is not None

    assert worker.record_visa_case_opened(case.case_id, at(2026, 3, 5))

    assert worker.stage is Stage.VISA_APPLIED
    assert [c.status for c in worker.visa_cases] == [VisaStatus.APPLIED]


@pytest.mark.parametrize("stage", [Stage.WITHDRAWN, Stage.REGISTERED, Stage.DEPARTED])
def test_a_late_visa_grant_is_ignored_without_raising(stage: Stage) -> None:
    worker = worker_at(stage)
    before = copy.deepcopy(worker)

    applied = worker.record_visa_granted(
        uuid.uuid4(), date(2026, 4, 1), date(2026, 10, 5), at(2026, 3, 1)
    )

    assert applied is False
    assert worker == before
    assert worker.events == before.events


def test_a_withdrawn_worker_ignores_every_visa_event() -> None:
    worker = worker_at(Stage.VISA_APPLIED)
    case = worker.visa_case
    assert case is not None
    worker.withdraw("changed plans", at(2026, 2, 20))
    recorded = len(worker.events)

    assert not worker.record_visa_case_opened(uuid.uuid4(), at(2026, 2, 21))
    assert not worker.record_visa_granted(
        case.case_id, date(2026, 4, 1), date(2026, 10, 5), at(2026, 3, 1)
    )
    assert not worker.record_visa_refused(case.case_id, "withdrawn", at(2026, 3, 1))
    assert worker.stage is Stage.WITHDRAWN
    assert len(worker.events) == recorded


def test_a_decision_on_another_case_is_ignored() -> None:
    worker = worker_at(Stage.VISA_APPLIED)

    assert not worker.record_visa_refused(uuid.uuid4(), "other_case", at(2026, 3, 1))

    assert worker.stage is Stage.VISA_APPLIED


def test_a_repeated_grant_is_ignored() -> None:
    worker = worker_at(Stage.VISA_GRANTED)
    case = worker.visa_case
    assert case is not None

    assert not worker.record_visa_granted(
        case.case_id, date(2026, 4, 1), date(2026, 10, 5), at(2026, 3, 1)
    )


def test_a_grant_ending_before_it_starts_is_malformed() -> None:
    worker = worker_at(Stage.VISA_APPLIED)
    case = worker.visa_case
    assert case is not None

    with pytest.raises(InvalidWorkerData):
        worker.record_visa_granted(case.case_id, date(2026, 4, 1), date(2026, 3, 1), at(2026, 3, 1))
