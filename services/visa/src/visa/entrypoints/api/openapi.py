"""Problem responses for the OpenAPI document, with an example of each rule a route enforces."""

from __future__ import annotations

from typing import Any

from servicekit.http.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX, Problem
from visa.domain import errors
from visa.entrypoints.api.errors import PROBLEMS

_DESCRIPTIONS = {
    401: "No valid API key (or the organisation was deactivated)",
    403: "The caller's organisation may not do this",
    404: "No such case the caller may see",
    409: "The case's state does not allow it",
    422: "A value breaks a rule; `errors` names the field",
}
# An example field and detail per rule, as the API answers.
_EXAMPLES: dict[type[errors.DomainError], tuple[str, str]] = {
    errors.CaseNotFound: ("", "no visa case 3e2d1c0b-a987-4654-b321-0fedcba98765"),
    errors.NotPermitted: ("", "only the operator of the worker's placement may reopen"),
    errors.OperatorNotLicensed: ("case.operator_id", "the operator's licence ended on 2026-01-31"),
    errors.CosMissing: ("case.status", "cannot submit application a case that is open; allowed"
                        " next: assign_cos, close"),
    errors.DecisionBeforeSubmission: ("case.status", "cannot grant a case that is sponsored;"
                                      " allowed next: submit_application, close"),
    errors.BiometricsMissing: ("case.status", "cannot grant a case that is submitted; allowed"
                               " next: record_biometrics, refuse, close"),
    errors.IllegalCaseAction: ("case.status", "cannot reopen a case that is granted; allowed"
                               " next: close"),
    errors.CosReused: ("body.cos_number", "certificate of sponsorship COS-2026-000123 was"
                       " assigned already; each CoS is used once"),
    errors.SecondOpenCase: ("case.worker_id", "worker 5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41 has"
                            " an open visa case for season 2026 already"),
    errors.ApplicantUnknown: ("applicant.date_of_birth", "the visa service has no date of birth"
                              " and passport expiry for worker 5f0c9a8e-… yet"),
    errors.PlacementOver: ("case.placement_end", "the placement ended on 2026-09-30"),
    errors.CosExpired: ("body.submitted_on", "the CoS COS-2026-000123 expired on 2026-04-19,"
                        " before 2026-04-21"),
    errors.ApplicationTooEarly: ("body.submitted_on", "an application is submitted no earlier"
                                 " than 3 months before the placement starts: from 2026-01-06"),
    errors.ApplicantUnderAge: ("body.visa_start", "the applicant is 17 on 2026-04-06, under the"
                               " minimum age of 18"),
    errors.PassportExpiresTooSoon: ("body.visa_end", "the passport expires on 2026-08-01,"
                                    " before 2026-09-30"),
    errors.VisaPeriodTooLong: ("body.visa_end", "the visa covers 190 days; at most 183 are"
                               " allowed"),
    errors.VisaOutsidePlacement: ("body.visa_start", "the visa starts before the placement"
                                  " (2026-04-06)"),
    errors.NoRulesInForce: ("body.issued_on", "no visa rules are in force on 2019-05-01"),
    errors.InvalidRules: ("body.effective_from", "a new rule takes effect after today"),
    errors.InvalidCaseData: ("body.decided_on", "decided_on 2026-01-30 is before the submission"
                             " date 2026-02-02"),
}  # fmt: skip


def problem_responses(*rules: type[errors.DomainError]) -> dict[int | str, dict[str, Any]]:
    """401 and a 422 for malformed requests always; then each rule's status with its example."""
    by_status: dict[int, dict[str, Any]] = {401: {}, 422: {}}
    for rule in rules:
        status, slug, title = next((s, g, t) for k, s, g, t in PROBLEMS if k is rule)
        field, detail = _EXAMPLES[rule]
        example = {
            "type": PROBLEM_TYPE_PREFIX + slug,
            "title": title,
            "status": status,
            "detail": detail,
            "errors": [{"field": field, "message": detail, "code": slug}] if field else [],
        }
        by_status.setdefault(status, {})[slug] = {"summary": title, "value": example}
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"examples": examples} if examples else {}},
        }
        for status, examples in sorted(by_status.items())
    }
