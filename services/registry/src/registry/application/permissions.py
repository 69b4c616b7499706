"""Who may do what: the registry's access rules, in one place.

LMCs and agencies look after the workers they registered or were assigned; operators see the
workers placed with them; the ministry reads everything; admins manage organisations and keys.
Nobody changes anything outside their own organisation.
"""

from __future__ import annotations

from uuid import UUID

from registry.domain.errors import NotPermitted
from servicekit.access import Principal, Role

RECRUITERS = frozenset({Role.LMC, Role.AGENCY})


def require_admin(actor: Principal | None) -> None:
    """``None`` is the operator's command line, which acts as an admin."""
    if actor is not None and actor.role is not Role.ADMIN:
        raise NotPermitted("only an admin may do this")


def require_recruiter(actor: Principal) -> None:
    if actor.role not in RECRUITERS:
        raise NotPermitted("only a Labour Mobility Centre or an agency may do this")


def require_own_organisation_or_admin(actor: Principal | None, organisation_id: UUID) -> None:
    if actor is None or actor.role is Role.ADMIN or actor.organisation_id == organisation_id:
        return
    raise NotPermitted("this belongs to another organisation")
