"""Who may do what in the notifications service, in one place.

- Every partner organisation manages its own webhook endpoint; admins manage any.
- The delivery log: an organisation sees the deliveries to itself and to the workers it
  registered; the ministry and admins see all.
- A worker's preferences are changed by the organisation the worker belongs to (on the
  worker's request); the ministry and admins may read them.
"""

from __future__ import annotations

from uuid import UUID

from notifications.domain.errors import NotPermitted, WorkerNotFound
from servicekit.access import Principal, Role


def require_actor(actor: Principal | None) -> Principal:
    if actor is None:
        raise NotPermitted("this needs an authenticated organisation")
    return actor


def endpoint_owner(actor: Principal, requested: UUID | None) -> UUID:
    """Whose endpoint a create request is for: the caller's own, or (admins) the named one."""
    if actor.role is Role.ADMIN:
        if requested is None:
            raise NotPermitted("an admin names the organisation (organisation_id)")
        return requested
    if requested is not None and requested != actor.organisation_id:
        raise NotPermitted("an organisation manages only its own webhook endpoint")
    return actor.organisation_id


def may_manage(actor: Principal, organisation_id: UUID) -> bool:
    return actor.role is Role.ADMIN or actor.organisation_id == organisation_id


def may_read(actor: Principal, organisation_id: UUID) -> bool:
    return actor.reads_everything or actor.organisation_id == organisation_id


def log_scope(actor: Principal) -> UUID | None:
    """Whose deliveries the caller sees: None means all of them."""
    return None if actor.reads_everything else actor.organisation_id


def check_worker(
    actor: Principal, worker_id: UUID, organisation_id: UUID | None, *, change: bool
) -> None:
    """WorkerNotFound unless the caller may see the worker (never reveal that it exists);
    NotPermitted when it may see but not change."""
    own = organisation_id is not None and actor.organisation_id == organisation_id
    if organisation_id is None or not (own or actor.reads_everything):
        raise WorkerNotFound(worker_id)
    if change and not own:
        raise NotPermitted("only the organisation the worker belongs to records their choices")
