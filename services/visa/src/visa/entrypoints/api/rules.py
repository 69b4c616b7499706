"""The dated visa rules (read by every caller, added by admins) and the audit log (admins)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from servicekit.http.text import NO_NUL
from visa.application.rules import add_rule
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain import errors
from visa.domain.rules import VisaRules
from visa.entrypoints.api.dependencies import Admin, Caller, UnitOfWorkFactory
from visa.entrypoints.api.openapi import problem_responses

router = APIRouter(prefix="/v1", tags=["visa rules"])


class VisaRulesBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "effective_from": "2027-04-01",
                    "cos_validity_months": 3,
                    "application_window_months": 3,
                    "max_stay_days": 183,
                    "stay_window_days": 365,
                    "minimum_age": 18,
                    "application_fee": "335.00",
                    "fee_currency": "GBP",
                    "note": "Fee change announced by the Home Office",
                }
            ]
        },
    )

    effective_from: date = Field(description="Applies from this day until the next rule's.")
    cos_validity_months: int = Field(description="How long a CoS may serve an application.")
    application_window_months: int = Field(
        description="How long before the placement starts one may apply."
    )
    max_stay_days: int = Field(description="Days allowed in any stay window (183: 6 months).")
    stay_window_days: int = Field(description="The window's length (365: 12 months).")
    minimum_age: int
    application_fee: Decimal = Field(description="The visa application fee, e.g. 319.00.")
    fee_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    note: Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)] | None = None

    def rules(self) -> VisaRules:
        return VisaRules(**self.model_dump(exclude={"note"}))


@router.get(
    "/visa-rules",
    response_model=list[VisaRulesBody],
    responses=problem_responses(),
    operation_id="listVisaRules",
    summary="The dated visa rules, oldest first; `on` gives the one in force that day",
)
async def list_rules(
    caller: Caller,
    unit_of_work: UnitOfWorkFactory,
    on: Annotated[date | None, Query(description="Only the rule in force on this day.")] = None,
) -> list[VisaRulesBody]:
    async with unit_of_work() as uow:
        book = await uow.rules.book()
    rules = [book.in_force(on)] if on is not None else book.rules
    return [VisaRulesBody(**vars(rule)) for rule in rules]


@router.post(
    "/visa-rules",
    status_code=201,
    response_model=VisaRulesBody,
    responses=problem_responses(errors.NotPermitted, errors.InvalidRules),
    operation_id="addVisaRule",
    summary="Add a rule taking effect on a future date (admins)",
    description="Rules are never rewritten: a change is a new row from a later date, so every "
    "decision stays explained by the rule in force when it was made.",
)
async def add_visa_rule(
    body: VisaRulesBody,
    request: Request,
    admin: Admin,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: VisaUnitOfWork) -> Answer:
        await add_rule(uow, body.rules(), body.note)
        return Answer(201, body)

    return await run_once(request, idempotency_key, unit_of_work, produce)
