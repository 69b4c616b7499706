"""The case's steps: CoS, application, biometrics, decision, reopening. Each POST honours an
Idempotency-Key: a retry with the same key replays the first answer and changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response

from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from visa.application import handlers
from visa.application.commands import (
    AssignSponsorship,
    GrantVisa,
    RecordBiometrics,
    RefuseVisa,
    ReopenCase,
    SubmitApplication,
)
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain import errors as e
from visa.domain.case import VisaCase
from visa.entrypoints.api.dependencies import Caller, UnitOfWorkFactory
from visa.entrypoints.api.openapi import problem_responses
from visa.entrypoints.api.public import case_public
from visa.entrypoints.api.schemas import (
    ApplicationCreate,
    BiometricsCreate,
    CasePublic,
    DecisionCreate,
    GrantCreate,
    ReopenCreate,
    SponsorshipCreate,
)

router = APIRouter(prefix="/v1/cases/{case_id}", tags=["case steps"])
_ALWAYS = (e.CaseNotFound, e.NotPermitted, e.IllegalCaseAction)


async def _answer(
    request: Request,
    key: str | None,
    unit_of_work: UnitOfWorkFactory,
    step: Callable[[VisaUnitOfWork], Awaitable[VisaCase]],
) -> Response:
    async def produce(uow: VisaUnitOfWork) -> Answer:
        return Answer(200, case_public(await step(uow)))

    return await run_once(request, key, unit_of_work, produce)


@router.post(
    "/sponsorship",
    response_model=CasePublic,
    responses=problem_responses(
        *_ALWAYS,
        e.OperatorNotLicensed,
        e.CosReused,
        e.CosExpired,
        e.PlacementOver,
        e.NoRulesInForce,
        e.InvalidCaseData,
    ),
    operation_id="assignSponsorship",
    summary="Assign a Certificate of Sponsorship (the case's operator)",
    description="The CoS is valid for the months in force on its issue date (3) and serves one "
    "application: a number assigned before, to any case, is refused.",
)
async def assign_sponsorship(
    case_id: UUID,
    body: SponsorshipCreate,
    request: Request,
    caller: Caller,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = AssignSponsorship(body.cos_number, body.issued_on)
    return await _answer(
        request, idempotency_key, unit_of_work,
        lambda uow: handlers.assign_sponsorship(uow, case_id, command),
    )  # fmt: skip


@router.post(
    "/application",
    response_model=CasePublic,
    responses=problem_responses(
        *_ALWAYS,
        e.CosMissing,
        e.CosExpired,
        e.ApplicationTooEarly,
        e.ApplicantUnknown,
        e.ApplicantUnderAge,
        e.PassportExpiresTooSoon,
        e.PlacementOver,
        e.InvalidCaseData,
    ),
    operation_id="submitApplication",
    summary="Record the application's submission (the operator, or the worker's LMC or agency)",
    description="No earlier than 3 months before the placement starts (the rule in force on the "
    "submission date), while the CoS is valid, for an applicant 18 or over at the placement's "
    "start whose passport is valid through its end. The fee in force that day is recorded.",
)
async def submit_application(
    case_id: UUID,
    body: ApplicationCreate,
    request: Request,
    caller: Caller,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = SubmitApplication(body.submitted_on, body.application_reference)
    return await _answer(
        request, idempotency_key, unit_of_work,
        lambda uow: handlers.submit_application(uow, case_id, command),
    )  # fmt: skip


@router.post(
    "/biometrics",
    response_model=CasePublic,
    responses=problem_responses(*_ALWAYS, e.InvalidCaseData),
    operation_id="recordBiometrics",
    summary="Record the biometrics appointment (the operator, or the worker's LMC or agency)",
)
async def record_biometrics(
    case_id: UUID,
    body: BiometricsCreate,
    request: Request,
    caller: Caller,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = RecordBiometrics(body.recorded_on)
    return await _answer(
        request, idempotency_key, unit_of_work,
        lambda uow: handlers.record_biometrics(uow, case_id, command),
    )  # fmt: skip


@router.post(
    "/decision",
    response_model=CasePublic,
    responses=problem_responses(
        *_ALWAYS,
        e.DecisionBeforeSubmission,
        e.BiometricsMissing,
        e.VisaOutsidePlacement,
        e.VisaPeriodTooLong,
        e.ApplicantUnderAge,
        e.PassportExpiresTooSoon,
        e.InvalidCaseData,
    ),
    operation_id="recordDecision",
    summary="Record the Home Office's decision: granted or refused (the case's operator)",
    description="A grant needs the biometrics; its visa lies within the placement, lasts at most "
    "183 days in any 365 with the worker's earlier visas, starts when the worker is 18 or over "
    "and ends no later than the passport. The processing time (submission to decision, in days) "
    "is recorded and published with the decision.",
)
async def record_decision(
    case_id: UUID,
    body: Annotated[DecisionCreate, Body()],
    request: Request,
    caller: Caller,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command: GrantVisa | RefuseVisa = (
        GrantVisa(body.decided_on, body.visa_start, body.visa_end)
        if isinstance(body, GrantCreate)
        else RefuseVisa(body.decided_on, body.reason_code, body.reason_text)
    )
    return await _answer(
        request, idempotency_key, unit_of_work,
        lambda uow: handlers.record_decision(uow, case_id, command),
    )  # fmt: skip


@router.post(
    "/reopen",
    response_model=CasePublic,
    responses=problem_responses(*_ALWAYS, e.SecondOpenCase, e.PlacementOver),
    operation_id="reopenCase",
    summary="Reopen a refused case for a new application (the case's operator)",
    description="The refused attempt is kept under `previous_attempts`; the case is open again "
    "and needs a new CoS. Refused while the worker has another open case this season, or once "
    "the placement has ended. Publishes VisaCaseOpened again (same case id, next attempt), which "
    "moves the worker's journey from visa_refused back to visa_applied.",
)
async def reopen_case(
    case_id: UUID,
    request: Request,
    caller: Caller,
    unit_of_work: UnitOfWorkFactory,
    body: ReopenCreate | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = ReopenCase(body.reason if body else None)
    return await _answer(
        request, idempotency_key, unit_of_work,
        lambda uow: handlers.reopen_case(uow, case_id, command),
    )  # fmt: skip
