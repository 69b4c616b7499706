"""Command handlers for the case's steps: load under a lock, check who may, apply the domain's
rules, save, audit, publish; the unit of work commits (or rolls everything back)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from visa.application.audit_view import snapshot
from visa.application.commands import (
    AssignSponsorship,
    GrantVisa,
    RecordBiometrics,
    RefuseVisa,
    ReopenCase,
    SubmitApplication,
)
from visa.application.integration import publish_events
from visa.application.permissions import Step, check_case_step, require_actor
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain.case import VisaCase
from visa.domain.errors import CaseNotFound, CosReused, OperatorNotLicensed, SecondOpenCase

Change = Callable[[VisaCase, date, datetime], Awaitable[None]]


async def assign_sponsorship(
    uow: VisaUnitOfWork, case_id: UUID, command: AssignSponsorship
) -> VisaCase:
    async def change(case: VisaCase, today: date, now: datetime) -> None:
        operator = await uow.organisations.get(case.operator_id)
        if operator is None:
            raise OperatorNotLicensed(
                "the visa service has no record of the operator yet", field="case.operator_id"
            )
        operator.check_may_sponsor(today)
        rules = await uow.rules.book()
        case.assign_sponsorship(command.cos_number, command.issued_on, rules, today, now)
        holder = await uow.cases.claim_cos(command.cos_number, case.id, case.attempt)
        if holder is not None:
            raise CosReused(command.cos_number, holder)

    return await _change(uow, case_id, Step.ASSIGN_SPONSORSHIP, "sponsorship_assigned", change)


async def submit_application(
    uow: VisaUnitOfWork, case_id: UUID, command: SubmitApplication
) -> VisaCase:
    async def change(case: VisaCase, today: date, now: datetime) -> None:
        applicant = await uow.applicants.get(case.worker_id)
        rules = await uow.rules.book()
        case.submit_application(
            command.submitted_on, command.application_reference, applicant, rules, today, now
        )

    return await _change(uow, case_id, Step.SUBMIT_APPLICATION, "application_submitted", change)


async def record_biometrics(
    uow: VisaUnitOfWork, case_id: UUID, command: RecordBiometrics
) -> VisaCase:
    async def change(case: VisaCase, today: date, now: datetime) -> None:
        case.record_biometrics(command.recorded_on, today, now)

    return await _change(uow, case_id, Step.RECORD_BIOMETRICS, "biometrics_recorded", change)


async def record_decision(
    uow: VisaUnitOfWork, case_id: UUID, command: GrantVisa | RefuseVisa
) -> VisaCase:
    async def change(case: VisaCase, today: date, now: datetime) -> None:
        if isinstance(command, RefuseVisa):
            case.refuse(
                decided_on=command.decided_on, reason_code=command.reason_code,
                reason_text=command.reason_text, today=today, now=now,
            )  # fmt: skip
            return
        case.grant(
            decided_on=command.decided_on, visa_start=command.visa_start,
            visa_end=command.visa_end, applicant=await uow.applicants.get(case.worker_id),
            earlier_visas=await uow.cases.granted_visas(case.worker_id, besides=case.id),
            rules=await uow.rules.book(), today=today, now=now,
        )  # fmt: skip

    action = "visa_refused" if isinstance(command, RefuseVisa) else "visa_granted"
    return await _change(uow, case_id, Step.RECORD_DECISION, action, change)


async def reopen_case(uow: VisaUnitOfWork, case_id: UUID, command: ReopenCase) -> VisaCase:
    """A refused case opens again for a new application, unless the worker has another open
    case this season (e.g. the worker took a new placement after the refusal)."""

    async def change(case: VisaCase, today: date, now: datetime) -> None:
        case.reopen(today, now)
        other = await uow.cases.open_case_id(case.worker_id, case.season, besides=case.id)
        if other is not None:
            raise SecondOpenCase(case.worker_id, case.season, other)

    return await _change(uow, case_id, Step.REOPEN, "reopened", change, note=command.reason)


async def _change(
    uow: VisaUnitOfWork,
    case_id: UUID,
    step: Step,
    action: str,
    change: Change,
    *,
    note: str | None = None,
) -> VisaCase:
    actor = require_actor(uow.actor)
    case = await uow.cases.get(case_id, for_update=True)
    if case is None:
        raise CaseNotFound(case_id)
    relations = await uow.organisations.relations(case.worker_id, actor.organisation_id)
    check_case_step(actor, case, relations, step)
    before = snapshot(case)
    now = datetime.now(UTC)
    await change(case, now.date(), now)
    await uow.cases.save(case)
    after: dict[str, Any] = snapshot(case) | ({"note": note} if note else {})
    await uow.audit(f"visa_case.{action}", "visa_case", case.id, before=before, after=after)
    await publish_events(uow, case)
    return case
