"""Who may do what: the registry's access rules, in one place.

LMCs and agencies look after the workers they registered or were assigned; operators see the
workers placed with them; the ministry reads everything; admins manage organisations and keys.
Nobody changes anything outside their own organisation.

A worker's journey steps follow the same lines (``check_worker_step``):
- an organisation with no part in the worker (no row in ``worker_access``) is told the worker
  does not exist, so that it learns nothing; the ministry and admins see every worker;
- owners (relation ``registered`` or ``assigned``, LMCs and agencies) run the journey up to
  departure and look after the worker until return;
- the operator of the worker's current placement confirms the arrival, ends the contract,
  checks on the worker's welfare and raises grievances; an operator whose offer was declined
  or replaced still sees the worker but may do none of this;
- the ministry refers and resolves grievances (oversight) and changes nothing else; admins
  only read.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from uuid import UUID

from registry.domain.errors import NotPermitted, WorkerNotFound
from registry.domain.worker import Worker
from servicekit.access import Principal, Role

RECRUITERS = frozenset({Role.LMC, Role.AGENCY})
# Relations (worker_access.relation) that make an LMC or agency responsible for the worker.
OWNER_RELATIONS = frozenset({"registered", "assigned"})
OPERATOR_RELATION = "operator"


class Step(StrEnum):
    """What an organisation may ask to do to a worker (the API's journey routes)."""

    SCREEN = "screen"
    COMPLETE_ORIENTATION = "complete_orientation"
    OFFER_PLACEMENT = "offer_placement"
    ANSWER_OFFER = "answer_offer"  # accept or decline, recorded for the worker
    WITHDRAW = "withdraw"
    RECORD_DEPARTURE = "record_departure"
    CONFIRM_ARRIVAL = "confirm_arrival"
    END_CONTRACT = "end_contract"
    RECORD_RETURN = "record_return"
    RECORD_WELFARE_CHECK = "record_welfare_check"
    RAISE_GRIEVANCE = "raise_grievance"
    REFER_GRIEVANCE = "refer_grievance"
    RESOLVE_GRIEVANCE = "resolve_grievance"
    REPORT_FEE = "report_fee"
    UPDATE_PROFILE = "update_profile"
    ASSIGN = "assign"


OWNER_STEPS = frozenset(Step) - {Step.CONFIRM_ARRIVAL, Step.END_CONTRACT}
OPERATOR_STEPS = frozenset(
    {Step.CONFIRM_ARRIVAL, Step.END_CONTRACT, Step.RECORD_WELFARE_CHECK, Step.RAISE_GRIEVANCE}
)
MINISTRY_STEPS = frozenset({Step.REFER_GRIEVANCE, Step.RESOLVE_GRIEVANCE})


def require_actor(actor: Principal | None) -> Principal:
    if actor is None:
        raise NotPermitted("this needs an authenticated organisation")
    return actor


def require_admin(actor: Principal | None) -> None:
    """``None`` is the operator's command line, which acts as an admin."""
    if actor is not None and actor.role is not Role.ADMIN:
        raise NotPermitted("only an admin may do this")


def require_recruiter(actor: Principal) -> None:
    if actor.role not in RECRUITERS:
        raise NotPermitted("only a Labour Mobility Centre or an agency may do this")


def require_lmc(actor: Principal) -> None:
    if actor.role is not Role.LMC:
        raise NotPermitted("only a Labour Mobility Centre may do this")


def require_own_organisation_or_admin(actor: Principal | None, organisation_id: UUID) -> None:
    if actor is None or actor.role is Role.ADMIN or actor.organisation_id == organisation_id:
        return
    raise NotPermitted("this belongs to another organisation")


def check_visible(actor: Principal, worker_id: UUID, relations: Collection[str]) -> None:
    """WorkerNotFound unless the caller may see the worker: never reveal that it exists."""
    if not relations and not actor.reads_everything:
        raise WorkerNotFound(worker_id)


def check_worker_step(
    actor: Principal, worker: Worker, relations: Collection[str], step: Step
) -> None:
    """Raise WorkerNotFound (404) or NotPermitted (403) unless ``actor`` may take ``step``.

    ``relations`` are the caller organisation's rows in worker_access for this worker.
    """
    check_visible(actor, worker.id, relations)
    if actor.role in RECRUITERS and OWNER_RELATIONS & set(relations):
        if step in OWNER_STEPS:
            return
        raise NotPermitted(f"only the operator of the worker's placement may {_verb(step)}")
    if actor.role is Role.OPERATOR and OPERATOR_RELATION in relations:
        if step not in OPERATOR_STEPS:
            raise NotPermitted(
                f"an operator may not {_verb(step)}: the LMC or agency looking after the worker"
                " does that"
            )
        if placement_operator(worker) != actor.organisation_id:
            raise NotPermitted("the organisation is not the operator of the worker's placement")
        return
    if actor.role is Role.MINISTRY and step in MINISTRY_STEPS:
        return
    raise NotPermitted(f"the organisation may read this worker's journey but not {_verb(step)}")


def placement_operator(worker: Worker) -> UUID | None:
    """The operator of the placement the worker is on (or going to) this season, if any."""
    trip = worker.trip
    if trip is not None:
        travelled = next((p for p in worker.placements if p.id == trip.placement_id), None)
        return travelled.operator_id if travelled else None
    accepted = worker.accepted_placement
    return accepted.operator_id if accepted else None


def sees_everything_of(actor: Principal, relations: Collection[str]) -> bool:
    """Whether the caller reads the worker's whole journey. An operator sees its own placement
    and what concerns it, not other operators' offers, grievances (which may be about it),
    fees or eligibility details."""
    return actor.role is not Role.OPERATOR or bool(OWNER_RELATIONS & set(relations))


def orientation_session_scope(actor: Principal) -> UUID | None:
    """The LMC whose orientation sessions the caller sees; None: every LMC's. Agencies send
    workers to any LMC's session, the ministry and admins read everything, an LMC sees its own;
    operators have no part in orientation."""
    if actor.role is Role.OPERATOR:
        raise NotPermitted("orientation sessions are for LMCs, agencies and the ministry")
    if actor.role is Role.AGENCY or actor.reads_everything:
        return None
    return actor.organisation_id


def _verb(step: Step) -> str:
    return step.value.replace("_", " ")
