"""Organisations that take part: Labour Mobility Centres, licensed agencies, UK scheme
operators, the ministry and the platform's admins. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from registry.domain.errors import InvalidOrganisationData


class OrganisationKind(StrEnum):
    LMC = "lmc"
    AGENCY = "agency"
    OPERATOR = "operator"
    MINISTRY = "ministry"
    ADMIN = "admin"


# Kinds whose members register and look after workers.
RECRUITING_KINDS = frozenset({OrganisationKind.LMC, OrganisationKind.AGENCY})
_LICENSED_KINDS = frozenset({OrganisationKind.AGENCY, OrganisationKind.OPERATOR})


@dataclass(frozen=True)
class Organisation:
    id: UUID
    name: str
    kind: OrganisationKind
    region: str | None
    licence_number: str | None
    licence_valid_until: date | None
    created_at: datetime
    active: bool = True

    @classmethod
    def register(
        cls,
        *,
        organisation_id: UUID,
        name: str,
        kind: OrganisationKind,
        region: str | None,
        licence_number: str | None,
        licence_valid_until: date | None,
        now: datetime,
    ) -> Organisation:
        organisation = cls(
            organisation_id, name, kind, region, licence_number, licence_valid_until, now
        )
        organisation.check()
        return organisation

    def updated(self, **changes: object) -> Organisation:
        changed = replace(self, **changes)  # type: ignore[arg-type]
        changed.check()
        return changed

    def check(self) -> None:
        if not self.name.strip():
            raise InvalidOrganisationData("an organisation needs a name", field="name")
        if self.kind is OrganisationKind.LMC and not self.region:
            raise InvalidOrganisationData("a Labour Mobility Centre has a region", field="region")
        if self.kind in _LICENSED_KINDS and not self.licence_number:
            raise InvalidOrganisationData(
                f"an organisation of kind {self.kind} needs its licence number",
                field="licence_number",
            )
        if self.kind is OrganisationKind.AGENCY and self.licence_valid_until is None:
            raise InvalidOrganisationData(
                "an agency's licence has a validity date", field="licence_valid_until"
            )

    def may_recruit(self, today: date) -> bool:
        """LMCs, and agencies whose licence is valid today, register and look after workers."""
        if not self.active or self.kind not in RECRUITING_KINDS:
            return False
        if self.kind is OrganisationKind.AGENCY:
            return self.licence_valid_until is not None and self.licence_valid_until >= today
        return True

    def snapshot(self) -> dict[str, object]:
        """What the audit log keeps of it."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "region": self.region,
            "licence_number": self.licence_number,
            "licence_valid_until": self.licence_valid_until,
            "active": self.active,
        }
