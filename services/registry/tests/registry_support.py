"""Helpers of the registry's tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import asyncpg

from registry.application.organisations import bootstrap_admin
from registry.domain.iin import check_digit
from servicekit.testing.service import ServiceHarness

_serial = itertools.count(1)

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "lmc": {"name": "Turkistan LMC", "kind": "lmc", "region": "Turkistan"},
    "agency_a": {
        "name": "Agency A",
        "kind": "agency",
        "licence_number": "PEA-A",
        "licence_valid_until": "2099-12-31",
    },
    "agency_b": {
        "name": "Agency B",
        "kind": "agency",
        "licence_number": "PEA-B",
        "licence_valid_until": "2099-12-31",
    },
    "expired_agency": {
        "name": "Lapsed Agency",
        "kind": "agency",
        "licence_number": "PEA-X",
        "licence_valid_until": "2020-01-01",
    },
    "operator": {"name": "Farm Labour Ltd", "kind": "operator", "licence_number": "GLAA-1"},
    "ministry": {"name": "MLSP", "kind": "ministry"},
}


@dataclass
class Tenant:
    organisation_id: str
    key_id: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@dataclass
class Tenants:
    admin: Tenant
    members: dict[str, Tenant]

    def __getattr__(self, name: str) -> Tenant:
        try:
            return self.members[name]
        except KeyError as error:
            raise AttributeError(name) from error


async def create_tenants(registry: ServiceHarness) -> Tenants:
    """An admin (bootstrapped as the CLI does), then every organisation through the API."""
    async with registry.runtime.unit_of_work("tests") as uow:
        issued = await bootstrap_admin(uow, "Platform administration")
    assert issued is not None
    admin = Tenant(str(issued.organisation.id), str(issued.key.key_id), issued.key.secret)
    members = {}
    for label, body in ORGANISATIONS.items():
        created = await registry.client.post("/v1/organisations", json=body, headers=admin.headers)
        assert created.status_code == 201, created.text
        organisation_id = created.json()["id"]
        key = await registry.client.post(
            f"/v1/organisations/{organisation_id}/api-keys", headers=admin.headers
        )
        assert key.status_code == 201, key.text
        members[label] = Tenant(organisation_id, key.json()["key_id"], key.json()["api_key"])
    return Tenants(admin, members)


def new_iin(birth: str = "980412", century_sex: str = "3") -> str:
    """A valid IIN not handed out before in this test session."""
    while True:
        first_eleven = f"{birth}{century_sex}{next(_serial) % 10_000:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            return first_eleven + str(digit)


def worker_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "iin": new_iin(),
        "given_name": "Aigerim",
        "family_name": "Example",
        "date_of_birth": "1998-04-12",
        "sex": "male",
        "region": "Turkistan",
        "phone": "+77011234567",
        "preferred_language": "kk",
        "passport_number": f"N{next(_serial):08d}",
        "passport_expiry": "2031-06-30",
        "consent": {"given_at": "2025-01-15T09:30:00Z", "text_version": "2025-01"},
    }
    body.update(overrides)
    return body


async def outbox_types(pool: asyncpg.Pool, subject: str) -> list[str]:
    """The CloudEvents types written for ``subject``, in order."""
    rows = await pool.fetch(
        "SELECT headers->>'ce_type' AS type FROM outbox WHERE subject = $1 ORDER BY id", subject
    )
    return [row["type"] for row in rows]
