"""Rows of ``visa_case`` to cases and back; earlier attempts travel as JSONB."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from visa.domain.case import VisaCase
from visa.domain.records import Application, Attempt, Closure, Decision, Sponsorship
from visa.domain.status import CaseStatus

COLUMNS = (
    "id, worker_id, organisation_id, operator_id, placement_id, season, placement_start,"
    " placement_end, accepted_at, opened_at, status, attempt, cos_number, cos_issued_on,"
    " cos_expires_on, submitted_on, application_reference, application_fee, fee_currency,"
    " biometrics_on, granted, decided_on, processing_days, visa_start, visa_end, refusal_code,"
    " refusal_text, closed_reason, closed_at, departed_on, returned_on, expiry_notices,"
    " previous_attempts"
)


def case_from_row(row: asyncpg.Record) -> VisaCase:
    return VisaCase(
        id=row["id"],
        worker_id=row["worker_id"],
        organisation_id=row["organisation_id"],
        operator_id=row["operator_id"],
        placement_id=row["placement_id"],
        season=row["season"],
        placement_start=row["placement_start"],
        placement_end=row["placement_end"],
        accepted_at=row["accepted_at"],
        opened_at=row["opened_at"],
        status=CaseStatus(row["status"]),
        attempt=row["attempt"],
        sponsorship=_sponsorship(row["cos_number"], row["cos_issued_on"], row["cos_expires_on"]),
        application=_application(row),
        biometrics_on=row["biometrics_on"],
        decision=_decision(row),
        closure=Closure(row["closed_reason"], row["closed_at"]) if row["closed_reason"] else None,
        departed_on=row["departed_on"],
        returned_on=row["returned_on"],
        expiry_notices=tuple(row["expiry_notices"]),
        previous_attempts=tuple(_attempt(item) for item in json.loads(row["previous_attempts"])),
    )


def case_values(case: VisaCase) -> tuple[Any, ...]:
    """Values in the order of COLUMNS."""
    cos, application, decision, closure = (
        case.sponsorship,
        case.application,
        case.decision,
        case.closure,
    )
    return (
        case.id, case.worker_id, case.organisation_id, case.operator_id, case.placement_id,
        case.season, case.placement_start, case.placement_end, case.accepted_at, case.opened_at,
        case.status.value, case.attempt,
        cos and cos.cos_number, cos and cos.issued_on, cos and cos.expires_on,
        application and application.submitted_on, application and application.reference,
        application and application.fee, application and application.fee_currency,
        case.biometrics_on,
        decision and decision.granted, decision and decision.decided_on,
        decision and decision.processing_days, decision and decision.visa_start,
        decision and decision.visa_end, decision and decision.refusal_code,
        decision and decision.refusal_text,
        closure and closure.reason, closure and closure.closed_at,
        case.departed_on, case.returned_on, list(case.expiry_notices),
        json.dumps([_attempt_json(a) for a in case.previous_attempts]),
    )  # fmt: skip


def _sponsorship(
    number: str | None, issued: date | None, expires: date | None
) -> Sponsorship | None:
    if number is None or issued is None or expires is None:
        return None
    return Sponsorship(number, issued, expires)


def _application(row: Any) -> Application | None:
    if row["submitted_on"] is None:
        return None
    return Application(
        row["submitted_on"],
        row["application_reference"],
        Decimal(row["application_fee"]),
        row["fee_currency"],
    )


def _decision(row: Any) -> Decision | None:
    if row["decided_on"] is None:
        return None
    return Decision(
        granted=bool(row["granted"]),
        decided_on=row["decided_on"],
        processing_days=row["processing_days"],
        visa_start=row["visa_start"],
        visa_end=row["visa_end"],
        refusal_code=row["refusal_code"],
        refusal_text=row["refusal_text"],
    )


def _attempt_json(attempt: Attempt) -> dict[str, Any]:
    cos, application, decision = attempt.sponsorship, attempt.application, attempt.decision
    return {
        "number": attempt.number,
        "cos_number": cos and cos.cos_number,
        "cos_issued_on": cos and cos.issued_on.isoformat(),
        "cos_expires_on": cos and cos.expires_on.isoformat(),
        "submitted_on": application and application.submitted_on.isoformat(),
        "application_reference": application and application.reference,
        "application_fee": application and str(application.fee),
        "fee_currency": application and application.fee_currency,
        "biometrics_on": attempt.biometrics_on and attempt.biometrics_on.isoformat(),
        "granted": decision and decision.granted,
        "decided_on": decision and decision.decided_on.isoformat(),
        "processing_days": decision and decision.processing_days,
        "visa_start": decision and decision.visa_start and decision.visa_start.isoformat(),
        "visa_end": decision and decision.visa_end and decision.visa_end.isoformat(),
        "refusal_code": decision and decision.refusal_code,
        "refusal_text": decision and decision.refusal_text,
    }


def _attempt(item: dict[str, Any]) -> Attempt:
    dates = {
        name: date.fromisoformat(item[name]) if item.get(name) else None
        for name in (
            "cos_issued_on", "cos_expires_on", "submitted_on", "biometrics_on", "decided_on",
            "visa_start", "visa_end",
        )
    }  # fmt: skip
    values = item | dates
    fee = values.get("application_fee")
    row = values | {"application_fee": Decimal(fee) if fee is not None else None}
    return Attempt(
        number=item["number"],
        sponsorship=_sponsorship(
            item["cos_number"], dates["cos_issued_on"], dates["cos_expires_on"]
        ),
        application=_application(row),
        biometrics_on=dates["biometrics_on"],
        decision=_decision(row),
    )
