"""The one place where the visa service's domain errors become problem responses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from servicekit.http.problems import PROBLEM_TYPE_PREFIX, FieldProblem, Problem, problem_response
from visa.domain import errors

# Most specific first: the first matching class decides status, type and title.
PROBLEMS: list[tuple[type[errors.DomainError], int, str, str]] = [
    (errors.CaseNotFound, 404, "case-not-found", "No such visa case"),
    (errors.OperatorNotLicensed, 403, "operator-not-licensed", "The operator may not sponsor"),
    (errors.NotPermitted, 403, "forbidden", "Not allowed"),
    (errors.CosMissing, 409, "cos-missing", "No Certificate of Sponsorship assigned yet"),
    (errors.DecisionBeforeSubmission, 409, "decision-before-submission",
     "No application was submitted yet"),
    (errors.BiometricsMissing, 409, "biometrics-missing", "The biometrics are not recorded yet"),
    (errors.IllegalCaseAction, 409, "illegal-case-action", "The case's status does not allow it"),
    (errors.CosReused, 409, "cos-reused", "The Certificate of Sponsorship was used already"),
    (errors.SecondOpenCase, 409, "second-open-case",
     "The worker has an open visa case this season"),
    (errors.ApplicantUnknown, 409, "applicant-unknown", "The worker's facts have not arrived"),
    (errors.PlacementOver, 409, "placement-over", "The placement has ended"),
    (errors.CosExpired, 422, "cos-expired", "The Certificate of Sponsorship has expired"),
    (errors.ApplicationTooEarly, 422, "application-too-early", "Too early to apply"),
    (errors.ApplicantUnderAge, 422, "applicant-under-age", "The applicant is under age"),
    (errors.PassportExpiresTooSoon, 422, "passport-expires-too-soon",
     "The passport expires before the visa ends"),
    (errors.VisaPeriodTooLong, 422, "visa-period-too-long", "The visa is longer than allowed"),
    (errors.VisaOutsidePlacement, 422, "visa-outside-placement",
     "The visa is not within the placement"),
    (errors.NoRulesInForce, 422, "no-rules-in-force", "No visa rules are in force on that date"),
    (errors.InvalidRules, 422, "invalid-rules", "The visa rule is not valid"),
    (errors.InvalidCaseData, 422, "invalid-case-data", "A value breaks a rule"),
]  # fmt: skip


def install_domain_error_handler(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def _domain_error(request: Request, error: errors.DomainError) -> JSONResponse:
        return problem_response(problem_for(error, request.url.path))


def problem_for(error: errors.DomainError, instance: str) -> dict[str, Any]:
    status, slug, title = next(
        ((code, slug, title) for kind, code, slug, title in PROBLEMS if isinstance(error, kind)),
        (422, "rule-broken", "A rule was broken"),
    )
    fields = [FieldProblem(field=location(error.field), message=str(error), code=slug)]
    body = Problem(
        type=PROBLEM_TYPE_PREFIX + slug,
        title=title,
        status=status,
        detail=str(error),
        instance=instance,
        errors=fields if error.field else [],
    ).model_dump(exclude_none=True)
    return body | _extra(error)


def location(field: str | None) -> str:
    """A request field (``visa_end``) is in the body; a dotted name (``case.status``,
    ``applicant.date_of_birth``) is a fact the service holds and is shown as it is."""
    if field is None or "." in field:
        return field or ""
    return f"body.{field}"


def _extra(error: errors.DomainError) -> dict[str, Any]:
    """Members a client can act on, beyond the standard ones."""
    if isinstance(error, errors.IllegalCaseAction):
        return {"case_status": error.status, "allowed_actions": list(error.allowed)}
    return {}
