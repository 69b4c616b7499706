"""Cases as the API shows them."""

from __future__ import annotations

from visa.domain.case import VisaCase
from visa.domain.records import Application, Decision, Sponsorship
from visa.domain.status import allowed_actions
from visa.entrypoints.api.schemas import (
    ApplicationPublic,
    AttemptPublic,
    CasePublic,
    ClosurePublic,
    DecisionPublic,
    SponsorshipPublic,
)


def case_public(case: VisaCase) -> CasePublic:
    closure = case.closure
    return CasePublic(
        id=case.id,
        worker_id=case.worker_id,
        organisation_id=case.organisation_id,
        operator_id=case.operator_id,
        placement_id=case.placement_id,
        season=case.season,
        placement_start=case.placement_start,
        placement_end=case.placement_end,
        status=case.status,
        attempt=case.attempt,
        opened_at=case.opened_at,
        sponsorship=_sponsorship(case.sponsorship),
        application=_application(case.application),
        biometrics_on=case.biometrics_on,
        decision=_decision(case.decision),
        closure=ClosurePublic(reason=closure.reason, closed_at=closure.closed_at)
        if closure
        else None,
        departed_on=case.departed_on,
        returned_on=case.returned_on,
        expiry_notices_sent=list(case.expiry_notices),
        previous_attempts=[
            AttemptPublic(
                attempt=attempt.number,
                sponsorship=_sponsorship(attempt.sponsorship),
                application=_application(attempt.application),
                biometrics_on=attempt.biometrics_on,
                decision=_decision(attempt.decision),
            )
            for attempt in case.previous_attempts
        ],
        allowed_actions=list(allowed_actions(case.status)),
    )


def _sponsorship(cos: Sponsorship | None) -> SponsorshipPublic | None:
    if cos is None:
        return None
    return SponsorshipPublic(
        cos_number=cos.cos_number, issued_on=cos.issued_on, expires_on=cos.expires_on
    )


def _application(application: Application | None) -> ApplicationPublic | None:
    if application is None:
        return None
    return ApplicationPublic(
        submitted_on=application.submitted_on,
        application_reference=application.reference,
        application_fee=application.fee,
        fee_currency=application.fee_currency,
    )


def _decision(decision: Decision | None) -> DecisionPublic | None:
    if decision is None:
        return None
    return DecisionPublic(
        outcome="granted" if decision.granted else "refused",
        decided_on=decision.decided_on,
        processing_days=decision.processing_days,
        visa_start=decision.visa_start,
        visa_end=decision.visa_end,
        reason_code=decision.refusal_code,
        reason_text=decision.refusal_text,
    )
