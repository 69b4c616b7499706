"""Who may do what with visa cases: the visa service's access rules, in one place.

Who sees a case (anyone else is told it does not exist, so that they learn nothing):
- the LMCs and agencies that look after the worker: the organisation that registered the worker
  (the ``organisation_id`` of the registry's worker events) and those it was assigned to
  (``WorkerAssigned``), kept in ``worker_access``;
- the scheme operator of the case's placement (the sponsor), for that case only: an operator
  does not see a worker's cases with other operators;
- the ministry and admins: every case, read only.

Who does what (a visible case, otherwise 404; a step not theirs, 403):

| step                       | operator of the case | LMC / agency of the worker | ministry, admin |
|----------------------------|----------------------|----------------------------|-----------------|
| assign the CoS             | yes                  | no                         | no              |
| submit the application     | yes                  | yes (on the worker's side) | no              |
| record the biometrics      | yes                  | yes                        | no              |
| record the decision        | yes                  | no                         | no              |
| reopen after a refusal     | yes                  | no                         | no              |
| add a dated visa rule      | no                   | no                         | admins only     |

The operator sponsors and receives the Home Office's decision, so the CoS, the decision and
reopening are its own; the LMC or agency helps the worker apply and attend the biometrics
appointment. A deactivated organisation's keys stop working (checked at the API's door).
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from servicekit.access import Principal, Role
from visa.adapters.case_queries import OWNER_RELATIONS, Scope
from visa.domain.case import VisaCase
from visa.domain.errors import CaseNotFound, NotPermitted

RECRUITERS = frozenset({Role.LMC, Role.AGENCY})


class Step(StrEnum):
    """What an organisation may ask to do to a case (the API's POST routes)."""

    ASSIGN_SPONSORSHIP = "assign_sponsorship"
    SUBMIT_APPLICATION = "submit_application"
    RECORD_BIOMETRICS = "record_biometrics"
    RECORD_DECISION = "record_decision"
    REOPEN = "reopen"


OPERATOR_STEPS = frozenset(Step)
OWNER_STEPS = frozenset({Step.SUBMIT_APPLICATION, Step.RECORD_BIOMETRICS})


def require_actor(actor: Principal | None) -> Principal:
    if actor is None:
        raise NotPermitted("this needs an authenticated organisation")
    return actor


def require_admin(actor: Principal | None) -> None:
    """``None`` is the operator's command line, which acts as an admin."""
    if actor is not None and actor.role is not Role.ADMIN:
        raise NotPermitted("only an admin may do this")


def scope_of(actor: Principal) -> Scope:
    """The cases the caller may read (see the module's docstring)."""
    if actor.reads_everything:
        return Scope(everything=True)
    if actor.role is Role.OPERATOR:
        return Scope(operator_id=actor.organisation_id)
    if actor.role in RECRUITERS:
        return Scope(owner_id=actor.organisation_id)
    return Scope()  # a role unknown to these rules sees nothing


def may_see(actor: Principal, case: VisaCase, relations: Collection[str]) -> bool:
    """``relations`` are the caller organisation's rows in worker_access for the case's worker."""
    if actor.reads_everything:
        return True
    if actor.role is Role.OPERATOR:
        return case.operator_id == actor.organisation_id
    return actor.role in RECRUITERS and bool(set(OWNER_RELATIONS) & set(relations))


def check_case_step(
    actor: Principal, case: VisaCase, relations: Collection[str], step: Step
) -> None:
    """Raise CaseNotFound (404) or NotPermitted (403) unless ``actor`` may take ``step``."""
    if not may_see(actor, case, relations):
        raise CaseNotFound(case.id)
    if actor.role is Role.OPERATOR and step in OPERATOR_STEPS:
        return
    if actor.role in RECRUITERS and step in OWNER_STEPS:
        return
    if actor.reads_everything:
        raise NotPermitted("the ministry and admins read visa cases; they change none")
    raise NotPermitted(
        f"only the operator of the worker's placement may {step.value.replace('_', ' ')}"
    )
